/**
 * Exit codes of every command, one table (README "Exit codes", `hmm-check --help`). Like TLC's,
 * they let CI tell a wrong verdict from a run that could not decide: a bound or timeout that cut
 * a search short is `incomplete` (3), never "as expected" and never "differs".
 */
export const EXIT_OK = 0;
/** some decided verdict differs from the spec's expectation (replay: the trace no longer fails) */
export const EXIT_MISMATCH = 1;
/** bad input: command line, spec, model or trace file; the message names the file and the fix */
export const EXIT_BAD_INPUT = 2;
/** no verdict differs, but a bound (--max-states, --max-depth, --timeout, simulation walks) left some undecided */
export const EXIT_INCOMPLETE = 3;
/** Ctrl-C (128 + SIGINT): what ran is reported, the rest is missing */
export const EXIT_INTERRUPTED = 130;

export type Outcome = 'ok' | 'mismatch' | 'bad-input' | 'incomplete' | 'interrupted';

export const EXIT_CODE: Readonly<Record<Outcome, number>> = {
  ok: EXIT_OK,
  mismatch: EXIT_MISMATCH,
  'bad-input': EXIT_BAD_INPUT,
  incomplete: EXIT_INCOMPLETE,
  interrupted: EXIT_INTERRUPTED,
};

export const EXIT_TABLE = `Exit codes:
  0    every verdict as expected (replay: the trace still reaches its violation)
  1    some verdict differs from its expectation (replay: the trace no longer fails)
  2    bad input: options, spec, model or trace file (the message names the file and the fix)
  3    incomplete: nothing differs, but a bound or timeout left some verdict undecided
  130  interrupted (Ctrl-C): what ran is reported`;
