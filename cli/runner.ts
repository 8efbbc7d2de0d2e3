/**
 * Runs jobs on the check worker (default) or in-process. Signals become the engine's abort flag
 * (cli/signals.ts): the first asks the running check to stop and report what it explored, a second
 * exits at once (exit code 130). Files are only ever written atomically, so neither leaves a
 * partial counterexample behind.
 */
import { Worker } from 'node:worker_threads';
import type { CheckEvent } from '../checker/events.ts';
import { type SerializedError, serializeError } from './errors.ts';
import { effectiveConfig, type Job, type JobResult, runJob } from './job.ts';
import type { Signals } from './signals.ts';
import { resolveConfig } from '../checker/config.ts';
import type { Stats } from '../checker/result.ts';
import { peakRssBytes } from '../checker/search/control.ts';
import type { FromWorker } from './worker.ts';
import { display } from './paths.ts';

export class JobError extends Error {
  readonly error: SerializedError;
  constructor(error: SerializedError) {
    super(error.message);
    this.error = error;
  }
}

export interface Runner {
  run(job: Job, onEvent: (e: CheckEvent) => void): Promise<JobResult>;
  /** true once Ctrl-C was pressed */
  readonly interrupted: boolean;
  close(): Promise<void>;
}

/**
 * `signals` carries the abort flag the engine polls (set by SIGINT/SIGTERM, cli/signals.ts).
 * A worker that dies of heap exhaustion before the engine's own memory guard stops it does not
 * fail the run as bad input: the job ends as an incomplete result ('memory') with the counts of
 * its last progress event, and the next job gets a fresh worker.
 */
export function createRunner(inProcess: boolean, signals: Signals): Runner {
  if (inProcess) {
    return {
      get interrupted() {
        return signals.interrupted;
      },
      async run(job, onEvent) {
        try {
          // check() blocks this thread: a signal now ends the process (see cli/signals.ts)
          return await signals.whileBlocked(() => runJob(job, { reporter: { onEvent } }));
        } catch (e) {
          throw new JobError(serializeError(e, display(job.source.file)));
        }
      },
      async close() {},
    };
  }

  let worker: Worker | undefined;
  let nextId = 0;
  type Pending = { job: Job; last?: Stats; resolve: (r: JobResult) => void; reject: (e: unknown) => void; onEvent: (e: CheckEvent) => void };
  const pending = new Map<number, Pending>();
  const spawnWorker = (): Worker => {
    const w = new Worker(new URL('./worker-entry.mjs', import.meta.url), { workerData: { abort: signals.abort }, stderr: false, stdout: false });
    let outOfMemory = false;
    w.on('message', (m: FromWorker) => {
      const p = pending.get(m.id);
      if (!p) return;
      if (m.type === 'event') {
        if (m.event.code === 'check.progress') p.last = m.event.stats;
        p.onEvent(m.event);
      } else {
        pending.delete(m.id);
        if (m.type === 'done') p.resolve(m.result);
        else p.reject(new JobError(m.error));
      }
    });
    const failAll = (e: unknown): void => {
      for (const p of pending.values()) p.reject(new JobError(serializeError(e)));
      pending.clear();
    };
    w.on('error', (e: Error & { code?: string }) => {
      if (e.code !== 'ERR_WORKER_OUT_OF_MEMORY') return failAll(e);
      outOfMemory = true;
      for (const p of pending.values()) p.resolve(outOfMemoryResult(p.job, p.last));
      pending.clear();
    });
    w.on('exit', (code) => {
      if (worker === w) worker = undefined;
      if (pending.size > 0 && !outOfMemory) failAll(new Error(`the check worker exited with code ${code}`));
    });
    return w;
  };
  return {
    get interrupted() {
      return signals.interrupted;
    },
    run(job, onEvent) {
      const id = nextId++;
      worker ??= spawnWorker();
      const w = worker;
      return new Promise<JobResult>((resolve, reject) => {
        pending.set(id, { job, resolve, reject, onEvent });
        w.postMessage({ type: 'job', id, job });
      });
    },
    async close() {
      await worker?.terminate();
    },
  };
}

/** The result of a job whose worker ran out of heap: incomplete, with what it last reported. */
function outOfMemoryResult(job: Job, last: Stats | undefined): JobResult {
  const stats: Stats = last ?? { transitions: 0, distinct: 0, queued: 0, maxDepth: 0, deadlocks: 0, elapsedMs: 0, peakRssBytes: 0, bytesPerState: 0, collisionProbability: 0 };
  return {
    spec: job.specId,
    config: job.config,
    file: job.source.file,
    exportName: job.source.exportName,
    modelId: job.specId,
    params: 'null',
    checkConfig: resolveConfig(effectiveConfig(undefined, job.overrides)),
    status: 'incomplete',
    incompleteReason: 'memory',
    stats: { ...stats, peakRssBytes: peakRssBytes() },
    rows: [],
  };
}
