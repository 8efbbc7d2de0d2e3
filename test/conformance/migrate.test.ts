/**
 * hmm-tests.c, migration to device-private memory and back (section d #12–#17, #23, #28).
 * Buffers scaled from 1024 pages to 4 (hmm2 tests keep their 6/7 pages).
 */
import { describe, expect } from 'vitest';
import { Session, PROT } from '../../model/hmm/selftest/index.ts';
import { EINVAL, ENOENT } from '../../model/hmm/index.ts';
import { selftest } from './selftest.ts';

const N = 4;
const ones = (n: number): number[] => Array.from({ length: n }, () => 1);

describe('hmm-tests.c: migration', () => {
  selftest(12, 'hmm', 'migrate', () => {
    const p = new Session({ pages: N });
    p.write(0, N);
    expect(p.dev(0).migrateToDev(0, N)).toMatchObject({ rc: 0, cpages: N, data: ones(N) });
  });

  selftest(13, 'hmm', 'migrate_fault', () => {
    const p = new Session({ pages: N });
    p.write(0, N);
    expect(p.dev(0).migrateToDev(0, N)).toMatchObject({ rc: 0, cpages: N, data: ones(N) });
    expect(p.read(0, N / 2)).toEqual({ rc: 0, data: ones(N / 2) }); // fault half back (migrate_to_ram)
    expect(p.dev(0).migrateToDev(0, N)).toMatchObject({ rc: 0, cpages: N, data: ones(N) });
    expect(p.read(0, N / 2)).toEqual({ rc: 0, data: ones(N / 2) });
  });

  selftest(16, 'hmm2', 'migrate_mixed', () => {
    const p = new Session({ pages: 6, devices: 2, prot: 'none' });
    expect(p.dev(1).migrateToDev(0, 6).rc).toBe(EINVAL); // protected area
    expect(p.munmap(1, 1)).toBe(0);
    expect(p.dev(1).migrateToDev(0, 3).rc).toBe(EINVAL); // the vma does not cover the range
    expect(p.mprotect(2, 1, 'read')).toBe(0);
    expect(p.read(2).data).toEqual([0]); // page 2: read-only zero page
    expect(p.mprotect(3, 1, 'rw')).toBe(0);
    p.write(3);
    expect(p.mprotect(3, 1, 'read')).toBe(0); // page 3: read-only data
    expect(p.mprotect(4, 2, 'rw')).toBe(0);
    p.write(4, 2); // pages 4-5: read-write data
    expect(p.dev(1).migrateToDev(2, 4)).toMatchObject({ rc: 0, cpages: 4 });
    // page 5 is on device 1: MIGRATE_VMA_SELECT_SYSTEM does not collect it for device 0
    expect(p.dev(0).migrateToDev(5, 1).rc).toBe(ENOENT);
  });

  selftest(17, 'hmm', 'migrate_multiple', () => {
    for (let c = 0; c < 2; c++) {
      const p = new Session({ pages: N });
      p.write(0, N);
      expect(p.dev(0).migrateToDev(0, N)).toMatchObject({ rc: 0, cpages: N, data: ones(N) });
      expect(p.read(0, N)).toEqual({ rc: 0, data: ones(N) });
    }
  });

  selftest(23, 'hmm2', 'double_map', () => {
    const p = new Session({ pages: 6, devices: 2 });
    p.write(0, 6);
    expect(p.mprotect(0, 6, 'read')).toBe(0);
    expect(p.dev(0).read(0, 6)).toEqual({ rc: 0, cpages: 6, faults: 1, data: ones(6) });
    expect(p.dev(1).read(0, 6)).toEqual({ rc: 0, cpages: 6, faults: 1, data: ones(6) });
    expect(p.dev(1).migrateToDev(0, 6)).toMatchObject({ rc: 0, cpages: 6 });
    // device 0 faults device 1's private pages back (non-owner device-private ⇒ fault)
    expect(p.dev(0).read(0, 6)).toEqual({ rc: 0, cpages: 6, faults: 1, data: ones(6) });
  });
});

describe('hmm-tests.c: migration, eviction and GUP', () => {
  selftest(14, 'hmm', 'migrate_release', () => {
    const p = new Session({ pages: N });
    p.write(0, N);
    expect(p.dev(0).migrateToDev(0, N)).toMatchObject({ rc: 0, cpages: N, data: ones(N) });
    expect(p.dev(0).release().rc).toBe(0); // evict all device memory (migrate_device_range)
    expect(p.read(0, N)).toEqual({ rc: 0, data: ones(N) });
  });

  selftest(28, 'hmm', 'hmm_cow_in_device', () => {
    const p = new Session({ pages: N });
    p.write(0, N);
    expect(p.dev(0).migrateToDev(0, N)).toMatchObject({ rc: 0, cpages: N });
    expect(p.fork()).toBe(0); // the child spins
    expect(p.write(0, N).rc).toBe(0); // private: fault → migrate to RAM → COW
    expect(p.exitChild()).toBe(0); // kill(SIGTERM) + waitpid
    expect(p.dev(0).snapshot(0, N)).toMatchObject({ rc: 0, cpages: N, data: Array.from({ length: N }, () => PROT.WRITE) });
  });
});

describe('hmm-tests.c: GUP of device-private pages', () => {
  selftest(27, 'hmm', 'hmm_gup_test', () => {
    // gup_test ioctls, all with FOLL_WRITE: GUP_BASIC (p0), GUP_FAST (p1), PIN_FAST|FOLL_LONGTERM
    // (p2), PIN_LONGTERM (p3). The model has one GUP operation, pin_user_pages(FOLL_WRITE |
    // FOLL_LONGTERM) + unpin: for device-private pages all four fault the page back to system
    // memory (a GUP never returns a device-private page), which is what the expectations check.
    const p = new Session({ pages: N });
    p.write(0, N);
    expect(p.dev(0).migrateToDev(0, N)).toMatchObject({ rc: 0, cpages: N, data: ones(N) });
    for (let a = 0; a < N; a++) expect(p.pinUnpin(a)).toBe(0);
    expect(p.dev(0).snapshot(0, N)).toMatchObject({ rc: 0, cpages: N, data: Array.from({ length: N }, () => PROT.WRITE) });
    expect(p.read(0, N)).toEqual({ rc: 0, data: ones(N) });
  });
});
