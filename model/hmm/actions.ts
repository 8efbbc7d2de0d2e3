// Follows: Linux v6.19 — (no kernel file: the action record every step emits)
/**
 * Actions are named after the kernel function each step abstracts (kernel spelling). An action
 * is plain data: kind, actor index, page, and a small `info` code (return value, event, …).
 * The kinds are those the labels declare (labels.ts).
 */
import type { ActionKind } from './labels.ts';

export { ACTION_KINDS, type ActionKind } from './labels.ts';

export interface HmmAction {
  readonly kind: ActionKind;
  /** actor index (CPU threads first, then device threads, then the core-mm background actor) */
  readonly actor: number;
  readonly page: number;
  /** return code / event / outcome, depending on the kind */
  readonly info: number;
}
