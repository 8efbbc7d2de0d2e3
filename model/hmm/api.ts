// Follows: Linux v6.19 — (no kernel file: the helpers a patch's steps use, under kernel names)
/**
 * What a patch's step bodies may use (specs/README.md, "Patching the model"): the model's own
 * kernel helpers, under the names a reviewer knows, and readers for the state a step needs.
 * Everything here is stable API; the layout offsets behind it are not.
 *
 * A step is a guard and a body. The guard `(c, s, t) => boolean` says whether actor t can take
 * the step now (the lock it sleeps on is free, no migration entry to wait on); it only reads `s`.
 * The body `(c, s, t, emit)` runs only when the guard holds: `c` the model context, `s` the state
 * (never modify it), `t` the actor. It copies the state (`s.slice()`), changes the copy, sets the
 * actor's next label (`gotoLabel`) and calls `emit(act(kind, t, page, info), next)` once per
 * outcome — at least once. A patch replaces either alone (`steps`, `guards`).
 */
import {
  R_PC, R_A, R_N, R_I_EV, R_I_A, R_I_N, R_I_MM, R_I_OWNER, R_I_CB, R_H_T, R_H_A, R_H_RC, R_M_A, R_M_N, R_M_DEV, R_M_FAULTPAGE,
  PG_KIND, PG_VAL, PG_FLAGS, PF_W, PF_D, PF_PROTNONE, F_REF, F_MAP, F_PIN, F_LOCK, F_DIRTY, PTE_KIND_NAMES,
  pgOff, frOff, dptOff, dmaOff, tlbOff, srcOff, patchFieldOff, evKind, EVENT_NAMES, MPFN_MIGRATE, MPFN_HOLE, mpfnFrame,
} from './layout.ts';
import type { Ctx, Emit } from './ctx.ts';
import type { HmmAction } from './actions.ts';
import { hmfReturn } from './handle_mm_fault.ts';

export type { Ctx, Emit, GuardFn, GuardImpl, StepFn, StepImpl, AddedLabel, HmmPatch, InvalidateOp, InvalidateGuard } from './ctx.ts';
export type { PatchField, PatchRequest } from './patch.ts';
export { getFrame as folio_get, putFrame as folio_put, flushTlb as flush_tlb_range, finishRequest } from './ctx.ts';
export { setPte as set_pte } from './pgtable.ts';
export { migrateVmaCollectPtes as migrate_vma_collect_ptes } from './migrate_device.ts';
export { beginInv as mmu_notifier_invalidate_range_start, endInv as mmu_notifier_invalidate_range_end } from './mmu_notifier.ts';
export {
  mmapReadLock as mmap_read_lock, mmapReadUnlock as mmap_read_unlock, mmapReadFree as mmap_read_available,
  mmapWriteFree as mmap_write_available,
} from './mmap_lock.ts';
export { actorEnabled } from './next.ts';
export { PTE_NONE, PTE_PRESENT, PTE_ZERO, PTE_SWAP, PTE_MIGRATION, PTE_DEVPRIV, PTE_DEVEXCL, EV_UNMAP, EV_CLEAR, EV_MIGRATE } from './layout.ts';

/** An action of a patch's own kind (its label declares the kind in `emits`). */
export const act = (kind: string, actor: number, page: number, info = 0): HmmAction =>
  ({ kind: kind as HmmAction['kind'], actor, page, info });

/** The label actor t is at. */
export const labelOf = (c: Ctx, s: Int32Array, t: number): string => c.prog.labels[s[c.L.actors[t]!.base + R_PC]!] ?? '?';

/** Continue actor t at `label` (a declared label or one the patch adds). */
export function gotoLabel(c: Ctx, n: Int32Array, t: number, label: string): void {
  const pc = c.prog.pc[label];
  if (pc === undefined) throw new RangeError(`no label '${label}' in this model's program`);
  n[c.L.actors[t]!.base + R_PC] = pc;
}

/** The mm actor t works on (0 = the process, 1 = its fork child). */
export const mmOf = (c: Ctx, t: number): number => c.L.actors[t]!.mm;
/** The device of the fd a device thread issues its ioctls on: the pgmap owner (-1 for other actors). */
export const deviceOf = (c: Ctx, t: number): number => c.L.actors[t]!.device;
/**
 * The open file (struct dmirror) a device thread issues its ioctls on (-1 for other actors): the
 * index of its driver lock, device PT, notifier callback and per-device patch fields. With one
 * fd per device (no `fds` in the configuration) it equals deviceOf.
 */
export const fdOf = (c: Ctx, t: number): number => c.L.actors[t]!.fd;

/** The range [page, page + npages) of actor t's current request. */
export function requestRange(c: Ctx, s: Int32Array, t: number): { readonly page: number; readonly npages: number } {
  const b = c.L.actors[t]!.base;
  return { page: s[b + R_A]!, npages: s[b + R_N]! };
}

/** The CPU page-table entry of page a of mm m. */
export function pte(c: Ctx, s: Int32Array, m: number, a: number): {
  readonly kind: string; readonly frame: number; readonly write: boolean; readonly dirty: boolean; readonly protnone: boolean;
} {
  const o = pgOff(c.L, m, a);
  const fl = s[o + PG_FLAGS]!;
  return {
    kind: PTE_KIND_NAMES[s[o + PG_KIND]!] ?? '?', frame: s[o + PG_VAL]!,
    write: (fl & PF_W) !== 0, dirty: (fl & PF_D) !== 0, protnone: (fl & PF_PROTNONE) !== 0,
  };
}

/** struct folio of frame f: references (pins included), mappings, FOLL_PIN count, PG_locked holder (actor + 1), PG_dirty. */
export function folio(c: Ctx, s: Int32Array, f: number): {
  readonly refcount: number; readonly mapcount: number; readonly pins: number; readonly lockedBy: number; readonly dirty: boolean;
} {
  const o = frOff(c.L, f);
  return { refcount: s[o + F_REF]!, mapcount: s[o + F_MAP]!, pins: s[o + F_PIN]!, lockedBy: s[o + F_LOCK]! - 1, dirty: s[o + F_DIRTY] === 1 };
}

/** Whether CPU thread t's TLB holds a translation of page a (and whether it allows writes). */
export function tlbEntry(c: Ctx, s: Int32Array, t: number, a: number): { readonly frame: number; readonly write: boolean } | null {
  const e = s[tlbOff(c.L, t, a)]!;
  return e === 0 ? null : { frame: e >> 1, write: (e & 1) !== 0 };
}

/** fd d's device page-table entry for page a (frame 0 = none) and its DMA mapping. */
export function devicePte(c: Ctx, s: Int32Array, d: number, a: number): { readonly frame: number; readonly write: boolean; readonly dma: number } {
  const e = s[dptOff(c.L, d, a)]!;
  return { frame: e >> 2, write: (e & 3) === 1, dma: s[dmaOff(c.L, d, a)]! };
}

/** The invalidation actor t is running: its event name, mm, range and owner device (-1 = none). */
export function invalidation(c: Ctx, s: Int32Array, t: number): {
  readonly event: string; readonly mm: number; readonly start: number; readonly npages: number; readonly owner: number;
  readonly nextCallback: number;
} {
  const b = c.L.actors[t]!.base;
  return {
    event: EVENT_NAMES[evKind(s[b + R_I_EV]!)] ?? '', mm: s[b + R_I_MM]!, start: s[b + R_I_A]!, npages: s[b + R_I_N]!,
    owner: s[b + R_I_OWNER]! - 1, nextCallback: s[b + R_I_CB]!,
  };
}

/** The migrate_vma in flight of actor t: its range, fd, pgmap owner (device) and the frames collected (MIGRATE_PFN_MIGRATE, not holes). */
export function migration(c: Ctx, s: Int32Array, t: number): {
  readonly start: number; readonly npages: number; readonly fd: number; readonly device: number; readonly collected: readonly number[];
} {
  const b = c.L.actors[t]!.base;
  const npages = s[b + R_M_N]!;
  const collected: number[] = [];
  for (let i = 0; i < npages; i++) {
    const w = s[srcOff(c.L, t, i)]!;
    if ((w & MPFN_MIGRATE) !== 0 && (w & MPFN_HOLE) === 0) collected.push(mpfnFrame(w));
  }
  const fd = s[b + R_M_DEV]!;
  return { start: s[b + R_M_A]!, npages, fd, device: c.L.fdDevice[fd] ?? -1, collected };
}

/**
 * The page the faulting actor holds while do_swap_page runs migrate_to_ram (vmf->page; 0 = none):
 * do_swap_page took a reference on it, do_swap_page_migrated drops it.
 */
export const faultPage = (c: Ctx, s: Int32Array, t: number): number => s[c.L.actors[t]!.base + R_H_T]!;
/** The fault page a migrate_vma of migrate_to_ram was set up with (migrate_vma.fault_page). */
export const migrateFaultPage = (c: Ctx, s: Int32Array, t: number): number => s[c.L.actors[t]!.base + R_M_FAULTPAGE]!;

/** Read / write word i of the patch's field `name` (i = mm, frame or device; 0 for a global field). */
export const readField = (c: Ctx, s: Int32Array, name: string, i = 0): number => s[patchFieldOff(c.L, name, i)]!;
export function writeField(c: Ctx, n: Int32Array, name: string, i: number, v: number): void {
  n[patchFieldOff(c.L, name, i)] = v;
}

/** mmu_interval_set_seq for device d's interval: its threads' pending read_begin/read_retry pairs fail. */
export { setSeq as mmu_interval_set_seq, eraseDevicePtes as dmirror_erase_range } from './test_hmm.ts';

/** unlock_page / folio_unlock of frame f. */
export function folio_unlock(c: Ctx, n: Int32Array, f: number): void {
  n[frOff(c.L, f) + F_LOCK] = 0;
}

/** The page handle_mm_fault is handling for actor t (vmf->address). */
export const faultAddress = (c: Ctx, s: Int32Array, t: number): number => s[c.L.actors[t]!.base + R_H_A]!;

/**
 * handle_mm_fault returns to its caller with the result the fault path left (migrate_to_ram's
 * for do_swap_page's device-private branch), or with `rc` when given.
 */
export function handleMmFaultReturn(c: Ctx, n: Int32Array, t: number, rc?: number): void {
  const b = c.L.actors[t]!.base;
  hmfReturn(n, b, rc ?? n[b + R_H_RC]!);
}

/** Set the migrate_vma.fault_page actor t's next migrate_vma_setup uses (0 = none). */
export function setMigrateFaultPage(c: Ctx, n: Int32Array, t: number, f: number): void {
  n[c.L.actors[t]!.base + R_M_FAULTPAGE] = f;
}
