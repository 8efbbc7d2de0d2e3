/**
 * Progress on stderr (stdout stays clean for the table or --json): a one-line bar redrawn in
 * place on a TTY; plain lines otherwise (one per check started and finished, one every 10 s
 * while a long check runs), which read well in CI logs.
 */
import type { CheckEvent } from '../checker/events.ts';
import type { Stats } from '../checker/result.ts';

export interface Progress {
  start(index: number, total: number, label: string): void;
  event(e: CheckEvent): void;
  finish(summary: string): void;
  clear(): void;
}

export const fmtInt = (n: number): string => Math.round(n).toLocaleString('en-US');
const secs = (ms: number): string => `${(ms / 1000).toFixed(1)}s`;

export function createProgress(stream: NodeJS.WriteStream, quiet: boolean): Progress {
  if (quiet) return { start() {}, event() {}, finish() {}, clear() {} };
  return stream.isTTY ? ttyProgress(stream) : plainProgress(stream);
}

/** How often the engine should emit progress events for this kind of output. */
export function progressIntervalMs(stream: NodeJS.WriteStream, quiet: boolean): number {
  return quiet ? 0 : stream.isTTY ? 200 : 10_000;
}

function ttyProgress(out: NodeJS.WriteStream): Progress {
  let index = 0;
  let total = 1;
  let label = '';
  let stats: Stats | undefined;
  let depth = 0;
  let started = 0;
  let timer: NodeJS.Timeout | undefined;
  const draw = (): void => {
    const width = 16;
    const done = Math.round((index / total) * width);
    const bar = `${'█'.repeat(done)}${'░'.repeat(width - done)}`;
    const live = stats ? ` ${fmtInt(stats.distinct)} states · depth ${depth}` : '';
    const line = `[${bar}] ${index + 1}/${total} ${label}${live} · ${secs(performance.now() - started)}`;
    const cols = out.columns ?? 100;
    out.write(`\r\x1b[2K${line.length > cols - 1 ? `${line.slice(0, cols - 2)}…` : line}`);
  };
  return {
    start(i, t, l) {
      index = i;
      total = t;
      label = l;
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
  return {
    start(i, t, label) {
      out.write(`[${i + 1}/${t}] checking ${label}\n`);
    },
    event(e) {
      if (e.code === 'check.progress') {
        const rate = e.stats.distinct / Math.max(e.stats.elapsedMs / 1000, 1e-9);
        out.write(
          `  … depth ${e.depth}, ${fmtInt(e.stats.distinct)} distinct, ${fmtInt(e.stats.transitions)} generated, ` +
            `queue ${fmtInt(e.stats.queued)}, ${fmtInt(rate)} states/s, ${secs(e.stats.elapsedMs)}\n`,
        );
      }
    },
    finish(summary) {
      out.write(`  ${summary}\n`);
    },
    clear() {},
  };
}
