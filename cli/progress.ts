/**
 * Progress on stderr (stdout stays clean for the table or --json). On a terminal that can redraw
 * (a TTY whose TERM is not "dumb"), one line redrawn in place; otherwise (CI logs, pipes, Emacs
 * shells) plain lines with no escape codes: one per check started and finished, one every 10 s
 * while a long check runs. Both show, inside a running check, the distinct states, the queue,
 * states/s and, when a bound (--max-states, --timeout) is set, an estimate of the time left.
 */
import type { CheckEvent } from '../checker/events.ts';
import type { Stats } from '../checker/result.ts';

export interface Bounds {
  readonly maxStates: number;
  readonly timeoutMs: number;
}

export interface Progress {
  start(index: number, total: number, label: string, bounds?: Bounds): void;
  event(e: CheckEvent): void;
  finish(summary: string): void;
  clear(): void;
}

export const fmtInt = (n: number): string => Math.round(n).toLocaleString('en-US');
const secs = (ms: number): string => `${(ms / 1000).toFixed(1)}s`;

/** May we redraw in place? Only on a TTY whose terminal understands escape codes. */
export function canRedraw(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && env['TERM'] !== 'dumb';
}

export function createProgress(stream: NodeJS.WriteStream, quiet: boolean): Progress {
  if (quiet) return { start() {}, event() {}, finish() {}, clear() {} };
  return canRedraw(stream) ? ttyProgress(stream) : plainProgress(stream);
}

/**
 * How often the engine should emit progress events for this kind of output: 5 per second when
 * redrawing in place, one line every 10 s in a log (HMM_CHECK_PROGRESS_MS overrides the latter).
 */
export function progressIntervalMs(stream: NodeJS.WriteStream, quiet: boolean, env: NodeJS.ProcessEnv = process.env): number {
  if (quiet) return 0;
  if (canRedraw(stream, env)) return 200;
  const every = Number(env['HMM_CHECK_PROGRESS_MS']);
  return Number.isInteger(every) && every > 0 ? every : 10_000;
}

const fmtDuration = (s: number): string =>
  s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m` : s >= 60 ? `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${Math.ceil(s)}s`;

/**
 * Time left, when a bound makes it knowable: the state bound at the current rate, or the
 * timeout, whichever comes first. Without a bound an exhaustive search's end is unknown.
 */
export function eta(stats: Pick<Stats, 'distinct' | 'elapsedMs'>, bounds: Bounds | undefined): string | undefined {
  if (bounds === undefined) return undefined;
  const elapsed = stats.elapsedMs / 1000;
  const rate = stats.distinct / Math.max(elapsed, 1e-9);
  const candidates: number[] = [];
  if (Number.isFinite(bounds.maxStates) && rate > 0) candidates.push(Math.max(0, bounds.maxStates - stats.distinct) / rate);
  if (Number.isFinite(bounds.timeoutMs)) candidates.push(Math.max(0, bounds.timeoutMs / 1000 - elapsed));
  if (candidates.length === 0) return undefined;
  return `≤ ${fmtDuration(Math.min(...candidates))} left`;
}

/** "1,234,567 states · queue 12,345 · 250,000 states/s · depth 14 · ETA" (the live part of both outputs). */
export function liveText(stats: Stats, depth: number, bounds: Bounds | undefined): string {
  const rate = stats.distinct / Math.max(stats.elapsedMs / 1000, 1e-9);
  const left = eta(stats, bounds);
  return `${fmtInt(stats.distinct)} states · queue ${fmtInt(stats.queued)} · ${fmtInt(rate)} states/s · depth ${depth}${left ? ` · ${left}` : ''}`;
}

function ttyProgress(out: NodeJS.WriteStream): Progress {
  let index = 0;
  let total = 1;
  let label = '';
  let stats: Stats | undefined;
  let depth = 0;
  let bounds: Bounds | undefined;
  let started = 0;
  let timer: NodeJS.Timeout | undefined;
  const draw = (): void => {
    const width = 16;
    const done = Math.round((index / total) * width);
    const bar = `${'█'.repeat(done)}${'░'.repeat(width - done)}`;
    const live = stats ? ` ${liveText(stats, depth, bounds)}` : '';
    const line = `[${bar}] ${index + 1}/${total} ${label}${live} · ${secs(performance.now() - started)}`;
    const cols = out.columns ?? 100;
    out.write(`\r\x1b[2K${line.length > cols - 1 ? `${line.slice(0, cols - 2)}…` : line}`);
  };
  return {
    start(i, t, l, b) {
      index = i;
      total = t;
      label = l;
      bounds = b;
      stats = undefined;
      depth = 0;
      started = performance.now();
      draw();
      timer ??= setInterval(draw, 250);
      timer.unref();
    },
    event(e) {
      if (e.code === 'check.progress') {
        stats = e.stats;
        depth = e.depth;
        draw();
      }
    },
    finish() {},
    clear() {
      if (timer) clearInterval(timer);
      timer = undefined;
      out.write('\r\x1b[2K');
    },
  };
}

function plainProgress(out: NodeJS.WriteStream): Progress {
  let bounds: Bounds | undefined;
  return {
    start(i, t, label, b) {
      bounds = b;
      out.write(`[${i + 1}/${t}] checking ${label}\n`);
    },
    event(e) {
      if (e.code === 'check.progress') {
        out.write(`  … ${liveText(e.stats, e.depth, bounds)}, ${fmtInt(e.stats.transitions)} transitions, ${secs(e.stats.elapsedMs)}\n`);
      }
    },
    finish(summary) {
      out.write(`  ${summary}\n`);
    },
    clear() {},
  };
}
