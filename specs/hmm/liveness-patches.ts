/**
 * Core-mm and driver patches that break L4, L5 and L6 (liveness.ts), written with the model's patch
 * API (model/hmm/patch.ts: a step body or guard replaced or wrapped) so that model/hmm needs no
 * change.
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
  kernel as k, type Ctx, type GuardImpl, type HmmPatch, type StepImpl, PC, PF_HUGE, PTE_DEVEXCL, PTE_DEVPRIV, firstDevFrame, stateView, stateWriter,
} from '../../model/hmm/index.ts';

/** the fault actor t is handling is on a PTE of kind `kind` (and a read fault, if `readOnly`) */
const faultsOn = (c: Ctx, s: Int32Array, t: number, kind: number, readOnly = false): boolean => {
  const regs = stateView(c, 'patch').at(s).actor(t);
  return (!readOnly || regs.hmfWrite === 0) && stateView(c, 'patch').at(s).mm(c.L.actors[t]!.mm).pte(regs.hmfPage).kind === kind;
};

/** do_swap_page (v6.1–v6.14): the device-private branch does not wait for the page lock ... */
const swapPageNoWait: GuardImpl = { wrap: (orig) => (c, s, t) => faultsOn(c, s, t, PTE_DEVPRIV) || orig(c, s, t) };

/** ... and takes its reference without it. */
const swapPageWithoutLock: StepImpl = {
  wrap: (orig) => (c, s, t, emit) => {
    const v = stateView(c, 'patch').at(s);
    const m = c.L.actors[t]!.mm;
    const a = v.actor(t).hmfPage;
    const pte = v.mm(m).pte(a);
    if (pte.kind !== PTE_DEVPRIV) {
      orig(c, s, t, emit);
      return;
    }
    // the model's body takes the lock (and waits for it): run it as if the page were unlocked and
    // give the lock word back its owner — the reference, fault_page and migrate_vma setup stay
    const huge = (pte.flags & PF_HUGE) !== 0 && (a ^ 1) < c.L.pages;
    const hf = huge ? v.mm(m).pte(a & ~1).val : pte.val;
    const owner = v.frame(hf).lock;
    const unlocked = s.slice();
    stateWriter(c, 'patch-edit').at(unlocked).frame(hf).lock = 0;
    orig(c, unlocked, t, (act, n) => {
      stateWriter(c, 'patch-edit').at(n).frame(hf).lock = owner;
      emit(act, n);
    });
  },
};

/** HMM_DMIRROR_RELEASE: after migrate_device_finalize, evict again while a device page is in use. */
const evictUntilEmpty: StepImpl = {
  wrap: (orig) => (c, s, t, emit) => {
    const before = stateView(c, 'patch').at(s).actor(t);
    const req = before.req;
    const r = c.reqs[t]![req];
    if (r?.op !== 'release') {
      orig(c, s, t, emit);
      return;
    }
    const d = c.L.actors[t]!.device;
    const f0 = firstDevFrame(c.L, d);
    // the request's result slot as it was before this step
    const res = before.result(req);
    const kept = [res.ret, res.cpages, res.faults, ...Array.from({ length: c.L.pages }, (_, i) => res.data(i))];
    orig(c, s, t, (act, n) => {
      const w = stateWriter(c, 'patch-edit').at(n);
      let inUse = false;
      for (let f = f0; f < f0 + c.L.devFrames; f++) if (w.frame(f).refcount > 0) inUse = true;
      if (inUse) {
        // the request is not over: its result slot as before, registers as at its start
        const out = w.actor(t).result(req);
        out.ret = kept[0]!;
        out.cpages = kept[1]!;
        out.faults = kept[2]!;
        for (let i = 0; i < c.L.pages; i++) out.setData(i, kept[3 + i]!);
        const regs = w.actor(t);
        regs.req = req;
        regs.page = r.page;
        regs.npages = r.npages;
        regs.pc = PC.migrate_device_range;
      }
      emit(act, n);
    });
  },
};

/** do_swap_page: a read fault on a device-exclusive entry waits for nothing ... */
const exclusiveReadNoWait: GuardImpl = { wrap: (orig) => (c, s, t) => faultsOn(c, s, t, PTE_DEVEXCL, true) || orig(c, s, t) };

/** ... and returns without restoring it. */
const exclusiveReadKeepsEntry: StepImpl = {
  wrap: (orig) => (c, s, t, emit) => {
    const v = stateView(c, 'patch').at(s);
    const regs = v.actor(t);
    const a = regs.hmfPage;
    if (regs.hmfWrite !== 0 || v.mm(c.L.actors[t]!.mm).pte(a).kind !== PTE_DEVEXCL) {
      orig(c, s, t, emit);
      return;
    }
    const n = s.slice();
    k.handleMmFaultReturn(c, n, t, 0);
    emit(k.act('remove_device_exclusive_entry', t, a, 1), n);
  },
};

export const LIVENESS_PATCHES = {
  swapPageRefWithoutLock: {
    name: 'swap-page-ref-without-lock', steps: { handle_mm_fault: swapPageWithoutLock }, guards: { handle_mm_fault: swapPageNoWait },
  },
  evictUntilEmpty: { name: 'evict-until-empty', steps: { migrate_vma_finalize: evictUntilEmpty } },
  evictUntilEmptyRefWithoutLock: {
    name: 'evict-until-empty+swap-page-ref-without-lock',
    steps: { migrate_vma_finalize: evictUntilEmpty, handle_mm_fault: swapPageWithoutLock },
    guards: { handle_mm_fault: swapPageNoWait },
  },
  exclusiveReadKeepsEntry: {
    name: 'exclusive-read-keeps-entry', steps: { handle_mm_fault: exclusiveReadKeepsEntry }, guards: { handle_mm_fault: exclusiveReadNoWait },
  },
} as const satisfies Record<string, HmmPatch>;

export type LivenessPatch = keyof typeof LIVENESS_PATCHES;
