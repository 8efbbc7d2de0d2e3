// A guard patch: the driver's invalidate callback no longer waits for the driver lock — hmm.rst's
// invalidate() without take_lock(driver->update). Only the guard of mn_itree_invalidate changes
// (when the step can run); its body, the callback's effect (mmu_interval_set_seq, the device-PT
// erase), is the model's own. The lock is what keeps the device fault path's
// mmu_interval_read_retry and its device-PT update one critical section: without it the
// invalidation can erase the range between the two, and the device then maps what was unmapped.
// Run: npx hmm-check specs/patches/invalidate-without-lock.spec.ts
import { defineSpec } from 'hmm-check';
import type { HmmPatch } from 'hmm-check/model/hmm/index.ts';
import { spec as reference } from 'hmm-check/specs/hmm/reference.spec.ts';
import { hmmConfig } from 'hmm-check/specs/hmm/configs.ts';

export const patch: HmmPatch = {
  name: 'invalidate-without-lock',
  // mn_itree_invalidate: call ops->invalidate() at once, whoever holds the driver lock
  guards: { mn_itree_invalidate: () => true },
};

export const spec = defineSpec({
  ...reference,
  id: 'patch-invalidate-without-lock',
  title: 'Patch: the invalidate callback does not wait for the driver lock (a guard patch)',
  configs: {
    'fault-vs-munmap': hmmConfig('faultVsMunmap', 'reference', [], ['s1-no-stale-device-pte', 's2-permission-containment', 's3-no-use-after-free'], {
      patch, description: 'a device write fault loop against munmap, the callback not waiting for the driver lock',
    }),
    unpatched: hmmConfig('faultVsMunmap', 'reference', ['wWrite'], [], { description: 'the same workload without the patch' }),
  },
});
