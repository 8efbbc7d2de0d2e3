/**
 * The model's packed form (checker/model.ts PackedModel, matched structurally): the engine keeps
 * states as rows of one flat Int32Array and hands each to `expand`, which runs the same steps as
 * `successors` with successors built in reused buffers (ctx.ts nextState) and copied into the
 * engine's scratch row as they are emitted. Same transitions, same order as `successors`.
 */
import type { HmmAction } from './actions.ts';
import type { Ctx, Emit } from './ctx.ts';
import { successors } from './next.ts';

export interface PackedSinkLike {
  readonly next: Int32Array;
  emit(actionIndex: number): void;
}

export interface PackedActionSinkLike {
  readonly next: Int32Array;
  emit(actionIndex: number, action: unknown): void;
}

export interface HmmPackedForm {
  readonly width: number;
  initial(i: number, out: Int32Array): number;
  expand(src: Int32Array, off: number, sink: PackedSinkLike): void;
  expandActions(src: Int32Array, off: number, sink: PackedActionSinkLike): void;
}

export function packedForm(c: Ctx, initial: Int32Array): HmmPackedForm {
  const W = c.L.width;
  const pool = c.pool;
  const src = new Int32Array(W);
  let plain: PackedSinkLike | undefined;
  let withActions: PackedActionSinkLike | undefined;
  let k = 0;
  const emitPlain: Emit = (_a: HmmAction, n: Int32Array): void => {
    plain!.next.set(n);
    plain!.emit(k++);
  };
  const emitAction: Emit = (a: HmmAction, n: Int32Array): void => {
    withActions!.next.set(n);
    withActions!.emit(k++, a);
  };
  const run = (from: Int32Array, off: number, emit: Emit): void => {
    for (let i = 0; i < W; i++) src[i] = from[off + i]!;
    k = 0;
    pool.used = 0;
    pool.active = true;
    try {
      successors(c, src, emit);
    } finally {
      pool.active = false;
    }
  };
  return {
    width: W,
    initial(i: number, out: Int32Array): number {
      if (i >= 0) out.set(initial);
      return 1;
    },
    expand(from: Int32Array, off: number, sink: PackedSinkLike): void {
      plain = sink;
      run(from, off, emitPlain);
    },
    expandActions(from: Int32Array, off: number, sink: PackedActionSinkLike): void {
      withActions = sink;
      run(from, off, emitAction);
    },
  };
}
