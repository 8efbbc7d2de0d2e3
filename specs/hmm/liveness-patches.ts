/**
 * Core-mm and driver patches that break L4, L5 and L6 (liveness.ts), written with the model's patch
 * API (model/hmm/patch.ts: a step body replaced or wrapped) so that model/hmm needs no change.
 * Each says which kernel code or plausible patch it stands for; liveness-configs.ts checks each
 * against its unpatched twin on the same scenario.
 *
 * - swapPageRefWithoutLock (violates L4): do_swap_page's device-private branch as in v6.1–v6.14,
 *   before 1afaeb8293c9 ("mm/migrate: Trylock device page in do_swap_page", v6.15): get_page(vmf->page)
 *   and migrate_vma.fault_page, but no trylock_page first; migrate_vma_collect trylocks the fault
 *   page like any other. Two CPU threads faulting on one device page each hold a reference, so
 *   each one's migrate_vma_check_page sees an unexpected reference (or its collect finds the page
 *   locked by the other) and migrates nothing; both faults return 0 and are taken again — the
 *   livelock the commit fixes ("if enough threads faulted the same device page", Xe's SVM).
 * - evictUntilEmpty (the harness of L5, not a bug): HMM_DMIRROR_RELEASE runs the eviction again
 *   while a page of the device's memory is still in use. migrate_device_range trylocks each page
 *   and skips the ones it cannot lock; memunmap_pages, which lib/test_hmm.c calls next, then waits
 *   until they are freed. The model ends RELEASE after one eviction; this loop is how a driver
 *   makes sure nothing is left, and it is the waiting the model otherwise omits. With correct
 *   core-mm it ends: whoever holds a device page is a fair thread that lets it go.
 * - evictUntilEmpty + swapPageRefWithoutLock (violates L5): the faulting threads' transient
 *   references make every eviction round find the page busy while they livelock each other, so
 *   the release never ends (the eviction retry Xe's SVM also does, against the same livelock).
 * - exclusiveReadKeepsEntry (violates L6): a patch that treats a device-exclusive entry as a
 *   write-protect — a CPU read fault returns 0 without remove_device_exclusive_entry, to let the
 *   device keep its atomic access. The entry is not present, so the load faults again for ever.
 */
import {
  kernel as k, type HmmPatch, type StepImpl, F_LOCK, F_REF, PC, PF_HUGE, PG_FLAGS, PG_KIND, PG_VAL,
  PTE_DEVEXCL, PTE_DEVPRIV, R_A, R_H_A, R_H_W, R_N, R_PC, R_REQ, firstDevFrame, frOff, pgOff, resOff,
} from '../../model/hmm/index.ts';

/** do_swap_page (v6.1–v6.14): the device-private branch takes its reference without the page lock. */
const swapPageWithoutLock: StepImpl = {
  wrap: (orig) => (c, s, t, emit) => {
    const b = c.L.actors[t]!.base;
    const m = c.L.actors[t]!.mm;
    const a = s[b + R_H_A]!;
    const o = pgOff(c.L, m, a);
    if (s[o + PG_KIND] !== PTE_DEVPRIV) {
      orig(c, s, t, emit);
      return;
    }
    // the model's body takes the lock (and waits for it): run it as if the page were unlocked and
    // give the lock word back its owner — the reference, fault_page and migrate_vma setup stay
    const huge = (s[o + PG_FLAGS]! & PF_HUGE) !== 0 && (a ^ 1) < c.L.pages;
    const hf = huge ? s[pgOff(c.L, m, a & ~1) + PG_VAL]! : s[o + PG_VAL]!;
    const lock = frOff(c.L, hf) + F_LOCK;
    const unlocked = s.slice();
    unlocked[lock] = 0;
    orig(c, unlocked, t, (act, n) => {
      n[lock] = s[lock]!;
      emit(act, n);
    });
  },
};

/** HMM_DMIRROR_RELEASE: after migrate_device_finalize, evict again while a device page is in use. */
const evictUntilEmpty: StepImpl = {
  wrap: (orig) => (c, s, t, emit) => {
    const b = c.L.actors[t]!.base;
    const req = s[b + R_REQ]!;
    const r = c.reqs[t]![req];
    if (r?.op !== 'release') {
      orig(c, s, t, emit);
      return;
    }
    const d = c.L.actors[t]!.device;
    const f0 = firstDevFrame(c.L, d);
    orig(c, s, t, (act, n) => {
      let inUse = false;
      for (let f = f0; f < f0 + c.L.devFrames; f++) if (n[frOff(c.L, f) + F_REF]! > 0) inUse = true;
      if (inUse) {
        // the request is not over: its result slot as before, registers as at its start
        const ro = resOff(c.L, t, req);
        for (let i = 0; i < c.L.resWords; i++) n[ro + i] = s[ro + i]!;
        n[b + R_REQ] = req;
        n[b + R_A] = r.page;
        n[b + R_N] = r.npages;
        n[b + R_PC] = PC.migrate_device_range;
      }
      emit(act, n);
    });
  },
};

/** do_swap_page: a read fault on a device-exclusive entry returns without restoring it. */
const exclusiveReadKeepsEntry: StepImpl = {
  wrap: (orig) => (c, s, t, emit) => {
    const b = c.L.actors[t]!.base;
    const a = s[b + R_H_A]!;
    if (s[b + R_H_W] !== 0 || s[pgOff(c.L, c.L.actors[t]!.mm, a) + PG_KIND] !== PTE_DEVEXCL) {
      orig(c, s, t, emit);
      return;
    }
    const n = s.slice();
    k.handleMmFaultReturn(c, n, t, 0);
    emit(k.act('remove_device_exclusive_entry', t, a, 1), n);
  },
};

export const LIVENESS_PATCHES = {
  swapPageRefWithoutLock: { name: 'swap-page-ref-without-lock', steps: { handle_mm_fault: swapPageWithoutLock } },
  evictUntilEmpty: { name: 'evict-until-empty', steps: { migrate_vma_finalize: evictUntilEmpty } },
  evictUntilEmptyRefWithoutLock: {
    name: 'evict-until-empty+swap-page-ref-without-lock',
    steps: { migrate_vma_finalize: evictUntilEmpty, handle_mm_fault: swapPageWithoutLock },
  },
  exclusiveReadKeepsEntry: { name: 'exclusive-read-keeps-entry', steps: { handle_mm_fault: exclusiveReadKeepsEntry } },
} as const satisfies Record<string, HmmPatch>;

export type LivenessPatch = keyof typeof LIVENESS_PATCHES;
