/**
 * A worker thread's side of the coordinator's shared words, for every kind of search worker
 * (worker.ts, the liveness graph's graph-worker.ts): the stop word it polls, with its own heap
 * check, the reply it posts and then announces on its "replied" word, and the request loop.
 */
import type { MessagePort } from 'node:worker_threads';
import { MEMORY_CHECK_MS, memoryExhausted } from '../control.ts';
import { type Reply, serializeError } from './protocol.ts';

/**
 * The coordinator raises the stop word (interrupt, time, memory); a worker raises it itself when
 * its own heap nears V8's limit, where V8 would end the thread with nothing reported.
 */
export function stopCheck(ctl: Int32Array): () => boolean {
  let lastMemoryCheck = 0;
  return (): boolean => {
    if (Atomics.load(ctl, 0) !== 0) return true;
    // as often as the coordinator checks its own (heap statistics cost microseconds, asked every 1,024 expansions)
    const now = performance.now();
    if (now - lastMemoryCheck < MEMORY_CHECK_MS) return false;
    lastMemoryCheck = now;
    if (memoryExhausted(Number.POSITIVE_INFINITY)) Atomics.store(ctl, 0, 1);
    return Atomics.load(ctl, 0) !== 0;
  };
}

/** Posts a reply, then raises and notifies the worker's "replied" word the coordinator sleeps on. */
export function replier(port: MessagePort, ctl: Int32Array, repliedWord: number): (r: Reply, transfer?: ArrayBuffer[]) => void {
  return (r, transfer = []) => {
    port.postMessage(r, transfer);
    Atomics.store(ctl, repliedWord, 1);
    Atomics.notify(ctl, repliedWord);
  };
}

/**
 * A worker's life: `load` rebuilds the model and the worker's partition, whose report (or the
 * error) is the first reply; then each request on the port is served by `handle` and answered,
 * a failure as an error reply.
 */
export async function servePartition<P, R>(
  port: MessagePort,
  reply: (r: Reply, transfer?: ArrayBuffer[]) => void,
  load: () => Promise<{ readonly partition: P; readonly report: unknown }>,
  handle: (partition: P, req: R) => unknown,
  transfers: (value: unknown) => ArrayBuffer[],
): Promise<void> {
  let partition: P | undefined;
  try {
    const loaded = await load();
    partition = loaded.partition;
    reply({ ok: true, value: loaded.report });
  } catch (e) {
    reply({ ok: false, error: serializeError(e) });
  }
  port.on('message', (req: R) => {
    if (partition === undefined) return;
    try {
      const value = handle(partition, req);
      reply({ ok: true, value }, transfers(value));
    } catch (e) {
      reply({ ok: false, error: serializeError(e) });
    }
  });
}
