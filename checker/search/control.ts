/**
 * Budget, interruption and progress for a running search: polled every few hundred expansions
 * so the hot loop pays one counter decrement per state.
 */
import type { ResolvedCheckConfig } from '../config.ts';
import type { Reporter } from '../events.ts';
import type { IncompleteReason, Stats } from '../result.ts';

export interface AbortFlag {
  readonly aborted: boolean;
}

export class SearchControl {
  readonly started = performance.now();
  stopReason: IncompleteReason | undefined;
  private lastProgress: number;
  private readonly deadline: number;

  private readonly config: ResolvedCheckConfig;
  private readonly reporter: Reporter;
  private readonly signal: AbortFlag | undefined;

  constructor(config: ResolvedCheckConfig, reporter: Reporter, signal: AbortFlag | undefined) {
    this.config = config;
    this.reporter = reporter;
    this.signal = signal;
    this.lastProgress = this.started;
    this.deadline = this.started + config.timeoutMs;
  }

  /** Returns true when the search must stop now. */
  poll(stats: () => Stats, depth: number): boolean {
    if (this.signal?.aborted) this.stopReason = 'interrupted';
    const now = performance.now();
    if (now > this.deadline) this.stopReason = 'timeout';
    if (this.config.progressMs > 0 && now - this.lastProgress >= this.config.progressMs) {
      this.lastProgress = now;
      this.reporter.onEvent({ code: 'check.progress', stats: stats(), depth });
    }
    return this.stopReason !== undefined;
  }

  elapsedMs(): number {
    return performance.now() - this.started;
  }
}

export function peakRssBytes(): number {
  return process.resourceUsage().maxRSS * 1024;
}
