/**
 * CLI errors and how they are shown: one paragraph naming the file and the fix, exit code 2, and
 * no stack trace unless --debug.
 */
import { CheckerError } from '../checker/errors.ts';
import { printable, printableLines } from './util/printable.ts';

/** Bad command line: unknown option, missing argument, unknown config or property name. */
export class UsageError extends CheckerError {
  override name = 'UsageError';
}

/** An error as it crosses from the worker thread: plain data. */
export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly hint?: string;
  readonly stack?: string;
  /** the spec file the failing job was running, for the message */
  readonly file?: string;
}

export function serializeError(e: unknown, file?: string): SerializedError {
  if (e instanceof Error) {
    const hint = (e as { hint?: unknown }).hint;
    return {
      name: e.name,
      message: e.message,
      ...(typeof hint === 'string' ? { hint } : {}),
      ...(e.stack === undefined ? {} : { stack: e.stack }),
      ...(file === undefined ? {} : { file }),
    };
  }
  return { name: 'Error', message: String(e), ...(file === undefined ? {} : { file }) };
}

/** Errors thrown by user code (a spec's createModel, successors, properties) get this hint by default. */
const USER_CODE_HINT = 'fix the spec or model code that threw (re-run with --debug to see the stack trace)';

const KNOWN = new Set(['DiskError', 'PropertyError', 'CodecError', 'CheckerError', 'UsageError', 'ConfigError', 'SpecLoadError', 'ModelContractError', 'ReplayMismatchError', 'ItfFormatError', 'DveError', 'DveRuntimeError', 'ReproduceError', 'KernelSetupError']);

/** The one paragraph printed for an error (stack appended with --debug). */
export function formatError(err: SerializedError, debug: boolean): string {
  // a disk error names its own path: the spec file being run is not to blame
  const where = err.file && err.name !== 'DiskError' && !err.message.includes(err.file) ? ` (in ${err.file})` : '';
  const hint = err.hint ?? (KNOWN.has(err.name) ? undefined : USER_CODE_HINT);
  const kind = KNOWN.has(err.name) ? '' : `${err.name}: `;
  // messages quote data (trace files, paths, names): no control byte reaches the terminal
  let text = printable(`hmm-check: error: ${kind}${err.message}${where}.`.replace(/\.\.$/, '.'));
  if (hint) text += printable(` Fix: ${hint}${/[.!?]$/.test(hint) ? '' : '.'}`);
  if (debug && err.stack) text += `\n\n${printableLines(err.stack)}`;
  else if (!KNOWN.has(err.name)) text += ' (Run with --debug for the stack trace.)';
  return text;
}
