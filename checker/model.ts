/**
 * The contract between the engine and anything it checks (Stateright's `Model`, fused with
 * `next_state` into one emit-callback so the hot path allocates no arrays).
 *
 * Nothing here knows about HMM or DVE: model/ implements these shapes structurally and never
 * imports checker/ (specs/ glue the two together).
 */
import type { StateCodec } from './state/codec.ts';

/** Position of a transition in the emission order of `successors(s)`; the replay path is a list of these. */
export type ActionIndex = number;

/** Called once per enabled transition, in a deterministic order. `next` must not be mutated afterwards. */
export type Emit<S, A> = (action: A, next: S) => void;

export interface Model<S, A> {
  /** Stable id printed in reports and replay tokens, e.g. "hmm/upstream@reference". */
  readonly id: string;
  /** Deterministic order: index i of the result is the replay path's first element. */
  initialStates(): readonly S[];
  /**
   * Emits every enabled transition of `s` in a deterministic order. Must be pure: same `s` ⇒
   * same sequence of (action, next). Replay depends on it and the checker verifies it.
   */
  successors(s: S, emit: Emit<S, A>): void;
  /**
   * A legitimate end state (every actor finished its work). Such a state may have no successors
   * without being reported as a deadlock; a state with no successors that is not terminal is one.
   */
  isTerminal?(s: S): boolean;
  /** TLC's state CONSTRAINT: states outside are stored and checked but not expanded. */
  inBounds?(s: S): boolean;
  /** Canonical encoding; equal states MUST encode identically, different states differently. */
  readonly codec: StateCodec<S>;
  /**
   * Optional fast path for models whose states are fixed-width Int32 vectors (DVE). When present,
   * BFS runs on packed states without materialising objects; the object interface above must
   * describe the same transition system (tests compare the two).
   */
  readonly packed?: PackedModel;
}

/**
 * A model whose states are `width` Int32 words. `expand` reads the source state at
 * `src[off .. off+width)`, and for each enabled transition writes the successor into `sink.next`
 * (a scratch Int32Array of length `width`) and calls `sink.emit(actionIndex)`.
 * The action index is the transition's position in the same order `successors` uses.
 */
export interface PackedModel {
  readonly width: number;
  /** Writes initial state i into out[0..width) ; returns the number of initial states when i = -1. */
  initial(i: number, out: Int32Array): number;
  expand(src: Int32Array, off: number, sink: PackedSink): void;
  /**
   * Optional: the same expansion, also naming each transition's action by its index into
   * `stepActions`, so the liveness search knows the actor of every edge (fairness) without
   * materialising states. Same transitions, same order as `expand`.
   */
  readonly expandSteps?: (src: Int32Array, off: number, sink: PackedStepSink) => void;
  readonly stepActions?: readonly unknown[];
  /**
   * Optional: the same expansion, handing over each transition's action object, for models whose
   * actions are no fixed table (HMM): step properties and action coverage then run on the packed
   * path too. Same transitions, same order as `expand`.
   */
  readonly expandActions?: (src: Int32Array, off: number, sink: PackedActionSink) => void;
}

export interface PackedActionSink {
  readonly next: Int32Array;
  emit(actionIndex: number, action: unknown): void;
}

export interface PackedStepSink {
  readonly next: Int32Array;
  emit(actionIndex: number, step: number): void;
}

export interface PackedSink {
  readonly next: Int32Array;
  emit(actionIndex: number): void;
}
