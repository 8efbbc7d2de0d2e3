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
  selftest(12, 'hmm', 'migrate', (v) => {
    const p = new Session({ ...v.session, pages: N });
    p.write(0, N);
    expect(p.dev(0).migrateToDev(0, N)).toMatchObject({ rc: 0, cpages: N, data: ones(N) });
  });

  selftest(13, 'hmm', 'migrate_fault', (v) => {
    const p = new Session({ ...v.session, pages: N });
    p.write(0, N);
    expect(p.dev(0).migrateToDev(0, N)).toMatchObject({ rc: 0, cpages: N, data: ones(N) });
    expect(p.read(0, N / 2)).toEqual({ rc: 0, data: ones(N / 2) }); // fault half back (migrate_to_ram)
    expect(p.dev(0).migrateToDev(0, N)).toMatchObject({ rc: 0, cpages: N, data: ones(N) });
    expect(p.read(0, N / 2)).toEqual({ rc: 0, data: ones(N / 2) });
  });

  selftest(16, 'hmm2', 'migrate_mixed', (v) => {
    const p = new Session({ ...v.session, pages: 6, devices: 2, prot: 'none' });
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

  selftest(17, 'hmm', 'migrate_multiple', (v) => {
    for (let c = 0; c < 2; c++) {
      const p = new Session({ ...v.session, pages: N });
      p.write(0, N);
      expect(p.dev(0).migrateToDev(0, N)).toMatchObject({ rc: 0, cpages: N, data: ones(N) });
      // coherent device memory causes no CPU fault: it is migrated back explicitly
      if (v.coherent) expect(p.dev(0).migrateToSys(0, N)).toMatchObject({ rc: 0, cpages: N });
      expect(p.read(0, N)).toEqual({ rc: 0, data: ones(N) });
    }
  });

  selftest(23, 'hmm2', 'double_map', (v) => {
    const p = new Session({ ...v.session, pages: 6, devices: 2 });
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
  selftest(14, 'hmm', 'migrate_release', (v) => {
    const p = new Session({ ...v.session, pages: N });
    p.write(0, N);
    expect(p.dev(0).migrateToDev(0, N)).toMatchObject({ rc: 0, cpages: N, data: ones(N) });
    expect(p.dev(0).release().rc).toBe(0); // evict all device memory (migrate_device_range)
    expect(p.read(0, N)).toEqual({ rc: 0, data: ones(N) });
  });

  selftest(28, 'hmm', 'hmm_cow_in_device', (v) => {
    const p = new Session({ ...v.session, pages: N });
    p.write(0, N);
    expect(p.dev(0).migrateToDev(0, N)).toMatchObject({ rc: 0, cpages: N });
    expect(p.fork()).toBe(0); // the child spins
    expect(p.write(0, N).rc).toBe(0); // private: fault → migrate to RAM → COW
    expect(p.exitChild()).toBe(0); // kill(SIGTERM) + waitpid
    expect(p.dev(0).snapshot(0, N)).toMatchObject({ rc: 0, cpages: N, data: Array.from({ length: N }, () => PROT.WRITE) });
  });
});

describe('hmm-tests.c: GUP of device-private pages', () => {
  selftest(27, 'hmm', 'hmm_gup_test', (v) => {
    // gup_test ioctls, all with FOLL_WRITE: GUP_BASIC (p0) and GUP_FAST (p1) are get_user_pages +
    // put_page; PIN_FAST|FOLL_LONGTERM (p2) and PIN_LONGTERM (p3) are FOLL_LONGTERM pins (+ unpin).
    // (GUP-fast itself is not modelled: p1 takes the slow path, which is what GUP-fast falls back
    // to for a non-present or device page.)
    const p = new Session({ ...v.session, pages: N });
    p.write(0, N);
    expect(p.dev(0).migrateToDev(0, N)).toMatchObject({ rc: 0, cpages: N, data: ones(N) });
    expect(p.gupPut(0)).toBe(0);
    expect(p.gupPut(1)).toBe(0);
    expect(p.pinUnpin(2)).toBe(0);
    expect(p.pinUnpin(3)).toBe(0);
    const m = p.dev(0).snapshot(0, N);
    expect(m).toMatchObject({ rc: 0, cpages: N });
    // private: every GUP faulted its page back; coherent: non-long-term GUP leaves the page on the
    // device, FOLL_LONGTERM migrates it out (migrate_device_coherent_folio)
    const first = v.coherent ? PROT.DEV_COHERENT_LOCAL | PROT.WRITE : PROT.WRITE;
    expect(m.data).toEqual([first, first, PROT.WRITE, PROT.WRITE]);
    expect(p.read(0, N)).toEqual({ rc: 0, data: ones(N) });
  });
});
