/**
 * Budget, interruption and progress for a running search: polled every few hundred expansions
 * so the hot loop pays one counter decrement per state.
 *
 * Memory is a budget too: every MEMORY_CHECK_MS the search stops (incomplete, 'memory') when the
 * process's resident set passes maxMemoryBytes, or when the JS heap passes HEAP_FRACTION of
 * V8's limit less HEAP_RESERVE (the young generation counts in the limit but V8 gives up when the
 * old one is full: with --max-old-space-size=96 the limit reads 144 MB), where V8 would
 * otherwise abort the process (or kill the worker) with nothing reported.
 */
import { getHeapStatistics } from 'node:v8';
import type { ResolvedCheckConfig } from '../config.ts';
import type { Reporter } from '../events.ts';
import type { IncompleteReason, Stats } from '../result.ts';
import { msLeft } from './level-tail.ts';

export interface AbortFlag {
  readonly aborted: boolean;
}

export class SearchControl {
  readonly started = performance.now();
  stopReason: IncompleteReason | undefined;
  private lastProgress: number;
  private readonly deadline: number;
  private nextMemoryCheck: number;

  private readonly config: ResolvedCheckConfig;
  private readonly reporter: Reporter;
  private readonly signal: AbortFlag | undefined;

  constructor(config: ResolvedCheckConfig, reporter: Reporter, signal: AbortFlag | undefined) {
    this.config = config;
    this.reporter = reporter;
    this.signal = signal;
    this.lastProgress = this.started;
    this.deadline = this.started + config.timeoutMs;
    this.nextMemoryCheck = this.started;
  }

  /**
   * A trial: the search stops (without a stop reason) once it has run this long, so that the
   * caller can run it again another way (the liveness graph: on worker threads).
   */
  trialUntilMs: number | undefined;
  /** the trial's time ran out */
  trialOver = false;
  /**
   * A search that, at a level's start, is guessed to end within this long after the trial's time
   * (level-tail.ts) ends the trial without running out: it finishes here, since running it again
   * costs more than such a tail. (Called at level starts by searches that track their levels.)
   */
  trialTailMs: number | undefined;

  /** At the start of a level: `levelSizes` every level's size so far (this one's last), `found` the states found. */
  levelStarts(levelSizes: readonly number[], found: number): void {
    if (this.trialUntilMs === undefined || this.trialTailMs === undefined) return;
    const elapsed = this.elapsedMs();
    if (elapsed + msLeft(levelSizes, found, elapsed) < this.trialUntilMs + this.trialTailMs) this.trialUntilMs = undefined;
  }

  /** Returns true when the search must stop now. */
  poll(stats: () => Stats, depth: number): boolean {
    if (this.signal?.aborted) this.stopReason = 'interrupted';
    const now = performance.now();
    if (this.trialUntilMs !== undefined && now - this.started > this.trialUntilMs) this.trialOver = true;
    if (now > this.deadline) this.stopReason = 'timeout';
    if (now >= this.nextMemoryCheck) {
      this.nextMemoryCheck = now + MEMORY_CHECK_MS;
      if (memoryExhausted(this.config.maxMemoryBytes)) this.stopReason = 'memory';
    }
    if (this.config.progressMs > 0 && now - this.lastProgress >= this.config.progressMs) {
      this.lastProgress = now;
      this.reporter.onEvent({ code: 'check.progress', stats: stats(), depth });
    }
    return this.stopReason !== undefined || this.trialOver;
  }

  elapsedMs(): number {
    return performance.now() - this.started;
  }
}

export const MEMORY_CHECK_MS = 25;
export const HEAP_FRACTION = 0.8;
export const HEAP_RESERVE = 64 * 2 ** 20;

export function memoryExhausted(maxRssBytes: number): boolean {
  const heap = getHeapStatistics();
  // (reading the RSS costs a system call: not when there is no limit to compare it with)
  return heap.used_heap_size > HEAP_FRACTION * (heap.heap_size_limit - HEAP_RESERVE) || (maxRssBytes !== Number.POSITIVE_INFINITY && process.memoryUsage.rss() > maxRssBytes);
}

export function peakRssBytes(): number {
  return process.resourceUsage().maxRSS * 1024;
}
