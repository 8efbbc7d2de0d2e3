/**
 * The check worker: runs jobs one at a time for the main thread.
 *
 * Why a worker: check() is synchronous, so while it runs the main thread's event loop cannot see
 * SIGINT. Running it here leaves the main thread free to catch Ctrl-C (and to animate the
 * progress bar); it sets a flag in shared memory that the engine polls as its abort signal, and
 * the run ends as 'incomplete' (interrupted) with its statistics instead of dying mid-write.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { CheckEvent } from '../checker/events.ts';
import { serializeError } from './errors.ts';
import { type Job, runJob } from './job.ts';
import { display } from './paths.ts';

export type ToWorker = { readonly type: 'job'; readonly id: number; readonly job: Job };
export type FromWorker =
  | { readonly type: 'event'; readonly id: number; readonly event: CheckEvent }
  | { readonly type: 'done'; readonly id: number; readonly result: Awaited<ReturnType<typeof runJob>> }
  | { readonly type: 'error'; readonly id: number; readonly error: ReturnType<typeof serializeError> };

const port = parentPort!;
const flag = new Int32Array(workerData.abort as SharedArrayBuffer);
const signal = {
  get aborted(): boolean {
    return Atomics.load(flag, 0) !== 0;
  },
};

port.on('message', (msg: ToWorker) => {
  void (async () => {
    const { id, job } = msg;
    try {
      const result = await runJob(job, {
        signal,
        reporter: { onEvent: (event) => port.postMessage({ type: 'event', id, event } satisfies FromWorker) },
      });
      port.postMessage({ type: 'done', id, result } satisfies FromWorker);
    } catch (e) {
      port.postMessage({ type: 'error', id, error: serializeError(e, display(job.source.file)) } satisfies FromWorker);
    }
  })();
});
