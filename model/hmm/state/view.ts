// Follows: Linux v6.19 — (no kernel file: the state's declaration and its typed views)
/**
 * Typed access to an HMM state for properties, presentation, ITF and tests — the only way code
 * outside model/hmm reads or builds a state (the offsets behind it are not public):
 *
 *   const v = stateView(ctx);             // once per model context (cached)
 *   v.at(s).mm(0).pte(a).kind             // then per state: no allocation
 *   v.frame(f).refcount;  v.device(d).pt(a);  v.actor(t).pc;  v.notifier(m).seqOdd
 *
 * Every cursor of a view reads the state last given to that view's `at`. Code that looks at two
 * states at once (a step property: before and after) takes two views: `stateView(c, 'after')`.
 */
import type { HmmConfig } from '../config.ts';
import type { Layout } from '../layout.ts';
import { stateDims } from '../layout.ts';
import { buildCursor, type Reader, type Source, type Writer } from './cursor.ts';
import { ACTOR, DEVICE, FRAME, FRAME_FD, GLOBALS, MM, NOTIFIER, SWAP_CACHE, V12, WRITEBACK } from './schema.ts';
import { sizeOf } from './struct.ts';

/** what a view needs of a model context (structural: Ctx fits) */
export interface ViewCtx {
  readonly cfg: HmmConfig;
  readonly L: Layout;
}

export interface StateView {
  /** point every cursor of this view at state s; returns the view */
  at(s: Int32Array): StateView;
  readonly globals: Reader<typeof GLOBALS>;
  /** mm m's subscriptions->invalidate_seq parity and active count */
  notifier(m: number): Reader<typeof NOTIFIER>;
  mm(m: number): Reader<typeof MM>;
  /** open file d (struct dmirror; fd d = device d unless the configuration has `fds`) */
  device(d: number): Reader<typeof DEVICE>;
  frame(f: number): Reader<typeof FRAME>;
  actor(t: number): Reader<typeof ACTOR>;
  /** design 'v12' only (throws otherwise) */
  v12(): Reader<typeof V12>;
  /** features.swapCache only (throws otherwise); `hasSwapCache` says whether it is there */
  swapCache(): Reader<typeof SWAP_CACHE>;
  readonly hasSwapCache: boolean;
  /** features.writeback only (throws otherwise); `hasWriteback` says whether it is there */
  writeback(): Reader<typeof WRITEBACK>;
  readonly hasWriteback: boolean;
  /** a device opened more than once only (throws otherwise): the fd each device page belongs to */
  frameFd(): Reader<typeof FRAME_FD>;
  readonly hasFrameFd: boolean;
  /** word i of a patch field (i = the mm, frame or device; 0 for a global field) */
  patch(name: string, i?: number): number;
}

/** the same view, writable: tests build and edit states with it */
export interface StateWriter extends StateView {
  at(s: Int32Array): StateWriter;
  readonly globals: Writer<typeof GLOBALS>;
  notifier(m: number): Writer<typeof NOTIFIER>;
  mm(m: number): Writer<typeof MM>;
  device(d: number): Writer<typeof DEVICE>;
  frame(f: number): Writer<typeof FRAME>;
  actor(t: number): Writer<typeof ACTOR>;
  v12(): Writer<typeof V12>;
  swapCache(): Writer<typeof SWAP_CACHE>;
  writeback(): Writer<typeof WRITEBACK>;
  frameFd(): Writer<typeof FRAME_FD>;
  setPatch(name: string, i: number, value: number): void;
}

function pick<T>(xs: readonly T[], i: number, what: string): T {
  const x = xs[i];
  if (x === undefined) throw new RangeError(`${what}(${i}): no such ${what} in this configuration (${xs.length})`);
  return x;
}

function buildView(c: ViewCtx): StateWriter {
  const L = c.L;
  const D = stateDims(c.cfg);
  const src: Source = { s: new Int32Array(L.width) };
  const globals = buildCursor(GLOBALS, src, 0, D.globals);
  const mms = Array.from({ length: L.mms }, (_, m) => buildCursor(MM, src, L.mmBase + m * L.mmWords, D.mm));
  const devices = Array.from({ length: L.fds }, (_, d) => buildCursor(DEVICE, src, L.devBase + d * L.devWords, D.device));
  const frames = Array.from({ length: L.frameCount }, (_, f) => buildCursor(FRAME, src, L.frameBase + f * sizeOf(FRAME, {}), {}));
  const actors = L.actors.map((a, t) => buildCursor(ACTOR, src, a.base, D.actorDims[t]!));
  // mm 0's notifier opens the globals; mm 1's is the optional childNotifier (absent words read 0)
  const notifiers = [buildCursor(NOTIFIER, src, 0, {}), ...(D.globals.childMirrored === 1 ? [globals.childNotifier(0)] : [])];
  const v12 = L.v12Base >= 0 ? buildCursor(V12, src, L.v12Base, { actors: L.actors.length, devices: L.devices, pages: L.pages }) : undefined;
  const swapCache = L.frameSwapBase >= 0 ? buildCursor(SWAP_CACHE, src, L.frameSwapBase, { frames: L.frameCount }) : undefined;
  const writeback = L.writebackBase >= 0 ? buildCursor(WRITEBACK, src, L.writebackBase, { frames: L.frameCount }) : undefined;
  const frameFd = L.frameFdBase >= 0 ? buildCursor(FRAME_FD, src, L.frameFdBase, { frames: L.frameCount }) : undefined;
  const patchWord = (name: string, i: number): number => {
    const f = L.patchFields[name];
    if (f === undefined) throw new RangeError(`no patch field '${name}' (declare it in patch.fields)`);
    if (!Number.isInteger(i) || i < 0 || i >= f.count) throw new RangeError(`patch field '${name}' has no word ${i} (it has ${f.count})`);
    return f.base + i;
  };
  const view: StateWriter = {
    at(s: Int32Array) {
      src.s = s;
      return view;
    },
    globals,
    notifier: (m) => (m < L.mms && notifiers[m] === undefined ? ZERO_NOTIFIER : pick(notifiers, m, 'notifier')),
    mm: (m) => mms[m] ?? pick(mms, m, 'mm'),
    device: (d) => devices[d] ?? pick(devices, d, 'device'),
    frame: (f) => frames[f] ?? pick(frames, f, 'frame'),
    actor: (t) => actors[t] ?? pick(actors, t, 'actor'),
    v12() {
      if (v12 === undefined) throw new RangeError("v12(): this configuration is not design 'v12'");
      return v12;
    },
    swapCache() {
      if (swapCache === undefined) throw new RangeError('swapCache(): this configuration has no swap cache (features.swapCache)');
      return swapCache;
    },
    hasSwapCache: swapCache !== undefined,
    writeback() {
      if (writeback === undefined) throw new RangeError('writeback(): this configuration has no writeback (features.writeback)');
      return writeback;
    },
    hasWriteback: writeback !== undefined,
    frameFd() {
      if (frameFd === undefined) throw new RangeError('frameFd(): no device of this configuration is opened more than once (fds)');
      return frameFd;
    },
    hasFrameFd: frameFd !== undefined,
    patch: (name, i = 0) => src.s[patchWord(name, i)]!,
    setPatch(name, i, value) {
      src.s[patchWord(name, i)] = value;
    },
  };
  return view;
}

/** mm 1's notifier when no dmirror fd mirrors it: the kernel never bumps it, so it reads 0 */
const ZERO_NOTIFIER = buildCursor(NOTIFIER, { s: new Int32Array(2) }, 0, {});

const views = new WeakMap<ViewCtx, Map<string, StateWriter>>();
interface Recent { readonly c: ViewCtx | undefined; readonly slot: string; readonly view: StateWriter | undefined }
const recent: [Recent, Recent] = [{ c: undefined, slot: '', view: undefined }, { c: undefined, slot: '', view: undefined }];

/**
 * The view of slot `slot` (default 'main') for model context c: built on first use, then reused.
 * Code that holds two states at once uses two slots.
 */
export function stateView(c: ViewCtx, slot = 'main'): StateView {
  return stateWriter(c, slot);
}

/** stateView, writable (for tests that build states) */
export function stateWriter(c: ViewCtx, slot = 'main'): StateWriter {
  // properties ask once per state for the same one or two views: answer without a map lookup
  if (c === recent[0].c && slot === recent[0].slot) return recent[0].view!;
  if (c === recent[1].c && slot === recent[1].slot) return recent[1].view!;
  let bySlot = views.get(c);
  if (bySlot === undefined) views.set(c, (bySlot = new Map()));
  let v = bySlot.get(slot);
  if (v === undefined) bySlot.set(slot, (v = buildView(c)));
  recent[1] = recent[0];
  recent[0] = { c, slot, view: v };
  return v;
}
