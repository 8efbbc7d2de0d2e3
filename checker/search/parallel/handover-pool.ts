/**
 * Partitions that start in the caller's thread and move to worker threads at a level boundary:
 * each partition's fingerprints, frontier (rows and ids) and the conjuncts it saw true are handed
 * over. The partitions are the same code on either side, so the results do not depend on when, or
 * whether, it happens. The search (parallel/index.ts) seeds the partitions here and hands them
 * over before the first level (threadsAfterMs 0: the workers start once a single-threaded trial
 * has run out of time); a later handover (threadsAfterMs > 0: after that much search time, once
 * the workers are ready, this thread searching meanwhile) is there for callers that would rather
 * not wait for the workers, and is tested level by level (handover.test.ts).
 */
import type { PartitionState } from './partition.ts';
import type { PartitionPool } from './pool.ts';
import type { Request } from './protocol.ts';

/** The partitions in this thread (InProcessPool) */
export interface LocalPartitions extends PartitionPool {
  exportStates(): PartitionState[];
}

/** The partitions on worker threads, loading (ThreadPool) */
export interface StartingPartitions extends PartitionPool {
  readyNow(): boolean;
  waitReady(poll: () => boolean): unknown[];
}

export interface HandoverTiming {
  /** search time after which the workers are started; 0: start them at once and wait for them */
  readonly threadsAfterMs: number;
  readonly elapsedMs: () => number;
}

export class HandoverPool implements PartitionPool {
  private local: LocalPartitions | undefined;
  private threads: StartingPartitions | undefined;
  private moved = false;
  private readonly startThreads: () => StartingPartitions;
  /** checks what the workers report once ready (they must have rebuilt the same model) */
  private readonly checkReady: (replies: unknown[]) => void;
  private readonly timing: HandoverTiming;
  readonly size: number;

  constructor(local: LocalPartitions, startThreads: () => StartingPartitions, checkReady: (replies: unknown[]) => void, timing: HandoverTiming) {
    this.local = local;
    this.size = local.size;
    this.startThreads = startThreads;
    this.checkReady = checkReady;
    this.timing = timing;
  }

  /** Have the partitions moved to worker threads? */
  get onThreads(): boolean {
    return this.moved;
  }

  run(requests: readonly Request[], poll: () => boolean): unknown[] {
    // 'expand' opens a level: the partitions are between levels, the one point they can move
    if (!this.moved && requests[0]?.t === 'expand') this.maybeMove(poll);
    return this.moved ? this.threads!.run(requests, poll) : this.local!.run(requests, poll);
  }

  close(): void {
    this.threads?.close();
  }

  private maybeMove(poll: () => boolean): void {
    const wait = this.timing.threadsAfterMs <= 0;
    if (this.threads === undefined) {
      if (!wait && this.timing.elapsedMs() < this.timing.threadsAfterMs) return;
      this.threads = this.startThreads();
    }
    if (wait) this.threads.waitReady(poll);
    else if (!this.threads.readyNow()) return;
    this.checkReady(this.threads.waitReady(() => false));
    const states = this.local!.exportStates();
    this.threads.run(states.map((state) => ({ t: 'adopt', state }) as const), poll);
    this.moved = true;
    // the partitions live on the threads now
    this.local = undefined;
  }
}
