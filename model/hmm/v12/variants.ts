// Follows: HMM v12 posting (2016-03) — mm/hmm.c
/**
 * The v12 design as data: `v12` is the design of the March 2016 posting as documented in
 * ../../../../shared/hmm-reference.md section (c); every other entry is one plausible HMM-core or
 * driver mistake, named after the rule it breaks. specs/v12 records which property each violates.
 * (Imports nothing: config.ts and ctx.ts import this file.)
 */

export interface V12Behaviour {
  /** hmm_mirror_fault registers the range it faults in struct hmm (fault-range tracking) */
  readonly registerFaultRange: boolean;
  /** the fault backs off (unregisters its range) before calling handle_mm_fault */
  readonly backOffAroundHandleMmFault: boolean;
  /** hmm_mirror_update DMA-unmaps the entries it clears on HMM_MUNMAP */
  readonly dmaUnmapOnMunmap: boolean;
  /** hmm_mirror_update transfers HMM_PTE_DIRTY to the page (set_page_dirty) when it drops it */
  readonly transferDirty: boolean;
  /** mprotect(PROT_NONE) clears mirror entries (the v11 "Fix PROT_NONE case"); false = treated
   *  as HMM_WRITE_PROTECT like any other mprotect, leaving a readable mirror entry */
  readonly protNoneClears: boolean;
  /** CPU fault on the special entry: write-protect the device's entry before copy_from_device */
  readonly writeProtectBeforeCopyBack: boolean;
  /** the pre-HMM driver habit: take a page reference + pin for every page it maps, released
   *  when the update clears the entry (what the cover letter says HMM avoids) */
  readonly pinPages: boolean;
}

const CORRECT: V12Behaviour = {
  registerFaultRange: true,
  backOffAroundHandleMmFault: true,
  dmaUnmapOnMunmap: true,
  transferDirty: true,
  protNoneClears: true,
  writeProtectBeforeCopyBack: true,
  pinPages: false,
};

export const V12_VARIANTS = {
  /** the v12 design as posted (hmm-reference section c) */
  v12: CORRECT,
  /** hmm_mirror_fault does not register its range: an invalidation slips between walk and update */
  noFaultRange: { ...CORRECT, registerFaultRange: false },
  /** the fault keeps its range registered across handle_mm_fault (COW invalidation waits on itself) */
  faultRangeAcrossFault: { ...CORRECT, backOffAroundHandleMmFault: false },
  /** the HMM_MUNMAP update clears the mirror entry but forgets dma_unmap_page */
  munmapNoDmaUnmap: { ...CORRECT, dmaUnmapOnMunmap: false },
  /** the mirror's dirty bit is dropped instead of being transferred to the page */
  noDirtyTransfer: { ...CORRECT, transferDirty: false },
  /** pre-v11: mprotect(PROT_NONE) handled as HMM_WRITE_PROTECT (reconstructed, see README) */
  protNoneAsWriteProtect: { ...CORRECT, protNoneClears: false },
  /** migrate back copies device memory while the device can still write it */
  copyBackWhileDeviceWrites: { ...CORRECT, writeProtectBeforeCopyBack: false },
  /** pins every page it mirrors ("device driver have to pin page which blocks … KSM, migration") */
  pinOnFault: { ...CORRECT, pinPages: true },
} as const satisfies Record<string, V12Behaviour>;

export type V12Variant = keyof typeof V12_VARIANTS;

export const V12_VARIANT_NAMES = Object.keys(V12_VARIANTS) as readonly V12Variant[];
