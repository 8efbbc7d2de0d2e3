// Follows: Linux v6.19 — (no kernel file: helpers shared by the step files)
/**
 * Shared context and small helpers used by every step function: the parsed configuration, the
 * layout, the driver behaviour, page reference helpers (folio_get/folio_put with canonical frame
 * allocation), TLB flushes, and request bookkeeping.
 */
import type { CpuOp, DevOp, HmmConfig } from './config.ts';
import type { DriverBehaviour } from './variants.ts';
import { resolveDriver } from './variants.ts';
import { type CoreMmBehaviour, resolveCoreMm } from './core-mm.ts';
import {
  type Layout, type PatchFieldLayout, makeLayout, F_REF, F_MAP, F_LOCK, F_LRU, F_DIRTY, F_VER, F_PIN, F_LAZY, FRAME_WORDS, ZERO_FRAME,
  frOff, firstSysFrame, firstDevFrame, isDevFrame, tlbOff, R_PC, R_REQ, R_A, R_N, R_RC, R_CPAGES, R_FAULTS,
  R_WRITE, REG_FIXED, resOff, RES_RET, RES_CPAGES, RES_FAULTS, RES_DATA, PC, NOT_RUN, R_RETRIES, R_I,
  R_SEQOK, R_RETRYOK, frameOwner, frameFdOff,
} from './layout.ts';
import type { ActionKind } from './actions.ts';
import type { HmmAction } from './actions.ts';
import {
  applyGuardPatch, applyStepPatch, buildProgram, type AddedLabelOf, type GuardFnOf, type GuardImplOf, type GuardsOf, type ProgramOf, type StepBodiesOf,
  type StepFnOf, type StepImplOf,
} from './program.ts';
import type { HmmPatchOf, InvalidateGuardOf, InvalidateOpOf } from './patch.ts';

export type Emit = (action: HmmAction, next: Int32Array) => void;
export type StepFn = StepFnOf<Ctx>;
export type GuardFn = GuardFnOf<Ctx>;
export type GuardImpl = GuardImplOf<Ctx>;
export type Guards = GuardsOf<Ctx>;
export type StepImpl = StepImplOf<Ctx>;
export type StepBodies = StepBodiesOf<Ctx>;
export type AddedLabel = AddedLabelOf<Ctx>;
export type Program = ProgramOf<Ctx>;
export type InvalidateOp = InvalidateOpOf<Ctx>;
export type InvalidateGuard = InvalidateGuardOf<Ctx>;
export type HmmPatch = HmmPatchOf<Ctx>;

/** What runs the model: the design's step bodies and driver callbacks (machine.ts supplies them). */
export interface Implementation {
  readonly bodies: StepBodies;
  /** when each step can run (labels not listed: always) */
  readonly guards: Guards;
  readonly invalidate: InvalidateOp;
  readonly snapshotInvalidate: InvalidateOp;
  /** when each callback can run (the driver lock it waits for) */
  readonly invalidateGuard: InvalidateGuard;
  readonly snapshotInvalidateGuard: InvalidateGuard;
}

const NOT_RUNNABLE: InvalidateOp = () => {
  throw new Error('this model context only reads states (makeCtx without an implementation): build models with createHmmModel');
};

const NOT_RUNNABLE_GUARD: InvalidateGuard = () => {
  throw new Error('this model context only reads states (makeCtx without an implementation): build models with createHmmModel');
};

export interface Req {
  readonly op: CpuOp | DevOp | (string & {});
  readonly page: number;
  readonly npages: number;
  readonly prot: number; // VM_* bits for mprotect
  readonly to: number; //   mremap destination
  readonly dontUnmap: boolean;
  readonly flags: number; // HMM_DMIRROR_FLAGS value
}

export interface Ctx {
  readonly cfg: HmmConfig;
  readonly L: Layout;
  /** the steps this model runs, by program counter (program.ts) */
  readonly prog: Program;
  /** start pc of each request the patch adds (patch.requests) */
  readonly customStart: Readonly<Record<string, number>>;
  /** the driver callbacks (patch.ts `ops`, else the driver's own; snapshotInvalidate: dmirror_snapshot_invalidate) */
  readonly ops: {
    readonly invalidate: InvalidateOp;
    readonly snapshotInvalidate: InvalidateOp;
    readonly invalidateGuard: InvalidateGuard;
    readonly snapshotInvalidateGuard: InvalidateGuard;
  };
  /** the patch's per-frame words, reset when a frame is freed */
  readonly frameFieldResets: readonly PatchFieldLayout[];
  readonly beh: DriverBehaviour;
  /** core-mm behaviour (core-mm.ts), apart from the driver's */
  readonly core: CoreMmBehaviour;
  readonly dma: boolean;
  readonly exclusive: boolean;
  /** migration keeps whole THPs (features.deviceThp, MIGRATE_VMA_SELECT_COMPOUND) */
  readonly deviceThp: boolean;
  /** device memory is MEMORY_DEVICE_COHERENT (config.deviceMemory) */
  readonly coherent: boolean;
  readonly migration: boolean;
  /** do_numa_page may migrate the misplaced folio (features.numaMigrate) */
  readonly numaMigrate: boolean;
  /** KSM merges zero-filled pages with the zero page (features.ksmZeroPages) */
  readonly ksmZeroPages: boolean;
  readonly retries: number;
  /** requests per actor (kswapd: none) */
  readonly reqs: readonly (readonly Req[])[];
  /** actor indices of the device threads of each fd */
  readonly devActors: readonly (readonly number[])[];
  /** actor indices of CPU threads per mm */
  readonly cpuActors: readonly (readonly number[])[];
  /** per fd: the mm it mirrors (config.fds / deviceMm) */
  readonly devMm: readonly number[];
  /** per mm: does some dmirror fd mirror it (has interval subscriptions) */
  readonly mmSubscribed: readonly boolean[];
  /** device threads that issue HMM_DMIRROR_SNAPSHOT (each may hold a temporary interval notifier) */
  readonly snapActors: readonly number[];

  /** successor buffers reused within one packed expansion (index.ts packedForm); inactive = slice */
  readonly pool: StatePool;

  readonly names: {
    readonly invalidate: ActionKind;
    readonly doFault: ActionKind;
    readonly doRead: ActionKind;
    readonly doWrite: ActionKind;
  };
}

/**
 * The model context of a configuration. Without an implementation it can read states (layout,
 * labels, requests) but not run steps; machine.ts's makeModelCtx supplies one.
 */
export function makeCtx(cfg: HmmConfig, impl?: Implementation): Ctx {
  const L = makeLayout(cfg);
  const beh = resolveDriver(cfg.driver);
  const reqs: Req[][] = [];
  const devActors: number[][] = [];
  for (let d = 0; d < L.fds; d++) devActors.push([]);
  const cpuActors: number[][] = [[], []];
  L.actors.forEach((a, t) => {
    if (a.kind === 'cpu') {
      cpuActors[a.mm]!.push(t);
      reqs.push(cfg.cpu![a.index]!.ops.map((r) => ({
        op: r.op, page: r.page ?? 0, npages: r.op === 'exit' ? cfg.pages : (r.npages ?? 1), prot: protBits(r.prot ?? 'rw'),
        to: r.to ?? 0, dontUnmap: r.dontUnmap ?? false, flags: 0,
      })));
    } else if (a.kind === 'dev') {
      devActors[a.fd]!.push(t);
      reqs.push(cfg.dev![a.index]!.ops.map((r) => ({
        op: r.op, page: r.page ?? 0, npages: r.npages ?? 1, prot: 0, to: 0, dontUnmap: false, flags: r.flags ?? 0,
      })));
    } else reqs.push([]);
  });
  const p = beh.prefix;
  const devMm = L.fdMm;
  const snapActors = L.actors.flatMap((a, t) => (a.kind === 'dev' && reqs[t]!.some((r) => r.op === 'snapshot') ? [t] : []));
  const patch = cfg.patch as HmmPatch | undefined;
  const prog = buildProgram(
    applyStepPatch(impl?.bodies ?? {}, impl === undefined ? {} : patch?.steps ?? {}), patch?.labels ?? [],
    applyGuardPatch(impl?.guards ?? {}, impl === undefined ? {} : patch?.guards ?? {}, patch?.labels ?? []),
  );
  const customStart: Record<string, number> = Object.create(null) as Record<string, number>;
  for (const [op, r] of Object.entries(patch?.requests ?? {})) {
    const pc = prog.pc[r.start];
    if (pc === undefined || pc === 0) throw new RangeError(`patch request '${op}' starts at '${r.start}', which is no label of the program`);
    customStart[op] = pc;
  }
  const frameFieldResets = Object.values(L.patchFields).filter((f) => f.scope === 'frame');
  // a freed frame leaves the swap cache too (canonical free frames)
  if (L.frameSwapBase >= 0) frameFieldResets.push({ base: L.frameSwapBase, count: L.frameCount, init: 0, scope: 'frame' });
  // and forgets what was written from it (the model has no page cache apart from the mapped frames)
  if (L.writebackBase >= 0) frameFieldResets.push({ base: L.writebackBase + 1, count: L.frameCount, init: 0, scope: 'frame' });
  // and forgets the fd that allocated it (dmirror_devmem_free)
  if (L.frameFdBase >= 0) frameFieldResets.push({ base: L.frameFdBase, count: L.frameCount, init: 0, scope: 'frame' });
  const invalidate = impl?.invalidate ?? NOT_RUNNABLE;
  const wrapInvalidate = patch?.ops?.invalidate;
  const ops = {
    invalidate: wrapInvalidate === undefined ? invalidate : wrapInvalidate(invalidate),
    snapshotInvalidate: impl?.snapshotInvalidate ?? NOT_RUNNABLE,
    invalidateGuard: patch?.ops?.invalidateGuard === undefined ? impl?.invalidateGuard ?? NOT_RUNNABLE_GUARD
      : patch.ops.invalidateGuard(impl?.invalidateGuard ?? NOT_RUNNABLE_GUARD),
    snapshotInvalidateGuard: impl?.snapshotInvalidateGuard ?? NOT_RUNNABLE_GUARD,
  };
  return {
    cfg, L, prog, customStart, ops, frameFieldResets, beh, devMm, snapActors, core: resolveCoreMm(cfg.coreMm),
    mmSubscribed: [devMm.includes(0), devMm.includes(1)],

    dma: (cfg.features?.dma ?? false) && beh.dmaMapOnFault,
    exclusive: cfg.features?.exclusive ?? true,
    coherent: cfg.deviceMemory === 'coherent',
    deviceThp: cfg.features?.deviceThp ?? false,
    migration: cfg.features?.migration ?? true,
    numaMigrate: cfg.features?.numaMigrate ?? false,
    ksmZeroPages: cfg.features?.ksmZeroPages ?? false,
    retries: cfg.budgets?.retries ?? 2,
    reqs, devActors, cpuActors,
    pool: { active: false, used: 0, bufs: [] },
    names: {
      invalidate: p === 'dmirror' ? 'dmirror_interval_invalidate' : 'driver_invalidate',
      doFault: p === 'dmirror' ? 'dmirror_do_fault' : 'driver_update_device_pt',
      doRead: p === 'dmirror' ? 'dmirror_do_read' : 'driver_device_read',
      doWrite: p === 'dmirror' ? 'dmirror_do_write' : 'driver_device_write',
    },
  };
}

export function protBits(p: 'none' | 'read' | 'rw'): number {
  return p === 'none' ? 0 : p === 'read' ? 1 : 3;
}

/** the offset of actor t's registers in a state */
export const actorBase = (c: Ctx, t: number): number => c.L.actors[t]!.base;

/** the fd (struct dmirror) a device thread issues its ioctls on: its lock, device PT, notifier */
export const devOf = (c: Ctx, t: number): number => c.L.actors[t]!.fd;

/** the device of a device thread's fd: the pgmap owner of its migrations and hmm_range_fault */
export const ownerOf = (c: Ctx, t: number): number => c.L.actors[t]!.device;

/** the device of fd d (dmirror->mdevice) */
export const fdDevice = (c: Ctx, d: number): number => c.L.fdDevice[d]!;

/** actor t's current request is HMM_DMIRROR_SNAPSHOT */
export const isSnap = (c: Ctx, s: Int32Array, t: number): boolean => c.reqs[t]![s[c.L.actors[t]!.base + R_REQ]!]?.op === 'snapshot';

/** the mm actor t acts on */
export const mmOf = (c: Ctx, t: number): number => c.L.actors[t]!.mm;

/**
 * While the packed engine expands a state, every successor is copied out of its buffer as soon as
 * it is emitted, so the buffers can be reused by the next expansion instead of one allocation per
 * transition; the object engine keeps successors, so outside an expansion each one is a new array.
 */
export interface StatePool {
  active: boolean;
  used: number;
  readonly bufs: Int32Array[];
}

/** A copy of `s` to build a successor in (what every step does first, instead of s.slice()). */
export function nextState(c: Ctx, s: Int32Array): Int32Array {
  const p = c.pool;
  if (!p.active) return s.slice();
  let b = p.bufs[p.used];
  if (b === undefined) {
    b = new Int32Array(s.length);
    p.bufs.push(b);
  }
  p.used++;
  b.set(s);
  return b;
}

/**
 * The action of a step. Actions are plain readonly data, so equal ones are one shared object:
 * emitting a transition allocates nothing (an action with an out-of-range field is a new object).
 */
export function act(kind: ActionKind, actor: number, page: number, info = 0): HmmAction {
  // actor < 64, -1 <= page < 63, |info| < 2^17: one small-integer key (< 2^30)
  if (actor >>> 6 !== 0 || (page + 1) >>> 6 !== 0 || (info + 0x20000) >>> 18 !== 0) return { kind, actor, page, info };
  let byKind = ACTIONS.get(kind);
  if (byKind === undefined) {
    byKind = new Map();
    ACTIONS.set(kind, byKind);
  }
  const key = (((actor << 6) | (page + 1)) << 18) | (info + 0x20000);
  let a = byKind.get(key);
  if (a === undefined) {
    a = { kind, actor, page, info };
    byKind.set(key, a);
  }
  return a;
}
const ACTIONS = new Map<string, Map<number, HmmAction>>();

// ---- frames ---------------------------------------------------------------------------------

/** Lowest free system frame (canonical allocation), or 0 when RAM is exhausted. */
export function allocSysFrame(c: Ctx, s: Int32Array): number {
  const L = c.L;
  for (let f = firstSysFrame; f < firstSysFrame + L.sysFrames; f++) if (s[frOff(L, f) + F_REF] === 0) return f;
  return 0;
}

/**
 * A device page for fd d's migration: the lowest free frame of d's device, which then remembers
 * d (dmirror_migrate_alloc_and_copy: rpage->zone_device_data = dmirror); 0 when none is free.
 */
export function allocFdFrame(c: Ctx, s: Int32Array, d: number): number {
  const f = allocDevFrame(c, s, c.L.fdDevice[d]!);
  if (f !== 0 && c.L.frameFdBase >= 0) s[frameFdOff(c.L, f)] = d + 1;
  return f;
}

/** Lowest free device-private frame of device d (dmirror_devmem_alloc_page), or 0. */
export function allocDevFrame(c: Ctx, s: Int32Array, d: number): number {
  const L = c.L;
  const b = firstDevFrame(L, d);
  for (let f = b; f < b + L.devFrames; f++) if (s[frOff(L, f) + F_REF] === 0) return f;
  return 0;
}

export function getFrame(c: Ctx, s: Int32Array, f: number): void {
  if (f === ZERO_FRAME || f === 0) return;
  s[frOff(c.L, f) + F_REF]!++;
}

/**
 * folio_put: drop a reference; at zero the frame returns to the page allocator, or for a
 * device-private frame to the driver free list via dev_pagemap_ops.folio_free
 * (dmirror_devmem_free). Every field is reset so free frames are canonical.
 */
export function putFrame(c: Ctx, s: Int32Array, f: number): void {
  if (f === ZERO_FRAME || f === 0) return;
  const o = frOff(c.L, f);
  const r = s[o + F_REF]! - 1;
  s[o + F_REF] = r;
  if (r <= 0) {
    for (let k = 0; k < FRAME_WORDS; k++) s[o + k] = 0;
    for (const pf of c.frameFieldResets) s[pf.base + f] = pf.init;
  }
}

/** A freshly allocated frame: one reference, contents version `ver`. */
export function initFrame(c: Ctx, s: Int32Array, f: number, ver: number, lru: boolean): void {
  const o = frOff(c.L, f);
  s[o + F_REF] = 1;
  s[o + F_MAP] = 0;
  s[o + F_PIN] = 0;
  s[o + F_LOCK] = 0;
  s[o + F_LRU] = lru && !isDevFrame(c.L, f) ? 1 : 0;
  s[o + F_DIRTY] = 0;
  s[o + F_VER] = ver;
  s[o + F_LAZY] = 0;
}

export const frameVer = (c: Ctx, s: Int32Array, f: number): number => (f === ZERO_FRAME ? 0 : s[frOff(c.L, f) + F_VER]!);
export const frameField = (c: Ctx, s: Int32Array, f: number, k: number): number => s[frOff(c.L, f) + k]!;
export const setFrameField = (c: Ctx, s: Int32Array, f: number, k: number, v: number): void => {
  if (f !== ZERO_FRAME && f !== 0) s[frOff(c.L, f) + k] = v;
};
export const deviceOfFrame = (c: Ctx, f: number): number => frameOwner(c.L, f);

/** flush_tlb_page / flush_tlb_range on every CPU running mm m. */
export function flushTlb(c: Ctx, s: Int32Array, m: number, a: number, n = 1): void {
  for (const t of c.cpuActors[m] ?? []) for (let i = a; i < a + n; i++) s[tlbOff(c.L, t, i)] = 0;
}

// ---- requests -------------------------------------------------------------------------------

export function startPc(c: Ctx, t: number, req: number): number {
  const r = c.reqs[t]![req];
  if (r === undefined) return PC.done;
  const custom = c.customStart[r.op];
  if (custom !== undefined) return custom;
  const kind = c.L.actors[t]!.kind;
  if (kind === 'cpu') {
    switch (r.op) {
      case 'read':
      case 'write':
        return PC.cpu_access;
      case 'munmap':
      case 'exit':
        return PC.do_vmi_munmap;
      case 'mprotect':
        return PC.do_mprotect_pkey;
      case 'fork':
        return PC.dup_mmap;
      case 'pin':
      case 'gup':
        return PC.gup_mmap_read_lock;
      case 'unpin':
        return PC.unpin_user_page;
      case 'mremap':
        return PC.sys_mremap;
      case 'madvFree':
      case 'madvDontneed':
        return PC.do_madvise;
      case 'oomReap':
        return PC.oom_reap_task_mm;
      default:
        return PC.done;
    }
  }
  switch (r.op) {
    case 'read':
    case 'write':
      return PC.dmirror_fault_ioctl;
    case 'migrateToDev':
    case 'migrateToSys':
      return PC.dmirror_migrate;
    case 'exclusive':
      return PC.dmirror_exclusive;
    case 'checkExclusive':
      return PC.dmirror_check_atomic;
    case 'snapshot':
      return PC.dmirror_range_snapshot;
    case 'release':
      return PC.migrate_device_range;
    case 'flags':
      return PC.dmirror_fops_unlocked_ioctl;

    default:
      return PC.done;
  }
}

/** Load request `req` into the request registers and set the start pc. */
export function loadRequest(c: Ctx, s: Int32Array, t: number, req: number): void {
  const b = c.L.actors[t]!.base;
  const r = c.reqs[t]![req];
  s[b + R_REQ] = req;
  if (r === undefined) {
    s[b + R_PC] = PC.done;
    s[b + R_A] = 0;
    s[b + R_N] = 0;
    s[b + R_WRITE] = 0;
    return;
  }
  s[b + R_A] = r.page;
  s[b + R_N] = r.npages;
  s[b + R_WRITE] = r.op === 'write' || r.op === 'pin' ? 1 : 0;
  s[b + R_PC] = startPc(c, t, req);
}

/** Record the result of the current request and move to the next one (scratch registers zeroed). */
export function finishRequest(c: Ctx, s: Int32Array, t: number, rc: number): void {
  const b = c.L.actors[t]!.base;
  const req = s[b + R_REQ]!;
  const ro = resOff(c.L, t, req);
  s[ro + RES_RET] = rc;
  s[ro + RES_CPAGES] = s[b + R_CPAGES]!;
  s[ro + RES_FAULTS] = s[b + R_FAULTS]!;
  // clear every scratch register except PC/REQ (re-set below); the pinned frame and TLB survive
  const keepPinned = s[b + 14]!;
  for (let k = 2; k < REG_FIXED; k++) s[b + k] = 0;
  s[b + 14] = keepPinned;
  for (let i = 0; i < 3 * c.L.pages; i++) s[b + REG_FIXED + i] = 0;
  loadRequest(c, s, t, req + 1);
}

export function recordData(c: Ctx, s: Int32Array, t: number, a: number, ver: number): void {
  const b = c.L.actors[t]!.base;
  s[resOff(c.L, t, s[b + R_REQ]!) + RES_DATA + a] = ver;
}

export function initResults(c: Ctx, s: Int32Array, t: number): void {
  const L = c.L;
  for (let q = 0; q < L.actors[t]!.nreq; q++) {
    const o = resOff(L, t, q);
    s[o + RES_RET] = NOT_RUN;
    for (let a = 0; a < L.pages; a++) s[o + RES_DATA + a] = -1;
  }
}

export { R_RETRIES, R_I, R_SEQOK, R_RETRYOK, F_LOCK, F_LRU, F_DIRTY, F_MAP, F_REF, F_PIN, F_VER };
