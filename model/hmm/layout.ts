// Follows: Linux v6.19 — (no kernel file: the state words of the structures the steps model)
/**
 * The state is one flat Int32Array (copy = slice, encode = push every word). This file fixes the
 * meaning of every word: constants for PTE kinds, flags, program counters, and the offsets of
 * each field for a given configuration (Layout). All unused scratch words are kept at 0 so that
 * equal states are equal word vectors (canonical encoding without sorting).
 */
import { type HmmConfig, fdOfThread, resolveFds } from './config.ts';
import { leadingWordOffsets, placements, sizeOf, type Dims } from './state/struct.ts';
import { GLOBALS, MM, PAGE, DEVICE, FRAME, ACTOR, RESULT, V12, SWAP_CACHE, WRITEBACK, FRAME_FD } from './state/schema.ts';

// ---- CPU page-table entry kinds (hmm-reference a.2) -------------------------------------------
export const PTE_NONE = 0; //      pte_none
export const PTE_PRESENT = 1; //   present{pfn, write, dirty, protnone}
export const PTE_ZERO = 2; //      present read-only mapping of the shared zero page
export const PTE_SWAP = 3; //      swap entry; value = contents version written to the slot
export const PTE_MIGRATION = 4; // migration entry{pfn, write, dirty}
export const PTE_DEVPRIV = 5; //   device-private entry{pfn, write}
export const PTE_DEVEXCL = 6; //   device-exclusive entry{pfn, write, dirty}
export const PTE_HMM = 7; //       v12 only: HMM special swap entry (device memory, no struct page)
export const PTE_KIND_NAMES = ['none', 'present', 'zero', 'swap', 'migration', 'devPrivate', 'devExclusive', 'hmm'] as const;

// PTE flag bits
export const PF_W = 1;
export const PF_D = 2;
export const PF_PROTNONE = 4;
export const PF_HMM_LOCKED = 8; // v12: make_hmm_entry_locked (migration in flight)

// VMA flags (0 = no VMA: a hole)
export const VM_READ = 1;
export const VM_WRITE = 2;
export const VM_SHARED = 4; //    MAP_SHARED (shmem or file): no COW, not migrated (folio_mapping)
export const VM_EXISTS = 8;
export const VM_HUGETLB = 16; //  hugetlbfs: 2-page huge units, never split, not migratable
export const VM_HUGEPAGE = 32; // MADV_HUGEPAGE: anonymous faults map 2-page PMD units (THP)
export const VM_MIXEDMAP = 64; // dmirror_fops_mmap: vm_insert_page'd pages (VM_SPECIAL)
/** PTE flag: the page is mapped by a huge entry (PMD THP or hugetlb) covering its aligned pair */
export const PF_HUGE = 16;
/** HMM_PFN_ORDER: hmm_pfns[] bit for "mapped at PMD order" (order 1 in the scaled model) */
export const HMM_PFN_PMD = 1 << 24;

// device PT entry = frame << 2 | bits
export const DPT_WRITE = 1; // DPT_XA_TAG_WRITE
export const DPT_ATOMIC = 2; // DPT_XA_TAG_ATOMIC
export const dptFrame = (e: number): number => e >> 2;

// frame ids: 0 = none, 1 = the zero page, then system frames, then device frames per device
export const FRAME_NONE = 0;
export const ZERO_FRAME = 1;

// per-frame fields (generated from schema.ts FRAME)
const FR = leadingWordOffsets(FRAME);
export const F_REF = FR.refcount; //   folio_ref_count
export const F_MAP = FR.mapcount; //   folio_mapcount
export const F_PIN = FR.pin; //   FOLL_PIN count (included in F_REF)
export const F_LOCK = FR.lock; //  PG_locked: holder actor + 1, 0 = unlocked
export const F_LRU = FR.lru; //   on an LRU list (not isolated)
export const F_DIRTY = FR.dirty; // PG_dirty
export const F_VER = FR.version; //   contents version
export const F_LAZY = FR.lazy; //  MADV_FREE'd
export const FRAME_WORDS = sizeOf(FRAME, {});

// notifier events (enum mmu_notifier_event)
export const EV_UNMAP = 1;
export const EV_CLEAR = 2;
export const EV_PROTECTION_VMA = 3;
export const EV_PROTECTION_PAGE = 4;
export const EV_RELEASE = 5;
export const EV_MIGRATE = 6;
export const EV_EXCLUSIVE = 7;
export const EVENT_NAMES = ['', 'MMU_NOTIFY_UNMAP', 'MMU_NOTIFY_CLEAR', 'MMU_NOTIFY_PROTECTION_VMA',
  'MMU_NOTIFY_PROTECTION_PAGE', 'MMU_NOTIFY_RELEASE', 'MMU_NOTIFY_MIGRATE', 'MMU_NOTIFY_EXCLUSIVE'] as const;
/**
 * Or'ed into the event register when the range is not blockable
 * (mmu_notifier_invalidate_range_start_nonblock, the OOM reaper): callbacks must not sleep.
 */
export const EV_NONBLOCK = 16;
export const evKind = (ev: number): number => ev & (EV_NONBLOCK - 1);
/** readable name of an event register value (with the non-blockable flag) */
export const eventName = (ev: number): string =>
  `${EVENT_NAMES[evKind(ev)] ?? ev}${(ev & EV_NONBLOCK) !== 0 ? ' (non-blockable)' : ''}`;

// return codes (negative errno) and fault results
export const OK = 0;
export const EPERM = -1;
export const ENOENT = -2;
export const EINTR = -4;
export const EAGAIN = -11;
export const ENOMEM = -12;
export const EFAULT = -14;
export const EBUSY = -16;
export const EINVAL = -22;
export const EOPNOTSUPP = -95;
// VM_FAULT_* (positive, handle_mm_fault result)
export const VM_FAULT_OOM = 1;
export const VM_FAULT_SIGBUS = 2;
export const VM_FAULT_SIGSEGV = 64;
export const NOT_RUN = -1000; // result slot of a request that has not completed

// migrate src/dst words: frame << 4 | flags  (MIGRATE_PFN_*)
export const MPFN_MIGRATE = 1;
export const MPFN_WRITE = 2;
export const MPFN_HOLE = 4; // collected pte_none / zero page: no source page
export const MPFN_DIRTY = 8;
/** MIGRATE_PFN_COMPOUND: this page is part of a huge (2-page) folio migrated whole (device THP) */
export const MPFN_COMPOUND = 1 << 28;
export const mpfnFrame = (w: number): number => (w & ~MPFN_COMPOUND) >> 4;

// migration kinds (who called migrate_vma_*)
export const MIG_TO_DEV = 1; //   dmirror_migrate_to_device
export const MIG_TO_SYS = 2; //   dmirror_migrate_to_system
export const MIG_FAULT = 3; //    dmirror_devmem_fault (migrate_to_ram)
export const MIG_COHERENT = 5; // migrate_device_coherent_folio (FOLL_LONGTERM GUP of a coherent page)
export const MIG_EVICT = 4; //    dmirror_device_evict_chunk (migrate_device_range; src/dst by device frame)

// ---- program counters: generated from the label table (labels.ts) ----------------------------
export { PC } from './labels.ts';

// ---- actor registers (generated from schema.ts ACTOR) ---------------------------------------
const R = leadingWordOffsets(ACTOR);
export const R_PC = R.pc;
export const R_REQ = R.req; //        index of the current request
export const R_A = R.page; //          first page of the current request
export const R_N = R.npages; //          npages of the current request
export const R_I = R.cursor; //          walk cursor (page index)
export const R_SEQOK = R.seqOk; //      notifier_seq == interval sseq (mmu_interval_read_begin ... read_retry)
export const R_RETRYOK = R.retryOk; //    1 = read_retry passed under the driver lock, 2 = passed without it
export const R_RC = R.rc; //         result of the current request
export const R_CPAGES = R.cpages;
export const R_FAULTS = R.faults;
export const R_RETRIES = R.retries;
export const R_WRITE = R.write; //     current request wants write access
export const R_MMAP = R.mmapLock; //      1 = holds mmap_lock for read, 2 = for write
export const R_I_MM = R.invMm; //      mm of the current invalidation (an rmap walk invalidates other mms)
export const R_PINNED = R.pinned; //    frame pinned by this thread's last 'pin'
// handle_mm_fault layer
export const R_H_A = R.hmfPage;
export const R_H_W = R.hmfWrite;
export const R_H_RET = R.hmfReturn;
export const R_H_RC = R.hmfRc;
export const R_H_T = R.hmfFrame; //       new frame (wp_page_copy) / locked frame (do_swap_page, restore)
// invalidation layer
export const R_I_EV = R.invEvent;
export const R_I_A = R.invPage;
export const R_I_N = R.invNpages;
export const R_I_OWNER = R.invOwner; //   device + 1 for MIGRATE/EXCLUSIVE owner, 0 = none
export const R_I_RET = R.invReturn; //     pc after the callbacks
export const R_I_AFTER = R.invAfter; //   pc after invalidate_range_end
export const R_I_CB = R.invCallback; //      next subscription (device) to call
// migrate layer
export const R_M_KIND = R.migKind;
export const R_M_A = R.migPage;
export const R_M_N = R.migNpages;
export const R_M_DEV = R.migOwner; //     the fd (struct dmirror) of the migration; its device is the pgmap owner
export const R_M_FAULTPAGE = R.migFaultPage; // fault_page frame (migrate_to_ram)
export const R_M_RC = R.migRc;
export const R_K_PAGE = R.bgPage; //    background actor: page it works on
export const R_K_FRAME = R.bgFrame; //   (migrate_pages: the source folio; its destination is in R_H_T)
export const R_SNAP = R.snapshot; //      snapshot thread: its temporary interval notifier
/** words before the per-page arrays (pfn, src, dst, tlb), then results per request */
export const REG_FIXED = placements(ACTOR, { pages: 0, requests: 0 }).pfn!.offset;

const RS = leadingWordOffsets(RESULT);
export const RES_RET = RS.ret;
export const RES_CPAGES = RS.cpages;
export const RES_FAULTS = RS.faults;
export const RES_DATA = placements(RESULT, { pages: 0 }).data!.offset; // then one word per page: contents version seen, -1 = not read

export type ActorKind = 'cpu' | 'dev' | 'kswapd';

export interface ActorInfo {
  readonly kind: ActorKind;
  readonly index: number; //   index within its kind
  readonly mm: number; //      mm it acts on
  readonly device: number; //  dev threads: the device of its fd (the pgmap owner); else -1
  readonly fd: number; //      dev threads: the fd (struct dmirror) it issues ioctls on; else -1
  readonly base: number; //    offset of its registers
  readonly nreq: number;
}

export interface PatchFieldLayout {
  readonly base: number;
  /** 1 (global), or one word per mm / frame / fd ('device': one per open device file, struct dmirror) */
  readonly count: number;
  readonly init: number;
  readonly scope: 'global' | 'mm' | 'frame' | 'device';
}

export interface Layout {
  readonly pages: number;
  readonly mms: number;
  /** dmirror devices (struct dmirror_device: device memory, pgmap owner) */
  readonly devices: number;
  /** open files (struct dmirror: mutex, device PT, interval notifier, flags): one DEVICE struct each */
  readonly fds: number;
  /** the device of each fd */
  readonly fdDevice: readonly number[];
  /** the mm each fd mirrors (the opener's) */
  readonly fdMm: readonly number[];
  /** per device: its fd when it has exactly one, else -1 */
  readonly deviceFd: readonly number[];
  readonly sysFrames: number;
  readonly devFrames: number;
  readonly frameCount: number; // including id 0 (unused) and the zero page
  // global words
  readonly gGseqOdd: number;
  readonly gActive: number;
  readonly gBudReclaim: number;
  readonly gBudNuma: number;
  readonly gBudKsm: number;
  /** mm 1's invalidate_seq parity and active count (-1 unless some device mirrors mm 1) */
  readonly gSeq1: number;
  /** kcompactd migrate_pages budget (-1 unless features.compaction) */
  readonly gBudCompact: number;
  /** MMF_UNSTABLE of mm 0, set by the OOM reaper (-1 unless some thread runs 'oomReap') */
  readonly gUnstable: number;
  // per mm
  readonly mmBase: number;
  readonly mmWords: number;
  // per device
  readonly devBase: number;
  readonly devWords: number;
  /** the device words end with dmirror->flags (HMM_DMIRROR_FLAGS is used) */
  readonly devFlags: boolean;
  // frames
  readonly frameBase: number;
  // actors
  readonly actors: readonly ActorInfo[];
  readonly resWords: number;
  /** v12 design only: first word of model/hmm/v12's own state (v12/words.ts), -1 = upstream */
  readonly v12Base: number;
  /** features.swapCache: per frame, 1 + the contents version its swap slot holds while the folio
   *  is in the swap cache (0 = not in it); -1 without the feature */
  readonly frameSwapBase: number;
  /** features.writeback: first word of WRITEBACK (the flusher's budget, then per frame 1 + the
   *  version its last writeback wrote); -1 without the feature */
  readonly writebackBase: number;
  /** some device is opened more than once: per frame, 1 + the fd whose migration allocated the
   *  device page (rpage->zone_device_data), 0 = none; -1 when every device has one fd */
  readonly frameFdBase: number;
  /** a patch's state words by name (patch.ts `fields`) */
  readonly patchFields: Readonly<Record<string, PatchFieldLayout>>;
  readonly width: number;
}

// per-mm fields (generated from schema.ts MM, PAGE, DEVICE)
const MMW = leadingWordOffsets(MM);
export const MM_EXISTS = MMW.exists;
export const MM_READERS = MMW.readers;
export const MM_WRITER = MMW.writer; // actor + 1
export const MM_PAGES = placements(MM, { pages: 0 }).pte!.offset; //  then per page: PAGE
const PG = leadingWordOffsets(PAGE);
export const PG_VMA = PG.vma;
export const PG_KIND = PG.kind;
export const PG_VAL = PG.val;
export const PG_FLAGS = PG.flags;
export const PG_LASTW = PG.lastWrite;
export const PAGE_WORDS = sizeOf(PAGE, {});
// per-device fields
const DV = leadingWordOffsets(DEVICE);
export const DV_LOCK = DV.lock; //    driver lock (dmirror->mutex / driver->update): holder actor + 1
export const DV_SSEQCUR = DV.sseq; // interval sseq == gseq (its callback ran in the current epoch)
export const DV_PT = placements(DEVICE, { pages: 0, devFlags: 0 }).pt!.offset; //      then devPT[pages], then dma[pages]

/** The dimensions of every struct of schema.ts for a configuration (the sizes makeLayout lays out). */
export function stateDims(c: HmmConfig): {
  readonly globals: Dims; readonly mm: Dims; readonly device: Dims; readonly mms: number; readonly devices: number;
  readonly fds: number; readonly frameCount: number; readonly actorDims: readonly Dims[];
} {
  const pages = c.pages;
  const f = c.features ?? {};
  const devices = c.devices ?? 1;
  const fds = resolveFds(c);
  const background = (f.reclaim ?? false) || (f.numa ?? false) || (f.ksm ?? false) || (f.compaction ?? false) || (f.writeback ?? false);
  const actorDims: Dims[] = [
    ...(c.cpu ?? []).map((t) => ({ pages, requests: t.ops.length })),
    ...(c.dev ?? []).map((t) => ({ pages, requests: t.ops.length })),
    ...(background ? [{ pages, requests: 0 }] : []),
  ];
  return {
    globals: {
      // the fork child's own notifier seq/active (only when a dmirror fd mirrors mm 1)
      childMirrored: fds.some((fd) => fd.mm === 1) ? 1 : 0,
      compaction: (f.compaction ?? false) ? 1 : 0,
      oomReap: (c.cpu ?? []).some((t) => t.ops.some((r) => r.op === 'oomReap')) ? 1 : 0,
    },
    mm: { pages },
    // + dmirror->flags when some thread issues HMM_DMIRROR_FLAGS
    device: { pages, devFlags: (c.dev ?? []).some((t) => t.ops.some((r) => r.op === 'flags')) ? 1 : 0 },
    mms: (f.fork ?? false) ? 2 : 1,
    devices,
    fds: fds.length,
    frameCount: 2 + c.frames + devices * (c.devFrames ?? 0),
    actorDims,
  };
}

export function makeLayout(c: HmmConfig): Layout {
  const pages = c.pages;
  const D = stateDims(c);
  const { mms, devices, frameCount } = D;
  const fdList = resolveFds(c);
  const fdDevice = fdList.map((f) => f.device);
  const fdMm = fdList.map((f) => f.mm);
  const deviceFd = Array.from({ length: devices }, (_, d) => (fdDevice.filter((x) => x === d).length === 1 ? fdDevice.indexOf(d) : -1));
  const devFrames = c.devFrames ?? 0;
  const sysFrames = c.frames;
  const g = placements(GLOBALS, D.globals);
  let off = sizeOf(GLOBALS, D.globals);
  const mmBase = off;
  const mmWords = sizeOf(MM, D.mm);
  off += mms * mmWords;
  const devBase = off;
  const devWords = sizeOf(DEVICE, D.device);
  off += fdList.length * devWords;
  const frameBase = off;
  off += frameCount * FRAME_WORDS;
  const resWords = sizeOf(RESULT, { pages });
  const actors: ActorInfo[] = [];
  const cpu = c.cpu ?? [];
  const dev = c.dev ?? [];
  D.actorDims.forEach((dims, t) => {
    if (t < cpu.length) actors.push({ kind: 'cpu', index: t, mm: cpu[t]!.mm ?? 0, device: -1, fd: -1, base: off, nreq: dims.requests! });
    else if (t < cpu.length + dev.length) {
      const i = t - cpu.length;
      const fd = fdOfThread(c, dev[i]!, i);
      actors.push({ kind: 'dev', index: i, mm: fdMm[fd]!, device: fdDevice[fd]!, fd, base: off, nreq: dims.requests! });
    } else actors.push({ kind: 'kswapd', index: 0, mm: 0, device: -1, fd: -1, base: off, nreq: 0 });
    off += sizeOf(ACTOR, dims);
  });
  let v12Base = -1;
  if (c.design === 'v12') {
    v12Base = off;
    off += sizeOf(V12, { actors: actors.length, devices, pages });
  }
  // the swap cache, only with the feature (so no other configuration's state grows)
  const frameSwapBase = (c.features?.swapCache ?? false) ? off : -1;
  if (frameSwapBase >= 0) off += sizeOf(SWAP_CACHE, { frames: frameCount });
  // writeback, only with the feature (after the swap cache, so neither moves the other)
  const writebackBase = (c.features?.writeback ?? false) ? off : -1;
  if (writebackBase >= 0) off += sizeOf(WRITEBACK, { frames: frameCount });
  // which fd allocated a device page: only when a device is opened more than once (with one fd
  // per device the page's device names its fd)
  const frameFdBase = deviceFd.some((fd, d) => fd < 0 && fdDevice.includes(d)) ? off : -1;
  if (frameFdBase >= 0) off += sizeOf(FRAME_FD, { frames: frameCount });
  // a patch's own state words (patch.ts), last, so the model's own offsets never move
  const patchFields: Record<string, PatchFieldLayout> = Object.create(null) as Record<string, PatchFieldLayout>;
  for (const [name, pf] of Object.entries(c.patch?.fields ?? {})) {
    const count = pf.scope === 'global' ? 1 : pf.scope === 'mm' ? mms : pf.scope === 'frame' ? frameCount : fdList.length;
    patchFields[name] = { base: off, count, init: pf.init ?? 0, scope: pf.scope };
    off += count;
  }
  return {
    pages, mms, devices, fds: fdList.length, fdDevice, fdMm, deviceFd, sysFrames, devFrames, frameCount,
    gGseqOdd: g.seqOdd!.offset, gActive: g.active!.offset, gBudReclaim: g.budgetReclaim!.offset, gBudNuma: g.budgetNuma!.offset,
    gBudKsm: g.budgetKsm!.offset, gSeq1: g.childNotifier!.length > 0 ? g.childNotifier!.offset : -1,
    gBudCompact: g.budgetCompaction!.offset, gUnstable: g.oomUnstable!.offset,
    mmBase, mmWords, devBase, devWords, devFlags: D.device.devFlags === 1, frameBase, actors, resWords, v12Base, frameSwapBase, writebackBase, frameFdBase, patchFields, width: off,
  };
}

// ---- accessors (offsets) --------------------------------------------------------------------
/** subscriptions->invalidate_seq is odd, of mm m */
export const gseqOff = (L: Layout, m: number): number => (m === 0 ? L.gGseqOdd : L.gSeq1);
/** subscriptions->active_invalidate_ranges, of mm m */
export const activeOff = (L: Layout, m: number): number => (m === 0 ? L.gActive : L.gSeq1 + 1);
export const pgOff = (L: Layout, m: number, a: number): number => L.mmBase + m * L.mmWords + MM_PAGES + a * PAGE_WORDS;
export const mmOff = (L: Layout, m: number): number => L.mmBase + m * L.mmWords;
export const devOff = (L: Layout, d: number): number => L.devBase + d * L.devWords;
export const dptOff = (L: Layout, d: number, a: number): number => L.devBase + d * L.devWords + DV_PT + a;
export const dmaOff = (L: Layout, d: number, a: number): number => L.devBase + d * L.devWords + DV_PT + L.pages + a;
/** dmirror->flags of device d (only when L.devFlags) */
export const dvFlagsOff = (L: Layout, d: number): number => L.devBase + d * L.devWords + DV_PT + 2 * L.pages;
/** offset of word i of patch field `name` (i = the mm, frame or device; 0 for a global field) */
export function patchFieldOff(L: Layout, name: string, i = 0): number {
  const f = L.patchFields[name];
  if (f === undefined) throw new RangeError(`no patch field '${name}' (declare it in patch.fields)`);
  if (!Number.isInteger(i) || i < 0 || i >= f.count) throw new RangeError(`patch field '${name}' has no word ${i} (it has ${f.count})`);
  return f.base + i;
}
export const frOff = (L: Layout, f: number): number => L.frameBase + f * FRAME_WORDS;
/** frame f's swap-cache word (only when L.frameSwapBase >= 0) */
export const swapCacheOff = (L: Layout, f: number): number => L.frameSwapBase + f;
/** the flusher's budget (only when L.writebackBase >= 0) */
export const wbBudgetOff = (L: Layout): number => L.writebackBase;
/** frame f's "on disk" word: 1 + the version its last writeback wrote (only when L.writebackBase >= 0) */
export const wbWrittenOff = (L: Layout, f: number): number => L.writebackBase + 1 + f;
export const pfnOff = (L: Layout, t: number, i: number): number => L.actors[t]!.base + REG_FIXED + i;
export const srcOff = (L: Layout, t: number, i: number): number => L.actors[t]!.base + REG_FIXED + L.pages + i;
export const dstOff = (L: Layout, t: number, i: number): number => L.actors[t]!.base + REG_FIXED + 2 * L.pages + i;
export const tlbOff = (L: Layout, t: number, a: number): number => L.actors[t]!.base + REG_FIXED + 3 * L.pages + a;
export const resOff = (L: Layout, t: number, req: number): number =>
  L.actors[t]!.base + REG_FIXED + 4 * L.pages + req * L.resWords;

export const firstSysFrame = 2;
export const firstDevFrame = (L: Layout, d: number): number => 2 + L.sysFrames + d * L.devFrames;
export const isDevFrame = (L: Layout, f: number): boolean => f >= 2 + L.sysFrames;
export const frameOwner = (L: Layout, f: number): number =>
  f >= 2 + L.sysFrames && L.devFrames > 0 ? Math.floor((f - 2 - L.sysFrames) / L.devFrames) : -1;
/** frame f's fd word (only when L.frameFdBase >= 0) */
export const frameFdOff = (L: Layout, f: number): number => L.frameFdBase + f;
/**
 * The fd (struct dmirror) whose migration allocated device frame f (test_hmm's
 * rpage->zone_device_data): the frame's own word when a device has several fds, else the one fd
 * of the frame's device; -1 for a system frame or an unrecorded one.
 */
export function fdOfFrame(L: Layout, s: Int32Array, f: number): number {
  const d = frameOwner(L, f);
  if (d < 0) return -1;
  return L.frameFdBase >= 0 ? s[frameFdOff(L, f)]! - 1 : L.deviceFd[d]!;
}
