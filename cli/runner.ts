/**
 * Runs jobs on the check worker (default) or in-process, and turns Ctrl-C into the engine's
 * abort flag: the first SIGINT asks the running check to stop and report what it explored, a
 * second one exits at once (exit code 130). Files are only ever written atomically, so neither
 * leaves a partial counterexample behind.
 */
import { Worker } from 'node:worker_threads';
import type { CheckEvent } from '../checker/events.ts';
import { type SerializedError, serializeError } from './errors.ts';
import { type Job, type JobResult, runJob } from './job.ts';
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

/** `beforeExit`: runs when a second Ctrl-C ends the process at once (cleans this run's temporaries). */
export function createRunner(inProcess: boolean, beforeExit: () => void = () => {}): Runner {
  const abort = new SharedArrayBuffer(4);
  const flag = new Int32Array(abort);
  let interrupted = false;
  const onSigint = (): void => {
    if (interrupted) {
      process.stderr.write('\nhmm-check: interrupted twice, exiting now\n');
      try {
        beforeExit();
      } finally {
        process.exit(130);
      }
    }
    interrupted = true;
    Atomics.store(flag, 0, 1);
    process.stderr.write('\nhmm-check: interrupted; finishing the current check and reporting what it explored (Ctrl-C again to exit now)\n');
  };
  if (inProcess) {
    // check() is synchronous on this thread, so a SIGINT handler could only run once the check is
    // over: Ctrl-C would be swallowed. Leave it to Node's default, which ends the process at once
    // (files are written atomically, so none is left half-written).
    return {
      interrupted: false,
      async run(job, onEvent) {
        try {
          return await runJob(job, { reporter: { onEvent } });
        } catch (e) {
          throw new JobError(serializeError(e, display(job.source.file)));
        }
      },
      async close() {},
    };
  }

  process.on('SIGINT', onSigint);
  const detach = (): void => {
    process.off('SIGINT', onSigint);
  };

  const worker = new Worker(new URL('./worker-entry.mjs', import.meta.url), { workerData: { abort }, stderr: false, stdout: false });
  let nextId = 0;
  const pending = new Map<number, { resolve: (r: JobResult) => void; reject: (e: unknown) => void; onEvent: (e: CheckEvent) => void }>();
  worker.on('message', (m: FromWorker) => {
    const p = pending.get(m.id);
    if (!p) return;
    if (m.type === 'event') p.onEvent(m.event);
    else {
      pending.delete(m.id);
      if (m.type === 'done') p.resolve(m.result);
      else p.reject(new JobError(m.error));
    }
  });
  const failAll = (e: unknown): void => {
    for (const p of pending.values()) p.reject(new JobError(serializeError(e)));
    pending.clear();
  };
  worker.on('error', failAll);
  worker.on('exit', (code) => {
    if (pending.size > 0) failAll(new Error(`the check worker exited with code ${code}`));
  });
  return {
    get interrupted() { return interrupted; },
    run(job, onEvent) {
      const id = nextId++;
      return new Promise<JobResult>((resolve, reject) => {
        pending.set(id, { resolve, reject, onEvent });
        worker.postMessage({ type: 'job', id, job });
      });
    },
    async close() {
      detach();
      await worker.terminate();
    },
  };
}
