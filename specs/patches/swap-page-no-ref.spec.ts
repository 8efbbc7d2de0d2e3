// A core-mm patch: do_swap_page's device-private branch as in v5.18 — migrate_to_ram is called
// with vmf->page but neither a reference nor the page lock, and the driver's migrate_vma has no
// fault_page (v6.1's 16ce101db85d, "mm/memory.c: fix race when faulting a device private page",
// added all three). The migration migrate_to_ram starts frees the device page while the fault
// handler still holds vmf->page: S3 sees a page the kernel holds freed.
// Run: npx hmm-check specs/patches/swap-page-no-ref.spec.ts
import { defineSpec } from 'hmm-check';
import { kernel as k, type HmmPatch } from 'hmm-check/model/hmm/index.ts';
import { spec as reference } from 'hmm-check/specs/hmm/reference.spec.ts';
import { hmmConfig } from 'hmm-check/specs/hmm/configs.ts';

export const patch: HmmPatch = {
  name: 'swap-page-no-ref',
  steps: {
    // do_swap_page: vmf->page = the device page; migrate_to_ram(vmf) — no trylock_page, no
    // get_page, no migrate_vma.fault_page (undo what the v6.x branch does)
    handle_mm_fault: {
      wrap: (orig) => (c, s, t, emit) => orig(c, s, t, (a, n) => {
        if (a.kind === 'do_swap_page' && a.info === 1) {
          const f = k.faultPage(c, n, t);
          k.folio_unlock(c, n, f);
          k.folio_put(c, n, f);
          k.setMigrateFaultPage(c, n, t, 0);
        }
        emit(a, n);
      }),
    },
    // after migrate_to_ram returns: nothing to unlock or put
    do_swap_page_migrated: (c, s, t, emit) => {
      const n = s.slice();
      k.handleMmFaultReturn(c, n, t);
      emit(k.act('do_swap_page', t, k.faultAddress(c, s, t), 2), n);
    },
  },
};

export const spec = defineSpec({
  ...reference,
  id: 'patch-swap-page-no-ref',
  title: 'Patch: do_swap_page calls migrate_to_ram without a page reference',
  configs: {
    'migrate-and-back': hmmConfig('migrateAndBack', 'reference', [], ['s3-no-use-after-free'], {
      patch, description: 'MIGRATE_TO_DEV, a device write, and a CPU read faulting the page back',
    }),
    unpatched: hmmConfig('migrateAndBack', 'reference', ['wMigrate'], [], { description: 'the same workload without the patch' }),
  },
});
