/**
 * hmm-tests.c, private anonymous memory: device READ/WRITE through hmm_range_fault
 * (section d #1–#5, #18, #19). Buffers are scaled from 1024 pages to 4.
 */
import { describe, expect } from 'vitest';
import { Session } from '../../model/hmm/selftest/index.ts';
import { EFAULT, EPERM } from '../../model/hmm/index.ts';
import { selftest } from './selftest.ts';

const N = 4;

describe('hmm-tests.c: anonymous private memory', () => {
  selftest(1, 'hmm', 'open_close', (v) => {
    const p = new Session({ ...v.session, pages: 1 });
    expect(p.model.ctx.L.devices).toBe(1);
  });

  selftest(2, 'hmm', 'anon_read', (v) => {
    const p = new Session({ ...v.session, pages: N });
    // leave the first two pages zero (pte_none and pfn_zero)
    expect(p.write(2, N - 2).rc).toBe(0);
    expect(p.mprotect(0, N, 'read')).toBe(0);
    expect(p.read(1).data).toEqual([0]); // populate the zero page
    const r = p.dev(0).read(0, N);
    expect(r).toMatchObject({ rc: 0, cpages: N, faults: 1 });
    expect(r.data).toEqual([0, 0, 1, 1]);
  });

  selftest(3, 'hmm', 'anon_read_prot', (v) => {
    const p = new Session({ ...v.session, pages: N });
    p.write(0, N);
    expect(p.mprotect(0, N, 'none')).toBe(0);
    const r = p.dev(0).read(0, N);
    expect(r.rc).toBe(EFAULT);
    expect(r.data).toEqual([-1, -1, -1, -1]); // mirror buffer untouched
    expect(p.mprotect(0, N, 'read')).toBe(0);
    expect(p.read(0, N)).toEqual({ rc: 0, data: [1, 1, 1, 1] });
  });

  selftest(4, 'hmm', 'anon_write', (v) => {
    const p = new Session({ ...v.session, pages: N });
    const r = p.dev(0).write(0, N);
    expect(r).toMatchObject({ rc: 0, cpages: N, faults: 1 });
    expect(p.read(0, N).data).toEqual([1, 1, 1, 1]);
  });

  selftest(5, 'hmm', 'anon_write_prot', (v) => {
    const p = new Session({ ...v.session, pages: N, prot: 'read' });
    expect(p.dev(0).read(0, 1)).toMatchObject({ rc: 0, cpages: 1, faults: 1, data: [0] });
    expect(p.dev(0).write(0, N).rc).toBe(EPERM);
    expect(p.read(0, N).data).toEqual([0, 0, 0, 0]);
    expect(p.mprotect(0, N, 'rw')).toBe(0);
    expect(p.dev(0).write(0, N)).toMatchObject({ rc: 0, cpages: N, faults: 1 });
    expect(p.read(0, N).data).toEqual([1, 1, 1, 1]);
  });

  selftest(18, 'hmm', 'anon_read_multiple', (v) => {
    for (let i = 0; i < 2; i++) {
      const p = new Session({ ...v.session, pages: N });
      p.write(0, N);
      const r = p.dev(0).read(0, N);
      expect(r).toMatchObject({ rc: 0, cpages: N, faults: 1, data: [1, 1, 1, 1] });
    }
  });

  selftest(19, 'hmm', 'anon_teardown', (v) => {
    // sequential runs of the two orders; every interleaving: specs/conformance (anon-teardown)
    for (const unmapFirst of [false, true]) {
      const p = new Session({ ...v.session, pages: N });
      p.write(0, N);
      if (unmapFirst) p.munmap(N / 2, N / 2);
      const r = p.dev(0).read(0, N);
      if (r.rc === 0) expect(r).toMatchObject({ cpages: N, faults: 1, data: [1, 1, 1, 1] });
      else expect(unmapFirst).toBe(true);
      if (!unmapFirst) p.munmap(N / 2, N / 2);
    }
  });
});
