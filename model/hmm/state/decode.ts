// Follows: Linux v6.19 — (no kernel file: the state's declaration and its typed views)
/**
 * decodeState(ctx, s): a state as a plain, readonly object tree named after schema.ts — for
 * presentation, ITF, explanations and tests (it allocates; properties use the views instead).
 * Absent optional words are left out; word arrays become number arrays.
 */
import type { Reader } from './cursor.ts';
import { ACTOR, DEVICE, FRAME, FRAME_FD, GLOBALS, MM, NOTIFIER, SWAP_CACHE, V12, WRITEBACK } from './schema.ts';
import type { ArrayMember, StructDecl, WordMember, OptionalMember } from './struct.ts';
import { stateView, type ViewCtx } from './view.ts';

type ElementOf<A> = A extends ArrayMember<string, infer E> ? E : never;

/** the decoded form of struct S */
export type Decoded<S extends StructDecl> = {
  readonly [W in Extract<S['members'][number], WordMember> as W['name']]: number;
} & {
  readonly [W in Extract<S['members'][number], OptionalMember> as W['name']]?: number;
} & {
  readonly [A in Extract<S['members'][number], ArrayMember> as A['name']]:
    ElementOf<A> extends StructDecl ? readonly Decoded<ElementOf<A>>[] : readonly number[];
};

export interface DecodedState {
  readonly globals: Decoded<typeof GLOBALS>;
  /** per mm: its notifier (mm 1's only when a device mirrors it) */
  readonly notifier: readonly Decoded<typeof NOTIFIER>[];
  readonly mm: readonly Decoded<typeof MM>[];
  readonly device: readonly Decoded<typeof DEVICE>[];
  /** by frame id (0 = none and 1 = the zero page included, so frame[f] is frame f) */
  readonly frame: readonly Decoded<typeof FRAME>[];
  readonly actor: readonly Decoded<typeof ACTOR>[];
  readonly v12?: Decoded<typeof V12>;
  /** features.swapCache only */
  readonly swapCache?: Decoded<typeof SWAP_CACHE>;
  /** features.writeback only */
  readonly writeback?: Decoded<typeof WRITEBACK>;
  /** a device opened more than once (`fds`) only */
  readonly frameFd?: Decoded<typeof FRAME_FD>;
  readonly patch: Readonly<Record<string, readonly number[]>>;
}

/** decode one cursor's struct (its members in declaration order) */
function decodeStruct<S extends StructDecl>(decl: S, cur: Reader<S>): Decoded<S> {
  const out: Record<string, unknown> = {};
  const c = cur as unknown as Record<string, unknown>;
  for (const m of decl.members) {
    if (m.kind === 'word') out[m.name] = c[m.name];
    else if (m.kind === 'optional') {
      // present iff the configuration has the word (the cursor reads an absent one as 0)
      if ((cur as unknown as { $w: readonly number[] }).$w[wordIndex(decl, m.name)]! >= 0) out[m.name] = c[m.name];
    } else {
      const len = (cur as unknown as { $len: readonly number[] }).$len[arrayIndex(decl, m.name)]!;
      const get = c[m.name] as (i: number) => unknown;
      const of = m.of;
      out[m.name] = Object.freeze(Array.from({ length: len }, (_, i) =>
        of === undefined ? get.call(cur, i) : decodeStruct(of, get.call(cur, i) as Reader<StructDecl>)));
    }
  }
  return Object.freeze(out) as Decoded<S>;
}

const wordIndex = (decl: StructDecl, name: string): number => decl.members.filter((m) => m.kind !== 'array').findIndex((m) => m.name === name);
const arrayIndex = (decl: StructDecl, name: string): number => decl.members.filter((m) => m.kind === 'array').findIndex((m) => m.name === name);

export function decodeState(c: ViewCtx, s: Int32Array): DecodedState {
  if (s.length !== c.L.width) throw new RangeError(`decodeState: a state of this configuration has ${c.L.width} words, got ${s.length}`);
  const v = stateView(c, 'decode').at(s);
  const L = c.L;
  const range = <T>(n: number, f: (i: number) => T): readonly T[] => Object.freeze(Array.from({ length: n }, (_, i) => f(i)));
  const patch: Record<string, readonly number[]> = {};
  for (const [name, f] of Object.entries(L.patchFields)) patch[name] = range(f.count, (i) => v.patch(name, i));
  return Object.freeze({
    globals: decodeStruct(GLOBALS, v.globals),
    notifier: range(L.gSeq1 >= 0 ? 2 : 1, (m) => decodeStruct(NOTIFIER, v.notifier(m))),
    mm: range(L.mms, (m) => decodeStruct(MM, v.mm(m))),
    device: range(L.fds, (d) => decodeStruct(DEVICE, v.device(d))),
    frame: range(L.frameCount, (f) => decodeStruct(FRAME, v.frame(f))),
    actor: range(L.actors.length, (t) => decodeStruct(ACTOR, v.actor(t))),
    ...(L.v12Base >= 0 ? { v12: decodeStruct(V12, v.v12()) } : {}),
    ...(v.hasSwapCache ? { swapCache: decodeStruct(SWAP_CACHE, v.swapCache()) } : {}),
    ...(v.hasWriteback ? { writeback: decodeStruct(WRITEBACK, v.writeback()) } : {}),
    ...(v.hasFrameFd ? { frameFd: decodeStruct(FRAME_FD, v.frameFd()) } : {}),
    patch: Object.freeze(patch),
  });
}
