/**
 * The time and memory bounds with worker threads end a run as they end it on one thread:
 * incomplete, with the same reason (where they stop depends on timing, so only the reason and
 * status are compared; the state and depth bounds are compared exactly in threads.test.ts and
 * identity.test.ts). The workers start at once (threadsAfterMs 0), so the bound is met while
 * they load or search, never in a one-thread trial.
 */
import { describe, expect, it } from 'vitest';
import { check, type CheckConfig, type Model } from '../../../../checker/index.ts';
import { loadDve } from '../../../../model/dve/index.ts';
import { BEEM } from '../../../model/dve/helpers.ts';
import { dveSource } from './dve-source.ts';

// 6,597,245 states: about 4 s on one thread of this machine idle, longer on two workers
const file = `${BEEM}dve/at.4.dve`;
const model = loadDve(file).model as Model<unknown, unknown>;
const threads = { parallel: { workers: 2, source: dveSource({ file, properties: [] }), threadsAfterMs: 0 } };

function both(config: CheckConfig) {
  return { one: check(model, [], config), two: check(model, [], config, threads) };
}

describe('time and memory bounds with two worker threads', () => {
  it('--timeout: incomplete (timeout), as one thread', () => {
    const { one, two } = both({ deadlock: 'count', timeoutMs: 2500 });
    for (const r of [one, two]) {
      expect(r.status).toBe('incomplete');
      expect(r.incompleteReason).toBe('timeout');
      expect(r.stats.distinct).toBeLessThan(6_597_245);
    }
  }, 120_000);

  it('--max-memory: incomplete (memory), as one thread', () => {
    // any process is bigger than 1 MB: the first memory check stops either run
    const { one, two } = both({ deadlock: 'count', maxMemoryBytes: 2 ** 20 });
    for (const r of [one, two]) {
      expect(r.status).toBe('incomplete');
      expect(r.incompleteReason).toBe('memory');
    }
  }, 120_000);
});
