/**
 * hmm-tests.c, fork() with a device mirror in the child (section d #6, #7). The child opens its
 * own dmirror fd after fork: in the model that fd is device 1, whose interval notifier mirrors
 * the child's mm (config.deviceMm = [0, 1]). The model identifies an fd with the owner of the
 * device-private pages it migrates, so the child's fd is a different owner than the parent's
 * (in the kernel both fds are /dev/hmm_dmirror0, one mdevice); the child CPU-reads every page
 * before its device write, which brings any device-private page back to system memory first,
 * so the difference does not reach the expected results.
 */
import { describe, expect } from 'vitest';
import { Session } from '../../model/hmm/selftest/index.ts';
import { selftest } from './selftest.ts';

const fill = (n: number, v: number): number[] => Array.from({ length: n }, () => v);

describe('hmm-tests.c: fork and a child mirror', () => {
  selftest(6, 'hmm', 'anon_write_child', (v) => {
    for (const migrate of [false, true]) {
      for (const thp of [false, true]) {
        const N = thp ? 2 : 4; // use_thp: one PMD; otherwise the (scaled) HMM_BUFFER_SIZE
        const p = new Session({ ...v.session, pages: N, devices: 2, deviceMm: [0, 1], mapping: thp ? 'thp' : 'anon', features: { fork: true, deviceThp: true } });
        p.write(0, N); // ptr[i] = i
        if (migrate) expect(p.dev(0).migrateToDev(0, N)).toMatchObject({ rc: 0, cpages: N });
        expect(p.fork()).toBe(0);
        // child: sees the parent's values, then writes through its own mirror
        expect(p.read(0, N, 1)).toEqual({ rc: 0, data: fill(N, 1) });
        expect(p.dev(1).write(0, N)).toMatchObject({ rc: 0, cpages: N, faults: 1 });
        if (!migrate) expect(p.read(0, N, 1).data).toEqual(fill(N, 2));
        expect(p.exitChild()).toBe(0);
        // parent: its buffer did not change (COW)
        expect(p.read(0, N)).toEqual({ rc: 0, data: fill(N, 1) });
      }
    }
  });

  selftest(7, 'hmm', 'anon_write_child_shared', (v) => {
    const N = 4;
    const p = new Session({ ...v.session, pages: N, devices: 2, deviceMm: [0, 1], mapping: 'shared', features: { fork: true } });
    p.write(0, N);
    expect(p.fork()).toBe(0);
    expect(p.read(0, N, 1)).toEqual({ rc: 0, data: fill(N, 1) });
    expect(p.dev(1).write(0, N)).toMatchObject({ rc: 0, cpages: N, faults: 1 });
    expect(p.read(0, N, 1).data).toEqual(fill(N, 2));
    expect(p.exitChild()).toBe(0);
    // parent: the child's device writes are visible (MAP_SHARED: no COW)
    expect(p.read(0, N)).toEqual({ rc: 0, data: fill(N, 2) });
  });
});
