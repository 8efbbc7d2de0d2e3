import { describe, expect, it } from 'vitest';
import { workersFor } from '../../cli/default-workers.ts';

describe('the default --workers', () => {
  it('is one thread on two cores or fewer, idle or not (two workers measured slower there)', () => {
    for (const load of [0, 0.3, 1.2, 9]) {
      expect(workersFor(1, load)).toBe(1);
      expect(workersFor(2, load)).toBe(1);
    }
  });
  it('is the cores when one of them is idle as the job starts, else one', () => {
    expect(workersFor(4, 0.2)).toBe(4);
    expect(workersFor(4, 3.4)).toBe(4);
    expect(workersFor(4, 3.6)).toBe(1);
    expect(workersFor(64, 10)).toBe(64);
    expect(workersFor(64, 70)).toBe(1);
  });
});
