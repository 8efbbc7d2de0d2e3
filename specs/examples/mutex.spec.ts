/**
 * A toy spec for trying the CLI and for its tests: two CPU threads entering a critical section.
 *
 * - `peterson`: Peterson's algorithm (flag[i] = true; turn = j; wait until !flag[j] || turn == i).
 *   mutual-exclusion holds.
 * - `check-then-set`: each thread checks the other's flag and only then raises its own; both can
 *   pass the check before either sets its flag, so mutual-exclusion is violated in 4 steps.
 *
 * The model lives in this file on purpose: it shows that a spec needs nothing from model/.
 * Run it with `npx hmm-check specs/examples/mutex.spec.ts`.
 */
import type { Model } from '../../checker/model.ts';
import { always, sometimes } from '../../checker/property.ts';
import type { TraceView } from '../../checker/report/view.ts';
import { defineSpec } from '../../checker/spec.ts';

type Pc = 'idle' | 'flagged' | 'waiting' | 'checked' | 'critical';
const PCS: readonly Pc[] = ['idle', 'flagged', 'waiting', 'checked', 'critical'];

export interface MutexState {
  readonly pc: readonly [Pc, Pc];
  readonly flag: readonly [boolean, boolean];
  readonly turn: 0 | 1;
}

export type MutexAction =
  | { readonly kind: 'raiseFlag'; readonly cpu: 0 | 1 }
  | { readonly kind: 'giveTurn'; readonly cpu: 0 | 1 }
  | { readonly kind: 'checkOther'; readonly cpu: 0 | 1 }
  | { readonly kind: 'enter'; readonly cpu: 0 | 1 }
  | { readonly kind: 'leave'; readonly cpu: 0 | 1 };

/** A locking algorithm as data (like model/hmm's DriverBehaviour): variants are records, not forks. */
export interface MutexBehaviour {
  /** raise our flag before looking at the other's (false: look first, raise on entry) */
  readonly flagFirst: boolean;
  /** defer to the other thread via `turn` (Peterson's tie-breaker) */
  readonly useTurn: boolean;
}

export const MUTEX_VARIANTS = {
  peterson: { flagFirst: true, useTurn: true },
  checkThenSet: { flagFirst: false, useTurn: false },
} as const satisfies Record<string, MutexBehaviour>;

export interface MutexParams {
  readonly behaviour: MutexBehaviour;
}

const set = <T>(pair: readonly [T, T], i: 0 | 1, v: T): readonly [T, T] => (i === 0 ? [v, pair[1]] : [pair[0], v]);

function createMutexModel(p: MutexParams, name: string): Model<MutexState, MutexAction> {
  return {
    id: `mutex@${name}`,
    initialStates: () => [{ pc: ['idle', 'idle'], flag: [false, false], turn: 0 }],
    successors(s, emit) {
      for (const i of [0, 1] as const) {
        const j = i === 0 ? 1 : 0;
        const go = (kind: MutexAction['kind'], pc: Pc, patch: Partial<MutexState> = {}): void =>
          emit({ kind, cpu: i }, { ...s, ...patch, pc: set(s.pc, i, pc) });
        const pc = s.pc[i];
        const b = p.behaviour;
        if (pc === 'idle') {
          if (b.flagFirst) go('raiseFlag', 'flagged', { flag: set(s.flag, i, true) });
          else if (!s.flag[j]) go('checkOther', 'checked');
        } else if (pc === 'flagged') {
          if (b.useTurn) go('giveTurn', 'waiting', { turn: j });
          else if (!s.flag[j]) go('enter', 'critical');
        } else if (pc === 'waiting' && (!s.flag[j] || s.turn === i)) {
          go('enter', 'critical');
        } else if (pc === 'checked') {
          go('enter', 'critical', { flag: set(s.flag, i, true) });
        }
        if (pc === 'critical') go('leave', 'idle', { flag: set(s.flag, i, false) });
      }
    },
    codec: {
      encode(s, w) {
        w.push(PCS.indexOf(s.pc[0]));
        w.push(PCS.indexOf(s.pc[1]));
        w.pushBool(s.flag[0]);
        w.pushBool(s.flag[1]);
        w.push(s.turn);
      },
    },
  };
}

const LABELS: Record<MutexAction['kind'], string> = {
  raiseFlag: 'flag[me] = true',
  giveTurn: 'turn = other',
  checkOther: 'read flag[other] == false',
  enter: 'enter critical section',
  leave: 'flag[me] = false; leave',
};

/** How traces read: the CPUs as actors, the shared lock word as the participant they talk to. */
export const mutexView: TraceView<MutexState, MutexAction> = {
  vars: (s) => ({
    pc: [s.pc[0], s.pc[1]],
    flag: [s.flag[0], s.flag[1]],
    turn: { '#bigint': String(s.turn) },
  }),
  label: (a) => LABELS[a.kind],
  actor: (a) => `cpu${a.cpu}`,
  arrow: (a) =>
    a.kind === 'enter' ? { from: `cpu${a.cpu}`, to: `cpu${a.cpu}`, text: LABELS[a.kind] } : { from: `cpu${a.cpu}`, to: 'lock', text: LABELS[a.kind] },
  participants: ['cpu0', 'lock', 'cpu1'],
  actionKind: (a) => a.kind,
  actionKinds: ['raiseFlag', 'giveTurn', 'checkOther', 'enter', 'leave'],
};

export const spec = defineSpec<MutexParams, MutexState, MutexAction>({
  id: 'mutex',
  title: 'Two-thread mutual exclusion (example)',
  configs: {
    peterson: {
      params: { behaviour: MUTEX_VARIANTS.peterson },
      description: "Peterson's algorithm: correct",
      expect: { 'mutual-exclusion': 'holds', 'someone-enters': 'holds', 'deadlock-free': 'holds' },
    },
    'check-then-set': {
      params: { behaviour: MUTEX_VARIANTS.checkThenSet },
      description: 'check the other flag, then raise ours: racy',
      expect: { 'mutual-exclusion': 'violated', 'someone-enters': 'holds', 'deadlock-free': 'holds' },
    },
  },
  createModel: createMutexModel,
  properties: () => [
    always<MutexState>('mutual-exclusion', (s) => !(s.pc[0] === 'critical' && s.pc[1] === 'critical'), 'never both CPUs in the critical section'),
    sometimes<MutexState>('someone-enters', (s) => s.pc[0] === 'critical' || s.pc[1] === 'critical', 'the critical section is reachable'),
  ],
  view: mutexView,
});
