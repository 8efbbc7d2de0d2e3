/**
 * SIGINT (Ctrl-C) and SIGTERM (kill, CI cancellation, container stop) are one request: the first
 * asks the run to stop and report what it explored, the second ends it at once (exit 130) after
 * cleaning this run's temporaries. Installed before the specs are type-checked and loaded, so a
 * signal during start-up is reported too; the engine sees it through a flag in shared memory
 * (the check worker polls it).
 *
 * A check running on the main thread (--in-process) cannot see a signal: its loop is synchronous
 * and the handler would only run when it ends. While such a check runs, the handlers step aside
 * (`whileBlocked`) and a signal ends the process at once; start-up and the gaps between checks
 * still report.
 */
import { EXIT_INTERRUPTED } from './exit-codes.ts';

export { EXIT_INTERRUPTED };

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

export interface Signals {
  /** set once a signal arrived */
  readonly interrupted: boolean;
  /** which one, for the message */
  readonly signal: string | undefined;
  /** shared with the check worker: non-zero asks the search to stop */
  readonly abort: SharedArrayBuffer;
  /** runs `f` with the default signal behaviour (the process dies at once) */
  whileBlocked<T>(f: () => Promise<T>): Promise<T>;
  dispose(): void;
}

export function watchSignals(beforeExit: () => void = () => {}): Signals {
  const abort = new SharedArrayBuffer(4);
  const flag = new Int32Array(abort);
  let received: string | undefined;
  const onSignal = (sig: NodeJS.Signals): void => {
    if (received !== undefined) {
      process.stderr.write(`\nhmm-check: ${sig} again, exiting now\n`);
      try {
        beforeExit();
      } finally {
        process.exit(EXIT_INTERRUPTED);
      }
    }
    received = sig;
    Atomics.store(flag, 0, 1);
    process.stderr.write(`\nhmm-check: ${sig === 'SIGINT' ? 'interrupted' : `${sig} received`}; finishing the current check and reporting what it explored (${sig === 'SIGINT' ? 'Ctrl-C' : sig} again to exit now)\n`);
  };
  const attach = (): void => {
    for (const s of SIGNALS) process.on(s, onSignal);
  };
  const detach = (): void => {
    for (const s of SIGNALS) process.off(s, onSignal);
  };
  attach();
  return {
    get interrupted() {
      return received !== undefined;
    },
    get signal() {
      return received;
    },
    abort,
    async whileBlocked(f) {
      detach();
      try {
        return await f();
      } finally {
        attach();
      }
    },
    dispose: detach,
  };
}
