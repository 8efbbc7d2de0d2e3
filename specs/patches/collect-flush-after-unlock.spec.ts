// A core-mm patch: migrate_vma_collect_pmd flushes the TLB after pte_unmap_unlock instead of
// before it (the order 60bae7370896, "mm/migrate_device.c: flush TLB while holding PTL", fixed).
// The step is split: the PTE loop under the PTL, then a new label that flushes. Between them,
// MADV_DONTNEED zaps the migration entries — non-present, so its tlb_finish_mmu flushes nothing —
// and returns while a CPU can still reach the page through its stale TLB entry (S12).
// Run: npx hmm-check specs/patches/collect-flush-after-unlock.spec.ts
import { defineSpec } from 'hmm-check';
import { kernel as k, type HmmPatch } from 'hmm-check/model/hmm/index.ts';
import { spec as reference } from 'hmm-check/specs/hmm/reference.spec.ts';
import { hmmConfig } from 'hmm-check/specs/hmm/configs.ts';

export const patch: HmmPatch = {
  name: 'collect-flush-after-unlock',
  steps: {
    // the PTE loop under the PTL, then pte_unmap_unlock: no flush yet
    migrate_vma_collect_pmd: (c, s, t, emit) => {
      const n = s.slice();
      k.migrate_vma_collect_ptes(c, n, t);
      k.gotoLabel(c, n, t, 'collect_flush_tlb');
      emit(k.act('migrate_vma_collect_pmd', t, k.migration(c, s, t).start), n);
    },
  },
  labels: [{
    // if (unmapped) flush_tlb_range(walk->vma, start, end); then migrate_vma_setup's range_end
    name: 'collect_flush_tlb', file: 'mm/migrate_device.c', fn: 'migrate_vma_collect_pmd', emits: ['flush_tlb_range'],
    body: (c, s, t, emit) => {
      const n = s.slice();
      const { start, npages, collected } = k.migration(c, s, t);
      if (collected.length > 0) k.flush_tlb_range(c, n, k.mmOf(c, t), start, npages);
      k.mmu_notifier_invalidate_range_end(c, n, t, k.mmOf(c, t));
      emit(k.act('flush_tlb_range', t, start), n);
    },
  }],
};

const dontneedVsMigrate = {
  pages: 1, frames: 2, devFrames: 1, initial: ['rw'],
  cpu: [{ ops: [{ op: 'read', page: 0 }] }, { ops: [{ op: 'madvDontneed', page: 0 }] }],
  dev: [{ ops: [{ op: 'migrateToDev', page: 0 }] }],
} as const;

export const spec = defineSpec({
  ...reference,
  id: 'patch-collect-flush-after-unlock',
  title: 'Patch: migrate_vma_collect_pmd flushes the TLB after dropping the PTL',
  configs: {
    'dontneed-vs-migrate': hmmConfig(dontneedVsMigrate, 'lazyMigrateMap', [], ['s12-tlb-coherent-on-return'], {
      patch, description: 'a CPU reader (TLB filled), MADV_DONTNEED on another thread, MIGRATE_TO_DEV',
    }),
    unpatched: hmmConfig(dontneedVsMigrate, 'lazyMigrateMap', [], [], { description: 'the same race without the patch: the flush under the PTL leaves no stale entry' }),
  },
});
