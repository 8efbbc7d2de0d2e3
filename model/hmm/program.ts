// Follows: Linux v6.19 — (no kernel file: program counters and dispatch)
/**
 * The program a model instance runs: one step body per label, program counters numbered from the
 * label table (labels.ts) and, after them, the labels a patch adds. Nothing here is numbered by
 * hand, so two steps can never share a program counter (test/model/hmm/program.test.ts).
 *
 * Every label has a guard beside its body (PlusCal's `await`): `guards[pc](c, s, t)` says whether
 * the actor can take the step now (a lock is free, a migration entry is gone, a budget is left);
 * the body runs only when it holds and then emits at least one successor
 * (test/model/hmm/guards.test.ts). A label without a guard of its own is always enabled.
 *
 * The hot path is `guards[pc](c, s, t)` then `table[pc](c, s, t, emit)`: plain array lookups per
 * actor per state.
 */
import { LABELS, LABEL_NAMES, type Label, type LabelDecl } from './labels.ts';
import type { HmmAction } from './actions.ts';

/**
 * One atomic step: emit one successor per outcome (none when the actor is blocked). Generic in
 * the model context so this file needs nothing of ctx.ts (ctx.ts fixes C = Ctx: StepFn there).
 */
export type StepFnOf<C> = (c: C, s: Int32Array, t: number, emit: (action: HmmAction, next: Int32Array) => void) => void;

/**
 * A step's guard: can actor t take its step in state s now? Pure, allocates nothing; it reads the
 * state (locks, entries, budgets), never writes it.
 */
export type GuardFnOf<C> = (c: C, s: Int32Array, t: number) => boolean;

/** A guard given by a patch: a new one, or the label's current guard wrapped. */
export type GuardImplOf<C> = GuardFnOf<C> | { readonly wrap: (original: GuardFnOf<C>) => GuardFnOf<C> };

/** Guards by label; a label not listed is always enabled. */
export type GuardsOf<C> = Readonly<Partial<Record<string, GuardFnOf<C>>>>;

/** the guard of a label that never waits */
export const alwaysEnabled = (): boolean => true;
const neverEnabled = (): boolean => false;

/**
 * Resolve a patch's guards against the design's: a function replaces the label's guard, `wrap`
 * receives the current one (always-true when the label has none). A label of neither the declared
 * table nor `added` is an error.
 */
export function applyGuardPatch<C>(
  base: GuardsOf<C>, patch: Readonly<Record<string, GuardImplOf<C>>>, added: readonly { readonly name: string }[] = [],
): GuardsOf<C> {
  const out: Record<string, GuardFnOf<C> | undefined> = { ...base };
  const known = new Set<string>([...LABEL_NAMES, ...added.map((a) => a.name)]);
  for (const [l, g] of Object.entries(patch)) {
    if (!known.has(l) || l === 'done') throw new RangeError(`patch.guards.${l}: no label '${l}' to guard (labels.ts lists the labels)`);
    if (typeof g === 'function') out[l] = g;
    else if (typeof g === 'object' && g !== null && typeof g.wrap === 'function') out[l] = g.wrap(base[l] ?? alwaysEnabled);
    else throw new RangeError(`patch.guards.${l} must be a guard (c, s, t) => boolean or { wrap: (original) => guard }`);
  }
  return out;
}

/**
 * A label's body, optionally with the action kinds it emits instead of (or, with `extendsEmits`,
 * besides) the declared ones — a replacement may well emit kinds the original never did.
 */
export type StepImplOf<C> =
  | StepFnOf<C>
  | { readonly body: StepFnOf<C>; readonly emits: readonly string[]; readonly extendsEmits?: boolean }
  /** the label's current body, wrapped: it keeps the declared kinds and may emit `emits` besides */
  | { readonly wrap: (original: StepFnOf<C>) => StepFnOf<C>; readonly emits?: readonly string[] };

/** Resolve `wrap` entries of `patch` against `base` (the design's bodies). */
export function applyStepPatch<C>(base: StepBodiesOf<C>, patch: StepBodiesOf<C>): StepBodiesOf<C> {
  const out: Record<string, StepImplOf<C> | undefined> = { ...base };
  for (const [l, impl] of Object.entries(patch)) {
    if (impl === undefined) continue;
    if (typeof impl === 'object' && 'wrap' in impl) {
      const orig = base[l];
      if (orig === undefined) throw new RangeError(`patch.steps.${l}: no step '${l}' in this design to wrap`);
      const origBody = typeof orig === 'function' ? orig : 'body' in orig ? orig.body : undefined;
      if (origBody === undefined) throw new RangeError(`patch.steps.${l}: cannot wrap a wrap`);
      const extra = [...(typeof orig === 'object' && 'emits' in orig && orig.emits !== undefined ? orig.emits : []), ...(impl.emits ?? [])];
      out[l] = { body: impl.wrap(origBody), emits: extra, extendsEmits: true };
    } else out[l] = impl;
  }
  return out;
}

/** Step bodies by label (a design supplies every label it can reach). */
export type StepBodiesOf<C> = Readonly<Partial<Record<string, StepImplOf<C>>>>;

export interface ProgramOf<C> {
  /** step body per program counter (index 0, `done`, has none: the actor has finished) */
  readonly table: readonly (StepFnOf<C> | undefined)[];
  /** guard per program counter: the body runs only when it holds (`done`: never) */
  readonly guards: readonly GuardFnOf<C>[];
  /** label per program counter */
  readonly labels: readonly string[];
  /** program counter per label */
  readonly pc: Readonly<Record<string, number>>;
  /** declaration (kernel file, function, action kinds it may emit) per program counter */
  readonly decls: readonly LabelDecl[];
}

/** A label a patch adds: where it stands in the kernel and what it may emit. */
export interface AddedLabelOf<C> extends LabelDecl {
  readonly name: string;
  readonly body: StepFnOf<C>;
  /** when the step can run (default: always) */
  readonly guard?: GuardFnOf<C>;
}

/**
 * Number the declared labels (0 = done, then LABELS' order), then the added ones; attach bodies.
 * A body or guard for an unknown label, or an added label that clashes with a declared one, is an
 * error.
 */
export function buildProgram<C>(bodies: StepBodiesOf<C>, added: readonly AddedLabelOf<C>[] = [], guardsByLabel: GuardsOf<C> = {}): ProgramOf<C> {
  const labels: string[] = [...LABEL_NAMES];
  const decls: LabelDecl[] = LABEL_NAMES.map((l) => LABELS[l]);
  const pc: Record<string, number> = Object.create(null) as Record<string, number>;
  labels.forEach((l, i) => { pc[l] = i; });
  for (const a of added) {
    if (pc[a.name] !== undefined) throw new Error(`label '${a.name}' already exists: replace its body instead of adding it`);
    pc[a.name] = labels.length;
    labels.push(a.name);
    decls.push({ file: a.file, fn: a.fn, emits: a.emits });
  }
  const table: (StepFnOf<C> | undefined)[] = labels.map(() => undefined);
  for (const [l, impl] of Object.entries(bodies)) {
    const at = pc[l];
    if (at === undefined) throw new Error(`no label '${l}' to give a body to`);
    if (at === 0) throw new Error(`'done' is not a step and takes no body`);
    if (impl === undefined) continue;
    if (typeof impl === 'function') table[at] = impl;
    else if ('wrap' in impl) throw new Error(`'${l}': resolve wrapped steps with applyStepPatch first`);
    else {
      table[at] = impl.body;
      const d = decls[at]!;
      decls[at] = { ...d, emits: impl.extendsEmits === true ? [...new Set([...d.emits, ...impl.emits])] : impl.emits };
    }
  }
  for (const a of added) table[pc[a.name]!] = a.body;
  const guards: GuardFnOf<C>[] = labels.map((_, i) => (i === 0 ? neverEnabled : alwaysEnabled));
  for (const a of added) if (a.guard !== undefined) guards[pc[a.name]!] = a.guard;
  for (const [l, g] of Object.entries(guardsByLabel)) {
    const at = pc[l];
    if (at === undefined || at === 0) throw new Error(`no label '${l}' to give a guard to`);
    if (g !== undefined) guards[at] = g;
  }
  return { table, labels, pc, decls, guards };
}

