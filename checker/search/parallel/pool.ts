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
import { pathToFileURL } from 'node:url';
import { MessageChannel, type MessagePort, receiveMessageOnPort, type ResourceLimits, Worker } from 'node:worker_threads';
import { CheckerError, ModelContractError } from '../../errors.ts';
import type { LoadedSearchModel, ModelSource } from './source.ts';
import { Partition } from './partition.ts';
import { batchBuffers, deserializeError, type Reply, type Request, type SearchPartition, serializeError, serve } from './protocol.ts';
import { SharedTablePartition, type SharedTableMemory } from './shared-table-partition.ts';
import type { PartitionProperty } from './partition-properties.ts';

export interface PartitionPool {
  readonly size: number;
  run(requests: readonly Request[], poll: () => boolean): unknown[];
  close(): void;
}

/**
 * Raised in the coordinator for a partition's failure: the original error, and the state whose
 * expansion threw. `outOfMemory`: V8 ended the worker at its heap limit, which the search reports
 * as a memory stop (incomplete), as one thread does, not as an error.
 */
export class PartitionFailure extends Error {
  override name = 'PartitionFailure';
  readonly error: Error;
  readonly stateId: number | undefined;
  readonly outOfMemory: boolean;
  constructor(error: Error, stateId: number | undefined, outOfMemory = false) {
    super(error.message);
    this.error = error;
    this.stateId = stateId;
    this.outOfMemory = outOfMemory;
  }
}

/** Partition p of `size`: a hash partition, or a worker of the shared-table search when given its shared memory. */
export function makePartition(loaded: LoadedSearchModel, props: readonly PartitionProperty[], p: number, size: number, coverageOf: ((a: unknown) => string) | undefined, memory?: SharedTableMemory): SearchPartition {
  const packed = loaded.model.packed!;
  return memory === undefined ? new Partition(loaded.model, packed, props, p, size, coverageOf) : new SharedTablePartition(loaded.model, packed, props, p, size, memory, coverageOf);
}

export class InProcessPool implements PartitionPool {
  private readonly partitions: SearchPartition[];
  constructor(loaded: LoadedSearchModel, props: readonly PartitionProperty[], size: number, coverage: boolean, memory?: SharedTableMemory) {
    const coverageOf = coverage ? loaded.coverage : undefined;
    this.partitions = Array.from({ length: size }, (_, p) => makePartition(loaded, props, p, size, coverageOf, memory));
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

export interface ThreadPoolOptions {
  /** the shared-table search's shared memory (absent: hash partitions) */
  readonly memory?: SharedTableMemory;
  /** a prebuilt worker (ParallelOptions.workerBundle) to start instead of worker-entry.mjs */
  readonly bundle?: string;
  /** each worker's V8 limits (tests give a small heap to see a worker run out of memory) */
  readonly resourceLimits?: ResourceLimits;
  /** another module to serve requests in the workers (the liveness graph's), with its job description; not with a bundle */
  readonly serving?: { readonly module: string; readonly job: unknown };
  /** how long the supervisor may be silent before the run stops (tests shorten it) */
  readonly supervisorSilenceMs?: number;
}

/** Shared words: the stop word, the closing word, the supervisor's heartbeat, then per partition "posted a reply" and "died". */
const STOP = 0;
const CLOSING = 1;
const HEARTBEAT = 2;
const REPLIED = 3;
const WAIT_MS = 20;
/**
 * The supervisor counts HEARTBEAT up every 100 ms (supervisor.mjs). It has nothing else to do, so
 * a count that does not move for this long means it is gone, and the workers with it (a thread's
 * workers end with it): nobody would announce them, and the coordinator would wait for ever.
 */
const SUPERVISOR_SILENCE_MS = 30_000;

/**
 * Partitions on worker threads, started under a supervisor thread (supervisor.mjs) that reports a
 * worker ending without a reply. Construction does not wait: the workers load the model while the
 * caller goes on (`readyNow`, `waitReady`).
 */
export class ThreadPool implements PartitionPool {
  private readonly supervisor: Worker;
  private readonly ports: MessagePort[] = [];
  private readonly events: MessagePort;
  private readonly ctl: Int32Array;
  private readonly died: number;
  /** what each worker reported once it had rebuilt the model */
  private readonly readyReplies: unknown[] = [];
  /** what the supervisor reported of each worker that ended */
  private readonly deaths = new Map<number, Death>();
  private closed = false;
  /** the supervisor's heartbeat as last seen, and when it was seen to change */
  private beat = 0;
  private beatSeenAt = performance.now();
  private readonly silenceMs: number;

  constructor(source: ModelSource, propertyNames: readonly string[], coverage: boolean, size: number, options: ThreadPoolOptions = {}) {
    const { memory, bundle, resourceLimits, serving } = options;
    this.silenceMs = options.supervisorSilenceMs ?? SUPERVISOR_SILENCE_MS;
    this.died = REPLIED + size;
    this.ctl = new Int32Array(new SharedArrayBuffer(4 * (REPLIED + 2 * size)));
    const workers = [];
    const transfer: MessagePort[] = [];
    for (let p = 0; p < size; p++) {
      const { port1, port2 } = new MessageChannel();
      workers.push({ source, propertyNames, coverage, index: p, partitions: size, ctl: this.ctl.buffer, replied: REPLIED, port: port2, ...(memory === undefined ? {} : { memory }), ...(serving ? { main: serving.module, job: serving.job } : {}) });
      transfer.push(port2);
      this.ports.push(port1);
    }
    const events = new MessageChannel();
    this.events = events.port1;
    this.supervisor = new Worker(new URL('./supervisor.mjs', import.meta.url), {
      workerData: { entry: bundle === undefined ? new URL('./worker-entry.mjs', import.meta.url).href : pathToFileURL(bundle).href, workers, ctl: this.ctl.buffer, events: events.port2, closing: CLOSING, heartbeat: HEARTBEAT, replied: REPLIED, died: this.died, resourceLimits },
      transferList: [...transfer, events.port2],
      // the workers inherit it: a worker loads what it needs itself (worker-entry.mjs registers the
      // TypeScript loader, a bundle needs none), so the process's own --import of tsx would only
      // cost each of them a loader thread
      execArgv: withoutLoaders(process.execArgv),
    });
    // the coordinator blocks its own loop; an unhandled error of the supervisor would otherwise be lost
    this.supervisor.on('error', () => {});
  }

  get size(): number {
    return this.ports.length;
  }

  /** Have all workers rebuilt the model? Never blocks; a worker's failure to load is thrown. */
  readyNow(): boolean {
    while (this.readyReplies.length < this.size) {
      const p = this.readyReplies.length;
      if (Atomics.load(this.ctl, this.died + p) === 0 && Atomics.load(this.ctl, REPLIED + p) === 0) return false;
      this.readyReplies.push(this.await(p, () => false));
    }
    return true;
  }

  /** What each worker reported once it had rebuilt the model, waiting for them. */
  waitReady(poll: () => boolean): unknown[] {
    while (this.readyReplies.length < this.size) this.readyReplies.push(this.await(this.readyReplies.length, poll));
    return this.readyReplies;
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

  /**
   * Ends worker p from outside (Worker.terminate, by the supervisor), as a crash or an operator
   * would: the run must stop with one error, not hang. For tests; nothing in a search calls it.
   */
  terminateWorker(p: number): void {
    this.supervisor.postMessage({ t: 'terminate', partition: p });
  }

  /** Ends the supervisor thread, and so the workers, from outside. For tests, as terminateWorker. */
  terminateSupervisor(): void {
    void this.supervisor.terminate();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    Atomics.store(this.ctl, CLOSING, 1);
    for (const port of this.ports) port.close();
    this.events.close();
    // ends the workers with it
    void this.supervisor.terminate();
  }

  private await(p: number, poll: () => boolean): unknown {
    const flag = REPLIED + p;
    for (;;) {
      Atomics.store(this.ctl, flag, 0);
      const m = receiveMessageOnPort(this.ports[p]!);
      if (m) {
        const reply = m.message as Reply;
        if (reply.ok) return reply.value;
        const s = reply.error;
        throw new PartitionFailure(s.stateId !== undefined && s.cause ? deserializeError(s.cause) : deserializeError(s), s.stateId);
      }
      if (Atomics.load(this.ctl, this.died + p) !== 0) throw this.death(p);
      Atomics.wait(this.ctl, flag, 0, WAIT_MS);
      if (poll()) Atomics.store(this.ctl, STOP, 1);
      this.checkSupervisor();
    }
  }

  /** Throws if the supervisor has been silent too long (gone, and the workers with it). */
  private checkSupervisor(): void {
    const beat = Atomics.load(this.ctl, HEARTBEAT);
    const now = performance.now();
    if (beat !== this.beat) {
      this.beat = beat;
      this.beatSeenAt = now;
      return;
    }
    if (now - this.beatSeenAt < this.silenceMs) return;
    const error = new CheckerError(
      `the search workers' supervisor thread stopped (silent for ${Math.round((now - this.beatSeenAt) / 1000)} s), and the ${this.size} search workers with it: the run cannot go on`,
      'run again; if it recurs, run with --workers 1 and report it with --debug output',
    );
    throw new PartitionFailure(error, undefined, false);
  }

  /** Why worker p ended, as the supervisor saw it. */
  private death(p: number): PartitionFailure {
    // the port may also carry other workers' deaths: keep them for their own turn
    for (let m = receiveMessageOnPort(this.events); m; m = receiveMessageOnPort(this.events)) {
      const d = m.message as Death;
      this.deaths.set(d.partition, d);
    }
    const info = this.deaths.get(p);
    const oom = info?.error?.code === 'ERR_WORKER_OUT_OF_MEMORY';
    const how = oom ? 'ran out of memory' : info?.error ? `failed (${info.error.name}: ${info.error.message})` : `ended with exit code ${info?.code ?? 'unknown'}`;
    const error = new CheckerError(
      `search worker ${p + 1} of ${this.size} ${how} without finishing its part of the search (it was terminated, or its thread exited)`,
      oom ? 'give the run more memory (--max-memory) or fewer workers, or run with --workers 1' : 'a model must not exit or end its thread; run with --workers 1 to check on one thread, and --debug for details',
    );
    return new PartitionFailure(error, undefined, oom);
  }
}

interface Death {
  readonly partition: number;
  readonly code: number;
  readonly error?: { readonly name: string; readonly message: string; readonly code?: string };
}

/** Node's flags without those that load modules into every thread (--import, --require, --loader). */
export function withoutLoaders(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (/^(--import|--require|-r|--loader|--experimental-loader)$/.test(a)) i++;
    else if (!/^(--import|--require|--loader|--experimental-loader)=/.test(a)) out.push(a);
  }
  return out;
}

function transfers(r: Request): ArrayBuffer[] {
  if (r.t === 'receive') return batchBuffers(r.inboxes);
  if (r.t === 'settle') return r.lost.map((l) => l.buffer as ArrayBuffer);
  if (r.t === 'adopt') return [r.state.fingerprints, r.state.frontier, r.state.ids, ...(r.state.tableSegments ?? [])].map((a) => a.buffer as ArrayBuffer);
  return [];
}

/** Workers' ready reports (waitReady) against the model here: a worker that rebuilt another model is the source's fault. */
export function assertSameModel(reports: readonly unknown[], modelId: string, width: number): void {
  for (const r of reports as { modelId: string; width: number }[]) {
    if (r.modelId !== modelId || r.width !== width) {
      throw new ModelContractError(
        `model ${modelId}: a search worker rebuilt it as ${r.modelId} with ${r.width}-word states (here ${width})`,
        'createModel must build the same model every time it is called with the same params; run with --workers 1 meanwhile',
      );
    }
  }
}
