/**
 * For a reviewer: per property family and workload, which mechanism each design relies on for it,
 * and which deliberate mistake (broken variant) shows what breaks without it. Plain data; the
 * report section (report-section.ts) renders it next to the verdicts and state counts.
 */
import { PROPERTY_NAMES as UP } from '../hmm/properties.ts';
import { V12_PROPERTY_NAMES as V } from '../v12/properties.ts';
import type { WorkloadName } from './workloads.ts';

export interface Family {
  readonly id: string;
  readonly title: string;
  /** upstream property names (specs/hmm/properties.ts) */
  readonly upstream: readonly string[];
  /** v12 property names (specs/v12/properties.ts) */
  readonly v12: readonly string[];
  readonly mechanism: { readonly upstream: string; readonly v12: string };
}

export const FAMILIES: readonly Family[] = [
  {
    id: 'S1', title: 'mirror entry never outlives the CPU mapping',
    upstream: [UP.s1], v12: [V.s1],
    mechanism: {
      upstream: 'mmu_interval_read_retry under the driver lock after hmm_range_fault; the invalidate callback takes the same lock, calls mmu_interval_set_seq and erases the device PT',
      v12: 'fault-range tracking in struct hmm: an update interrupts the registered device fault and waits for it to back off; HMM itself fills hmm_pt (hmm_mirror_fault) and clears it (hmm_mirror_update) — the driver reads hmm_pt only inside device->update',
    },
  },
  {
    id: 'S2', title: 'permission containment (write ⇒ CPU writable; nothing over PROT_NONE/protnone)',
    upstream: [UP.s2], v12: [V.s2],
    mechanism: {
      upstream: 'hmm_range_fault reports pte_protnone / !VM_READ as not valid (-EFAULT) and asks for a write fault before reporting WRITE; PROTECTION_VMA/PAGE callbacks erase the device PT',
      v12: 'hmm_mirror_update by event: HMM_WRITE_PROTECT/HMM_FORK mask WRITE off hmm_pt, PROT_NONE and NUMA hinting clear it (v11 "Fix PROT_NONE case"); hmm_mirror_fault returns -EFAULT on !VM_READ',
    },
  },
  {
    id: 'S3', title: 'DMA address never outlives the mapping; DMA unmapped before free',
    upstream: [UP.s3], v12: [V.s3dma, V.s3free],
    mechanism: {
      upstream: 'the driver DMA-unmaps in its invalidate callback before returning (hmm.rst; hmm_dma_unmap_pfn since 2025); tlb_finish_mmu frees gathered pages only after invalidate_range_end',
      v12: 'HMM owns the DMA mapping: the dma_addr_t lives in the hmm_pt entry and hmm_mirror_update unmaps every entry it clears, before the CPU PTE changes',
    },
  },
  {
    id: 'S4', title: 'no pin / no page reference held by the mirror',
    upstream: [UP.s4], v12: [V.s4],
    mechanism: {
      upstream: 'the device PT holds no page references (notifier-driven); migrate_vma_check_page refuses pages with extra references',
      v12: 'hmm_pt holds no page references ("HMM does not take a reference on any of the page"); mm_hmm_migrate requires refcount == mapcount == 1',
    },
  },
  {
    id: 'S5', title: 'no lost write across migration',
    upstream: [UP.s5], v12: [V.s5],
    mechanism: {
      upstream: 'migration entries + TLB flush before the PTL is dropped; MMU_NOTIFY_MIGRATE erases device mappings before the copy; migrate_to_ram runs with the device-private page locked',
      v12: 'locked special swap entry + HMM_MIGRATE update before copy_to_device; on CPU fault the device entry is write-protected before copy_from_device; device faults wait on a locked entry',
    },
  },
  {
    id: 'S6', title: 'dirty never lost',
    upstream: [UP.s6], v12: [V.s6],
    mechanism: {
      upstream: 'zap/try_to_unmap/migrate_vma_collect move the PTE dirty bit to the folio; device writes go through a write fault, so the CPU PTE is dirty',
      v12: 'hmm_mirror_update transfers HMM_PTE_DIRTY to the page (set_page_dirty) whenever it clears or write-protects an entry — device writes never touch the CPU PTE dirty bit',
    },
  },
  {
    id: 'S7', title: 'device memory never CPU-mapped',
    upstream: [UP.s7], v12: [V.s7],
    mechanism: {
      upstream: 'ZONE_DEVICE private pages only behind device-private swap entries; CPU access → do_swap_page → migrate_to_ram',
      v12: 'device memory has no struct page; the CPU sees a special swap entry and hmm_handle_cpu_fault migrates back, finding device memory through hmm_pt',
    },
  },
  {
    id: 'S10', title: 'protocol discipline',
    upstream: [UP.s10], v12: [V.s10],
    mechanism: {
      upstream: 'every callback calls mmu_interval_set_seq; the device PT is written only under the driver lock after a successful read_retry (the driver must get this right)',
      v12: 'hmm_pt is filled only by a registered, uninterrupted fault and updated only once overlapping faults backed off (HMM core gets it right once for all drivers)',
    },
  },
  {
    id: 'deadlock', title: 'deadlock freedom',
    upstream: ['deadlock-free'], v12: ['deadlock-free'],
    mechanism: {
      upstream: 'driver lock never held across read_begin/hmm_range_fault (an invalidation it triggers takes the lock); read_begin sleeps only while an invalidation is in flight',
      v12: 'the fault unregisters its range before handle_mm_fault (a COW or migrate-back update of the same range would wait for it); updates wait only on faults that never wait on updates',
    },
  },
];

/** Workload-specific notes on what actually races (the mechanisms above are the defaults). */
export const WORKLOAD_NOTES: Readonly<Record<WorkloadName, { readonly upstream: string; readonly v12: string }>> = {
  'fault-vs-munmap': {
    upstream: 'real race: the fault loop drops mmap_lock after hmm_range_fault; munmap\'s UNMAP callback bumps the seq, read_retry catches it',
    v12: 'no race: hmm_mirror_fault holds mmap_read_lock from the walk to the hmm_pt fill, munmap needs mmap_write_lock; HMM_MUNMAP clears hmm_pt + DMA',
  },
  'fault-vs-cow': {
    upstream: 'wp_page_copy\'s CLEAR invalidation runs under mmap_read_lock concurrently with the fault; read_retry catches it',
    v12: 'the CLEAR update (HMM_MIGRATE) interrupts the registered fault, waits for it to back off, the fault retries',
  },
  'fault-vs-prot-none': {
    upstream: 'mprotect under mmap_write_lock; PROTECTION_VMA erases; hmm_range_fault then returns -EFAULT',
    v12: 'mprotect under mmap_write_lock; the update clears hmm_pt; hmm_mirror_fault then returns -EFAULT',
  },
  'fault-vs-numa': {
    upstream: 'change_prot_numa under mmap_read_lock races the fault; protnone reported as not valid',
    v12: 'NUMA hinting update clears hmm_pt and interrupts the fault; the walk faults the protnone PTE back (do_numa_page)',
  },
  'migrate-and-back': {
    upstream: 'migrate_vma_* with device-private struct pages; CPU read → migrate_to_ram',
    v12: 'special swap entry, device memory found through hmm_pt; CPU read → hmm_handle_cpu_fault',
  },
  'migrate-vs-device-write': {
    upstream: 'device fault waits on the migration entry; read_retry after MIGRATE invalidation',
    v12: 'the HMM_MIGRATE update interrupts the fault; afterwards the fault waits on the locked special entry',
  },
  'fork-device-memory': {
    upstream: 'copy_nonpresent_pte shares the device-private page read-only in parent and child',
    v12: 'HMM_FORK brings device memory back to a system page before copy_page_range COW-shares it',
  },
  'two-devices': {
    upstream: 'dev1\'s hmm_range_fault sees dev0\'s device-private entry (other owner) and faults it back through migrate_to_ram',
    v12: 'dev1\'s walk finds no device entry of its own behind the special entry; hmm_mm_fault → hmm_handle_cpu_fault brings dev0\'s memory back and retargets dev0\'s hmm_pt',
  },
  'hugetlbfs': {
    upstream: 'hmm_range_fault reports the hugetlb page with its order (hmm_vma_walk_hugetlb_entry); the device PT may map it huge',
    v12: 'hmm_mirror_fault mirrors the huge page as 4 KiB hmm_pt entries (v11 "Add support for hugetlbfs"); never migrated',
  },
  'dirty-reclaim-ksm': {
    upstream: 'try_to_unmap_one / write_protect_page move PTE dirty to the folio; CLEAR invalidations erase the device PT',
    v12: 'the same CPU-side dirty moves, plus hmm_mirror_update moving HMM_PTE_DIRTY of the device\'s writes to the page',
  },
};

export interface Mistake {
  readonly design: 'upstream' | 'v12';
  /** spec id and config that runs it */
  readonly spec: string;
  readonly config: string;
  readonly variant: string;
  readonly what: string;
  /** the properties it must violate */
  readonly violates: readonly string[];
}

export const MISTAKES: readonly Mistake[] = [
  { design: 'upstream', spec: 'hmm-reference', config: 'no-read-retry', variant: 'noReadRetry', what: 'driver programs the device PT from hmm_pfns[] without mmu_interval_read_retry', violates: [UP.s1, UP.s2, UP.s3, UP.s10] },
  { design: 'upstream', spec: 'hmm-reference', config: 'retry-before-lock', variant: 'retryBeforeLock', what: 'read_retry checked before taking the driver lock', violates: [UP.s1, UP.s2, UP.s3, UP.s10] },
  { design: 'upstream', spec: 'hmm-reference', config: 'dma-no-unmap', variant: 'dmaNoUnmap', what: 'invalidate callback does not DMA-unmap', violates: [UP.s3] },
  { design: 'upstream', spec: 'hmm-reference', config: 'protnone-valid-prot-none', variant: 'protnoneValid', what: 'core: hmm_range_fault reports a protnone PTE as valid', violates: [UP.s2] },
  { design: 'v12', spec: 'hmm-v12', config: 'no-fault-range', variant: 'noFaultRange', what: 'hmm_mirror_fault does not register its range: a COW update slips between walk and hmm_pt fill', violates: [V.s1, V.s3dma, V.s10] },
  { design: 'v12', spec: 'hmm-v12', config: 'no-fault-range-migrate', variant: 'noFaultRange', what: 'same, racing migration to device memory: DMA-mapped freed page, lost write', violates: [V.s1, V.s3dma, V.s3free, V.s5, V.s10] },
  { design: 'v12', spec: 'hmm-v12', config: 'fault-range-across-fault', variant: 'faultRangeAcrossFault', what: 'fault keeps its range registered across handle_mm_fault: its own COW update waits for it', violates: ['deadlock-free'] },
  { design: 'v12', spec: 'hmm-v12', config: 'munmap-no-dma-unmap', variant: 'munmapNoDmaUnmap', what: 'HMM_MUNMAP update forgets dma_unmap_page', violates: [V.s3dma, V.s3free] },
  { design: 'v12', spec: 'hmm-v12', config: 'no-dirty-transfer', variant: 'noDirtyTransfer', what: 'hmm_pt dirty bit dropped instead of set_page_dirty', violates: [V.s6] },
  { design: 'v12', spec: 'hmm-v12', config: 'prot-none-as-write-protect', variant: 'protNoneAsWriteProtect', what: 'mprotect(PROT_NONE) delivered as HMM_WRITE_PROTECT (pre-v11, reconstructed)', violates: [V.s2] },
  { design: 'v12', spec: 'hmm-v12', config: 'pin-on-fault', variant: 'pinOnFault', what: 'the pre-HMM habit: pin every mirrored page (released on update)', violates: [V.s4] },
  { design: 'v12', spec: 'hmm-v12', config: 'copy-back-while-device-writes', variant: 'copyBackWhileDeviceWrites', what: 'migrate back copies before write-protecting the device entry', violates: [V.s5] },
];
