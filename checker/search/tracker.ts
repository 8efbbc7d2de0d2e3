/**
 * Evaluates properties as the search discovers states and transitions, and records the first
 * discovery of each (a violation, or a `sometimes` witness) as a replay path. Shared by every
 * strategy so that "what counts as a violation" lives in one place.
 */
import { DEADLOCK_PROPERTY, type Property } from '../property.ts';

export type DiscoveryKind = 'always' | 'sometimes' | 'alwaysStep' | 'deadlock';

export interface Discovery {
  readonly name: string;
  readonly kind: DiscoveryKind;
  /** replay path: initial index, then action indices; its last state is the violating one */
  readonly path: readonly number[];
  /** fingerprint of the last state, to detect a model that replays differently */
  readonly fpHi: number;
  readonly fpLo: number;
}

type StateProp<S> = { readonly name: string; readonly holds: (s: S) => boolean };
type StepProp<S, A> = { readonly name: string; readonly holds: (s: S, a: A, t: S) => boolean };

export class PropertyTracker<S, A> {
  readonly discoveries = new Map<string, Discovery>();
  /** per witness with conjuncts: the conjuncts not yet seen true (reported when it stays unreachable) */
  readonly conjunctsNeverTrue = new Map<string, Set<string>>();
  private conjunctWatch: { readonly name: string; readonly parts: [string, (s: S) => boolean][] }[] = [];
  private invariants: StateProp<S>[];
  private witnesses: StateProp<S>[];
  private steps: StepProp<S, A>[];
  private deadlockPending: boolean;
  /** set when stopWhen is 'first' and something was violated */
  stop = false;
  /**
   * Replay path of a state id, set once per run by the strategy (the visited store's parent walk,
   * or the current walk in simulation). Paths are built only when something is recorded, and no
   * closure is allocated per state.
   */
  pathOf: (id: number) => number[] = () => [];

  readonly properties: readonly Property<S, A>[];
  readonly checkDeadlock: boolean;
  private readonly stopAtFirst: boolean;

  constructor(properties: readonly Property<S, A>[], checkDeadlock: boolean, stopAtFirst: boolean) {
    this.properties = properties;
    this.checkDeadlock = checkDeadlock;
    this.stopAtFirst = stopAtFirst;
    this.invariants = properties.filter((p) => p.kind === 'always');
    this.witnesses = properties.filter((p) => p.kind === 'sometimes');
    this.steps = properties.filter((p): p is Extract<Property<S, A>, { kind: 'alwaysStep' }> => p.kind === 'alwaysStep');
    this.deadlockPending = checkDeadlock;
    for (const p of properties) {
      if (p.kind !== 'sometimes' || p.conjuncts === undefined) continue;
      this.conjunctsNeverTrue.set(p.name, new Set(Object.keys(p.conjuncts)));
      this.conjunctWatch.push({ name: p.name, parts: Object.entries(p.conjuncts) });
    }
  }

  get hasStepProperties(): boolean {
    return this.steps.length > 0;
  }

  get hasStateProperties(): boolean {
    return this.invariants.length > 0 || this.witnesses.length > 0;
  }

  /** Every property has its verdict: exploring further cannot change any of them. */
  get allDetermined(): boolean {
    // With nothing to check, the run is for its counts: never stop early.
    if (this.properties.length === 0 && !this.checkDeadlock) return false;
    return (
      this.invariants.length === 0 &&
      this.witnesses.length === 0 &&
      this.steps.length === 0 &&
      !this.deadlockPending
    );
  }

  /** State `id` (fingerprint fpHi/fpLo) was reached for the first time. */
  checkState(s: S, id: number, fpHi: number, fpLo: number): void {
    const inv = this.invariants;
    for (let i = 0; i < inv.length; i++) {
      const p = inv[i]!;
      if (!p.holds(s)) {
        this.record(p.name, 'always', this.pathOf(id), fpHi, fpLo);
        this.invariants = inv.filter((q) => q !== p);
        return this.checkState(s, id, fpHi, fpLo);
      }
    }
    if (this.conjunctWatch.length > 0) this.watchConjuncts(s);
    const wit = this.witnesses;
    for (let i = 0; i < wit.length; i++) {
      const p = wit[i]!;
      if (p.holds(s)) {
        this.discoveries.set(p.name, { name: p.name, kind: 'sometimes', path: this.pathOf(id), fpHi, fpLo });
        this.witnesses = wit.filter((q) => q !== p);
        return this.checkState(s, id, fpHi, fpLo);
      }
    }
  }

  private watchConjuncts(s: S): void {
    let settled = false;
    for (const w of this.conjunctWatch) {
      const open = this.conjunctsNeverTrue.get(w.name)!;
      for (const [part, holds] of w.parts) if (open.has(part) && holds(s)) open.delete(part);
      if (open.size === 0 || this.discoveries.has(w.name)) settled = true;
    }
    // (rebuilt only when a witness has nothing left to watch: no allocation per state)
    if (settled) this.conjunctWatch = this.conjunctWatch.filter((w) => this.conjunctsNeverTrue.get(w.name)!.size > 0 && !this.discoveries.has(w.name));
  }

  /** A transition from state `srcId` by its `actionIndex`-th successor; the counterexample is srcId's path plus that index. */
  checkStep(s: S, a: A, t: S, srcId: number, actionIndex: number, fpHi: number, fpLo: number): void {
    const st = this.steps;
    for (let i = 0; i < st.length; i++) {
      const p = st[i]!;
      if (!p.holds(s, a, t)) {
        const full = this.pathOf(srcId);
        full.push(actionIndex);
        this.record(p.name, 'alwaysStep', full, fpHi, fpLo);
        this.steps = st.filter((q) => q !== p);
        return this.checkStep(s, a, t, srcId, actionIndex, fpHi, fpLo);
      }
    }
  }

  deadlock(id: number, fpHi: number, fpLo: number): void {
    if (!this.deadlockPending) return;
    this.deadlockPending = false;
    this.record(DEADLOCK_PROPERTY, 'deadlock', this.pathOf(id), fpHi, fpLo);
  }

  private record(name: string, kind: DiscoveryKind, path: number[], fpHi: number, fpLo: number): void {
    this.discoveries.set(name, { name, kind, path, fpHi, fpLo });
    if (this.stopAtFirst) this.stop = true;
  }
}
