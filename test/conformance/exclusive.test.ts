/**
 * hmm-tests.c, device-exclusive (atomic) access (section d #24–#26). Buffers scaled to 4 pages.
 */
import { describe, expect } from 'vitest';
import { Session } from '../../model/hmm/selftest/index.ts';
import { EPERM } from '../../model/hmm/index.ts';
import { selftest } from './selftest.ts';

const N = 4;
const fill = (n: number, v: number): number[] => Array.from({ length: n }, () => v);

describe('hmm-tests.c: exclusive access', () => {
  selftest(24, 'hmm', 'exclusive', (v) => {
    const p = new Session({ ...v.session, pages: N });
    p.write(0, N);
    expect(p.dev(0).exclusive(0, N)).toMatchObject({ rc: 0, cpages: N, data: fill(N, 1) });
    // the CPU increments every int: read, then write (revokes the atomic mappings)
    expect(p.read(0, N).data).toEqual(fill(N, 1));
    expect(p.write(0, N).rc).toBe(0);
    expect(p.read(0, N).data).toEqual(fill(N, 2));
    expect(p.dev(0).checkExclusive(0, N).rc).toBe(0);
  });

  selftest(25, 'hmm', 'exclusive_mprotect', (v) => {
    const p = new Session({ ...v.session, pages: N });
    p.write(0, N);
    expect(p.dev(0).exclusive(0, N)).toMatchObject({ rc: 0, cpages: N, data: fill(N, 1) });
    expect(p.mprotect(0, N, 'read')).toBe(0);
    expect(p.dev(0).write(0, N).rc).toBe(EPERM);
  });

  selftest(26, 'hmm', 'exclusive_cow', (v) => {
    const p = new Session({ ...v.session, pages: N });
    p.write(0, N);
    expect(p.dev(0).exclusive(0, N)).toMatchObject({ rc: 0, cpages: N, data: fill(N, 1) });
    expect(p.fork()).toBe(0);
    for (const thread of [0, 1]) {
      // parent and child: ASSERT_EQ(ptr[i]++, i), then ASSERT_EQ(ptr[i], i + 1)
      expect(p.read(0, N, thread).data).toEqual(fill(N, 1));
      expect(p.write(0, N, thread).rc).toBe(0);
      expect(p.read(0, N, thread).data).toEqual(fill(N, 2));
    }
  });
});
