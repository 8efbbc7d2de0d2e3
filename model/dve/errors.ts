/**
 * Errors raised while reading a DVE file. Every message starts with `file:line:col` so editors and
 * terminals can jump to the offending text; the position is also kept as fields for tests.
 */

export interface SourcePos {
  readonly line: number;
  readonly col: number;
}

/** A problem in the DVE text itself (lexing, parsing, name resolution, typing, unsupported feature). */
export class DveError extends Error {
  override readonly name = 'DveError';
  readonly file: string;
  readonly line: number;
  readonly col: number;
  /** The message without the position prefix. */
  readonly reason: string;

  constructor(file: string, pos: SourcePos, reason: string) {
    super(`${file}:${pos.line}:${pos.col}: ${reason}`);
    this.file = file;
    this.line = pos.line;
    this.col = pos.col;
    this.reason = reason;
  }
}

/**
 * A DiVinE "error state": division by zero or an array index out of range while evaluating a
 * transition. DiVinE leads the transition to an error state; we stop the search instead, so the
 * message names the process, the transition and the expression that failed.
 */
export class DveRuntimeError extends Error {
  override readonly name = 'DveRuntimeError';
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly process: string;
  readonly transition: string;
  /** what to do about it (tools that report model errors show it as the fix) */
  readonly hint: string;

  constructor(file: string, pos: SourcePos, process: string, transition: string, reason: string) {
    super(`${file}:${pos.line}:${pos.col}: ${reason} in process ${process}, transition ${transition}`);
    this.hint = `guard the expression at ${file}:${pos.line}:${pos.col} in that transition's guard (DiVinE would enter an error state there)`;
    this.file = file;
    this.line = pos.line;
    this.col = pos.col;
    this.process = process;
    this.transition = transition;
  }
}
