/**
 * Search workers that end from outside or run out of memory, on real worker threads. The search
 * is driven through parallelBfs with a ThreadPool built here, which is what threadedPackedBfs
 * does, so that a test can reach the workers: terminate one (ThreadPool.terminateWorker) or give
 * them a small V8 heap (resourceLimits).
 */
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../../checker/config.ts';
import { CheckerError, type Model } from '../../../../checker/index.ts';
import { silentReporter } from '../../../../checker/events.ts';
import { SearchControl } from '../../../../checker/search/control.ts';
import { parallelBfs } from '../../../../checker/search/parallel/parallel-bfs.ts';
import { type PartitionPool, ThreadPool } from '../../../../checker/search/parallel/pool.ts';
import type { ModelSource } from '../../../../checker/search/parallel/index.ts';
import type { Request } from '../../../../checker/search/parallel/protocol.ts';
import { PropertyTracker } from '../../../../checker/search/tracker.ts';
import { formatError } from '../../../../cli/errors.ts';
import { loadDve } from '../../../../model/dve/index.ts';
import { BEEM } from '../../../model/dve/helpers.ts';
import { dveSource } from './dve-source.ts';
import { brokenGrid, type GridArgs, gridSource } from './grid-source.ts';

/** Terminates worker `victim` as the coordinator opens level `level`, while the workers expand it. */
class TerminateAtLevel implements PartitionPool {
  terminated = false;
  readonly threads: ThreadPool;
  readonly level: number;
  readonly victim: number;
  constructor(threads: ThreadPool, level: number, victim: number) {
    this.threads = threads;
    this.level = level;
    this.victim = victim;
  }
  get size(): number {
    return this.threads.size;
  }
  run(requests: readonly Request[], poll: () => boolean): unknown[] {
    const r = requests[0];
    if (r?.t === 'expand' && r.depth === this.level) {
      this.threads.terminateWorker(this.victim);
      this.terminated = true;
    }
    return this.threads.run(requests, poll);
  }
  close(): void {
    this.threads.close();
  }
}

function search(model: Model<unknown, unknown>, pool: PartitionPool) {
  const rc = resolveConfig({ deadlock: 'count' });
  const control = new SearchControl(rc, silentReporter, undefined);
  const outcome = parallelBfs(model, model.packed!, new PropertyTracker([], false, false), rc, control, pool, { coverage: false });
  return { outcome, control };
}

/** What a search on the pool threw (undefined: none); the pool closed either way. */
function searchError(model: Model<unknown, unknown>, pool: PartitionPool): unknown {
  try {
    search(model, pool);
    return undefined;
  } catch (e) {
    return e;
  } finally {
    pool.close();
  }
}

function threads(source: ModelSource, limits?: { maxOldGenerationSizeMb: number }): ThreadPool {
  const pool = new ThreadPool(source, [], false, 2, limits === undefined ? {} : { resourceLimits: limits });
  pool.waitReady(() => false);
  return pool;
}

describe('a search worker terminated from outside (Worker.terminate) mid-level', () => {
  it('stops the run with one error naming the worker, not a hang', () => {
    // at.3: 1,711,620 states in 69 levels, level 30 holds tens of thousands of states
    const file = `${BEEM}dve/at.3.dve`;
    const model = loadDve(file).model as Model<unknown, unknown>;
    const pool = new TerminateAtLevel(threads(dveSource({ file, properties: [] })), 30, 1);
    const error = searchError(model, pool);
    expect(pool.terminated).toBe(true);
    expect(error).toBeInstanceOf(CheckerError);
    expect((error as Error).message).toMatch(/^search worker 2 of 2 ended with exit code 1 without finishing its part of the search/);
    // what the CLI prints (exit 2, as for every CheckerError): one paragraph, the fix, no stack
    const text = formatError({ name: (error as Error).name, message: (error as Error).message, hint: (error as CheckerError).hint!, stack: (error as Error).stack! }, false);
    expect(text).not.toContain('\n');
    expect(text).toMatch(/^hmm-check: error: search worker 2 of 2 .* Fix: .*--workers 1/);
  }, 120_000);
});

describe("the workers' supervisor thread ended from outside mid-level (the workers end with it)", () => {
  it('stops the run with one error once the supervisor has been silent, not a hang', () => {
    const file = `${BEEM}dve/at.3.dve`;
    const model = loadDve(file).model as Model<unknown, unknown>;
    const threads = new ThreadPool(dveSource({ file, properties: [] }), [], false, 2, { supervisorSilenceMs: 1000 });
    threads.waitReady(() => false);
    let terminated = false;
    const pool: PartitionPool = {
      size: 2,
      run(requests: readonly Request[], poll: () => boolean): unknown[] {
        if (requests[0]?.t === 'expand' && requests[0].depth === 30) {
          threads.terminateSupervisor();
          terminated = true;
        }
        return threads.run(requests, poll);
      },
      close: () => threads.close(),
    };
    const started = performance.now();
    const error = searchError(model, pool);
    expect(terminated).toBe(true);
    expect(error).toBeInstanceOf(CheckerError);
    expect((error as Error).message).toMatch(/^the search workers' supervisor thread stopped \(silent for [0-9]+ s\), and the 2 search workers with it/);
    // (the silence allowed, plus the run up to level 30: seconds, not the test's timeout)
    expect(performance.now() - started).toBeLessThan(60_000);
    const text = formatError({ name: (error as Error).name, message: (error as Error).message, hint: (error as CheckerError).hint!, stack: (error as Error).stack! }, false);
    expect(text).not.toContain('\n');
    expect(text).toMatch(/Fix: .*--workers 1/);
  }, 120_000);
});

describe('a search worker out of memory: incomplete (memory), as one thread at its memory bound', () => {
  it('V8 ends the worker at its heap limit inside one expansion (ERR_WORKER_OUT_OF_MEMORY)', () => {
    // the very first expansion allocates without bound: no poll runs before V8 ends the thread
    const args: GridArgs = { n: 60, hogAt: [0, 0] };
    const pool = threads(gridSource(args), { maxOldGenerationSizeMb: 64 });
    try {
      const { outcome, control } = search(brokenGrid(args) as unknown as Model<unknown, unknown>, pool);
      expect(outcome).toMatchObject({ completion: 'incomplete', reason: 'memory', distinct: 1, transitions: 0, queued: 1 });
      expect(control.stopReason).toBe('memory');
    } finally {
      pool.close();
    }
  }, 120_000);

  it("the worker's own heap check stops it first, and the workers live on", () => {
    // 16 KB kept per expansion, 40,401 states: 630 MB, far past a 256 MB old generation; the
    // heap check (80% of the limit less 64 MB) stops the workers about 60 MB before V8 would
    const args: GridArgs = { n: 200, keepKbPerState: 16 };
    const pool = threads(gridSource(args), { maxOldGenerationSizeMb: 256 });
    try {
      const { outcome } = search(brokenGrid(args) as unknown as Model<unknown, unknown>, pool);
      expect(outcome).toMatchObject({ completion: 'incomplete', reason: 'memory' });
      expect(outcome.distinct).toBeLessThan(201 * 201);
      // every worker still answers: none was ended by V8
      expect(() => pool.run([{ t: 'finish' }, { t: 'finish' }], () => false)).not.toThrow();
    } finally {
      pool.close();
    }
  }, 120_000);
});
