/**
 * hmm-tests.c: other kinds of mappings and HMM_DMIRROR_SNAPSHOT (section d #9–#11, #15, #20–#22).
 * Huge pages are scaled to 2-page units (a PMD / hugetlb entry covers an aligned page pair).
 */
import { describe, expect } from 'vitest';
import { Session, PROT } from '../../model/hmm/selftest/index.ts';
import { ENOENT } from '../../model/hmm/index.ts';
import { selftest } from './selftest.ts';

const N = 4;
const fill = (n: number, v: number): number[] => Array.from({ length: n }, () => v);

describe('hmm-tests.c: file, shared, hugetlb and device mappings; snapshots', () => {
  selftest(9, 'hmm', 'anon_write_hugetlbfs', (v) => {
    const p = new Session({ ...v.session, pages: N, mapping: 'hugetlb' });
    expect(p.dev(0).write(0, N)).toMatchObject({ rc: 0, cpages: N, faults: 1 });
    expect(p.read(0, N).data).toEqual(fill(N, 1));
  });

  selftest(10, 'hmm', 'file_read', (v) => {
    // the file was written with pwrite() before the mmap: its page cache pages hold the data
    // (the model has no separate page cache: they are modelled as mapped read-only already)
    const p = new Session({ ...v.session, pages: N, mapping: 'file', prot: 'read', initial: ['ro', 'ro', 'ro', 'ro'] });
    expect(p.dev(0).read(0, N)).toEqual({ rc: 0, cpages: N, faults: 1, data: fill(N, 1) });
  });

  selftest(11, 'hmm', 'file_write', (v) => {
    const p = new Session({ ...v.session, pages: N, mapping: 'file' });
    expect(p.dev(0).write(0, N)).toMatchObject({ rc: 0, cpages: N, faults: 1 });
    expect(p.read(0, N).data).toEqual(fill(N, 1));
    for (let a = 0; a < N; a++) expect(p.pread(a)).toBe(1); // pread() of the file sees the device writes
  });

  selftest(15, 'hmm', 'migrate_shared', (v) => {
    const p = new Session({ ...v.session, pages: N, mapping: 'shared' });
    expect(p.dev(0).migrateToDev(0, N).rc).toBe(ENOENT);
  });

  selftest(20, 'hmm', 'mixedmap', (v) => {
    // mmap(PROT_READ | PROT_WRITE, MAP_PRIVATE) of the dmirror device file: VM_MIXEDMAP
    const p = new Session({ ...v.session, pages: 1, mapping: 'mixedmap' });
    expect(p.dev(0).snapshot(0, 1)).toMatchObject({ rc: 0, cpages: 1, data: [PROT.READ] });
  });

  selftest(21, 'hmm2', 'snapshot', (v) => {
    const p = new Session({ ...v.session, pages: 7, devices: 2, prot: 'none' });
    expect(p.munmap(1, 1)).toBe(0);
    expect(p.mprotect(2, 1, 'read')).toBe(0);
    expect(p.read(2).data).toEqual([0]); // page 2: read-only zero page
    expect(p.mprotect(3, 1, 'rw')).toBe(0);
    p.write(3);
    expect(p.mprotect(3, 1, 'read')).toBe(0); // page 3: read-only
    expect(p.mprotect(4, 3, 'rw')).toBe(0);
    p.write(4); // pages 4-6 read-write
    expect(p.dev(0).migrateToDev(5, 1)).toMatchObject({ rc: 0, cpages: 1 });
    expect(p.dev(1).migrateToDev(6, 1)).toMatchObject({ rc: 0, cpages: 1 });
    const r = p.dev(0).snapshot(0, 7);
    expect(r).toMatchObject({ rc: 0, cpages: 7 });
    expect(r.data.slice(0, 5)).toEqual([PROT.ERROR, PROT.ERROR, PROT.ZERO | PROT.READ, PROT.READ, PROT.WRITE]);
    if (!v.coherent) expect(r.data.slice(5)).toEqual([PROT.DEV_PRIVATE_LOCAL | PROT.WRITE, PROT.NONE]);
    else expect(r.data.slice(5)).toEqual([PROT.DEV_COHERENT_LOCAL | PROT.WRITE, PROT.DEV_COHERENT_REMOTE | PROT.WRITE]);
  });

  selftest(22, 'hmm', 'compound', (v) => {
    const p = new Session({ ...v.session, pages: N, mapping: 'hugetlb' });
    p.write(0, N);
    const r1 = p.dev(0).snapshot(0, N);
    expect(r1).toMatchObject({ rc: 0, cpages: N, data: fill(N, PROT.WRITE | PROT.PMD) });
    expect(p.mprotect(0, N, 'read')).toBe(0);
    const r2 = p.dev(0).snapshot(0, N);
    expect(r2).toMatchObject({ rc: 0, cpages: N, data: fill(N, PROT.READ | PROT.PMD) });
  });
});
