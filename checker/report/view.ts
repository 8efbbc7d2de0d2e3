/**
 * Presentation hooks a spec provides for traces (used by the text, Markdown, ITF and Mermaid
 * writers). Reporting code only; never called on the search hot path.
 */
export type ItfValue =
  | { readonly '#bigint': string }
  | { readonly '#set': readonly ItfValue[] }
  | { readonly '#map': readonly (readonly [ItfValue, ItfValue])[] }
  | { readonly '#tup': readonly ItfValue[] }
  | { readonly tag: string; readonly value: ItfValue }
  /** ITF escape hatch for values with no ITF form (non-integer numbers, undefined, functions) */
  | { readonly '#unserializable': string }
  | boolean
  | string
  | readonly ItfValue[]
  | { readonly [field: string]: ItfValue };

export interface TraceArrow {
  /** participant names as listed in `participants` */
  readonly from: string;
  readonly to: string;
  readonly text: string;
}

export interface TraceView<S, A> {
  /** Named variables of a state, for people: the "what changed" columns, Markdown, Mermaid, text. */
  vars(s: S): Record<string, ItfValue>;
  /**
   * The state as ITF data for Quint/Apalache tooling: identifier-named variables holding records,
   * `#bigint` integers, `#tup`, `#set` and `#map` (checker/report/itf-names.ts gives the rules).
   * Without it the ITF writer derives them from `vars`: paths like `mm.pte[0]` nested into records
   * and maps, numeric strings as `#bigint`, other strings as they are.
   */
  itf?(s: S): Record<string, ItfValue>;
  /** One line for an action, kernel spelling: "dev0: mmu_interval_read_retry → retry". */
  label(a: A): string;
  /** Who performs the action (Markdown "actor" column, Mermaid sender). */
  actor?(a: A): string;
  /** Mermaid sequence arrow; defaults to actor → actor with the label. */
  arrow?(a: A, before: S, after: S): TraceArrow;
  readonly participants?: readonly string[];
  /** An optional remark on a step, shown as a Mermaid note over the actor (e.g. "skips mmu_interval_read_retry"). */
  note?(a: A, before: S, after: S): string | undefined;
  /**
   * Coverage bucket of an action (the kernel function it models, without the thread): the
   * report counts how often each fired, and ITF's `mbt::actionTaken` carries it. Defaults to
   * the action's `kind` field when it has one, else `label(a)`.
   */
  actionKind?(a: A): string;
  /**
   * Every action kind the model can take, in a fixed order. The report lists kinds that never
   * fired in a run as a modelling gap (dead code in the model, or a bound too small to reach it).
   */
  readonly actionKinds?: readonly string[];
  /** Heading of the action column in Markdown and text tables; default "action" (HMM: "kernel function"). */
  readonly actionColumn?: string;
  /**
   * What breaks `property` in the last state of a counterexample, in the spec's own terms
   * ("dev0.pt[0] = f4 read, but frame[4] = free"), and the variables it rests on: each writer adds
   * the step that last changed them ("frame[4] changed at step 14"). `before`/`action` are the
   * last step's (undefined for a violating initial state). Return undefined when there is
   * nothing sharper to say than the generic sentence.
   */
  explain?(property: string, s: S, before: S | undefined, action: A | undefined): Explanation | undefined;
  /** Glossary of the compact encodings the variables use ("ref1" → "folio refcount 1"), shown once in the report. */
  readonly legend?: readonly (readonly [term: string, meaning: string])[];
  /**
   * Where a step stands in the source the model follows (HMM: the function of the label the actor
   * was at, in the kernel release labels.ts names): the report and the Markdown counterexamples
   * link the step to it. `before` is the state the step was taken from.
   */
  source?(a: A, before: S): SourceLink | undefined;
}

export interface SourceLink {
  /** what the link reads: the function ("do_swap_page") or, for a step with no identifier, the file */
  readonly text: string;
  readonly url: string;
  /** a longer description for a hover title ("Linux v6.19 mm/memory.c: do_swap_page") */
  readonly title?: string;
}

export interface Explanation {
  readonly text: string;
  /** variable names (as in `vars`) the explanation rests on */
  readonly vars?: readonly string[];
}
