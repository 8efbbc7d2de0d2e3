/**
 * A set of partitions the coordinator drives in lock step: `run` hands request p to partition p
 * and returns every reply. Two implementations: worker threads (the multi-core search) and the
 * caller's own thread (tests, and the reference the threads must agree with). A transport across
 * machines would be a third: the coordinator only ever sees requests and replies.
 *
 * `run` blocks (check() is synchronous): the coordinator sleeps on a shared word each worker
 * raises after posting its reply, and reads replies with receiveMessageOnPort, so it needs no
 * event loop. While it waits it calls `poll`; when that returns true the workers see the shared
 * stop word and end their phase early.
 */
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { LoadedSearchModel, ModelSource } from './source.ts';
import { Partition } from './partition.ts';
import { deserializeError, type Reply, type Request, serializeError, serve } from './protocol.ts';
import type { PartitionProperty } from './partition-properties.ts';

export interface PartitionPool {
  readonly size: number;
  run(requests: readonly Request[], poll: () => boolean): unknown[];
  close(): void;
}

/** Raised in the coordinator for a partition's failure: the original error, and the state whose expansion threw. */
export class PartitionFailure extends Error {
  override name = 'PartitionFailure';
  readonly error: Error;
  readonly stateId: number | undefined;
  constructor(error: Error, stateId: number | undefined) {
    super(error.message);
    this.error = error;
    this.stateId = stateId;
  }
}

export class InProcessPool implements PartitionPool {
  private readonly partitions: Partition[];
  constructor(loaded: LoadedSearchModel, props: readonly PartitionProperty[], size: number, coverage: boolean) {
    const packed = loaded.model.packed!;
    const coverageOf = coverage ? loaded.coverage : undefined;
    this.partitions = Array.from({ length: size }, (_, p) => new Partition(loaded.model, packed, props, p, size, coverageOf));
  }
  get size(): number {
    return this.partitions.length;
  }
  run(requests: readonly Request[], poll: () => boolean): unknown[] {
    return requests.map((r, p) => {
      try {
        return serve(this.partitions[p]!, r, poll);
      } catch (e) {
        const s = serializeError(e);
        throw new PartitionFailure(s.stateId !== undefined && s.cause ? deserializeError(s.cause) : deserializeError(s), s.stateId);
      }
    });
  }
  close(): void {}
}

/** Index 0: stop word; 1 + p: partition p posted a reply. */
const STOP = 0;
const WAIT_MS = 20;

export class ThreadPool implements PartitionPool {
  private readonly workers: Worker[] = [];
  private readonly ports: MessagePort[] = [];
  private readonly ctl: Int32Array;
  /** what each worker reported once it had rebuilt the model */
  readonly ready: unknown[] = [];

  constructor(source: ModelSource, propertyNames: readonly string[], coverage: boolean, size: number, poll: () => boolean) {
    this.ctl = new Int32Array(new SharedArrayBuffer(4 * (1 + size)));
    for (let p = 0; p < size; p++) {
      const { port1, port2 } = new MessageChannel();
      const w = new Worker(new URL('./worker-entry.mjs', import.meta.url), {
        workerData: { source, propertyNames, coverage, index: p, partitions: size, ctl: this.ctl.buffer, port: port2 },
        transferList: [port2],
      });
      // the coordinator blocks its own loop; an unhandled worker error would otherwise be lost
      w.on('error', () => {});
      this.workers.push(w);
      this.ports.push(port1);
    }
    try {
      // every worker first reports that it rebuilt the model (or why it could not)
      for (let p = 0; p < size; p++) this.ready.push(this.await(p, poll));
    } catch (e) {
      this.close();
      throw e;
    }
  }

  get size(): number {
    return this.workers.length;
  }

  run(requests: readonly Request[], poll: () => boolean): unknown[] {
    Atomics.store(this.ctl, STOP, 0);
    requests.forEach((r, p) => this.ports[p]!.postMessage(r, transfers(r)));
    const out: unknown[] = [];
    let failure: PartitionFailure | undefined;
    for (let p = 0; p < requests.length; p++) {
      try {
        out.push(this.await(p, poll));
      } catch (e) {
        // collect every reply first, so no worker is left mid-phase; report the lowest partition's failure
        failure ??= e as PartitionFailure;
        Atomics.store(this.ctl, STOP, 1);
        out.push(undefined);
      }
    }
    if (failure) throw failure;
    return out;
  }

  close(): void {
    for (const port of this.ports) port.close();
    for (const w of this.workers) void w.terminate();
  }

  private await(p: number, poll: () => boolean): unknown {
    const flag = 1 + p;
    for (;;) {
      Atomics.store(this.ctl, flag, 0);
      const m = receiveMessageOnPort(this.ports[p]!);
      if (m) {
        const reply = m.message as Reply;
        if (reply.ok) return reply.value;
        const s = reply.error;
        throw new PartitionFailure(s.stateId !== undefined && s.cause ? deserializeError(s.cause) : deserializeError(s), s.stateId);
      }
      Atomics.wait(this.ctl, flag, 0, WAIT_MS);
      if (poll()) Atomics.store(this.ctl, STOP, 1);
    }
  }
}

function transfers(r: Request): ArrayBuffer[] {
  if (r.t === 'receive') return r.inboxes.map((b) => b.buffer as ArrayBuffer);
  return [];
}
