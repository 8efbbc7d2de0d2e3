// Follows: Linux v6.19 — (no kernel file: the state declared once; its members name the kernel structures they stand for)
/**
 * The HMM model's state, declared once. A state is one flat Int32Array (copy = slice, encode = push
 * every word); the order of the members below is the order of its words, and layout.ts derives
 * every offset the model uses from it, as views.ts derives the typed readers specs and tests use.
 * Unused words stay 0 so that equal states are equal word vectors.
 *
 * Whole state, in order:
 *   GLOBALS · MM × mms · DEVICE × devices · FRAME × frames · ACTOR × actors · V12 (design 'v12')
 *   · SWAP_CACHE (features.swapCache) · WRITEBACK (features.writeback) · FRAME_FD (a device opened more than once) · patch fields (patch.ts `fields`, last so the model's own words never move)
 */
import { struct, word, optional, array } from './struct.ts';

/** subscriptions->invalidate_seq parity and active_invalidate_ranges of one mm */
export const NOTIFIER = struct('notifier', [
  word('seqOdd', 'subscriptions->invalidate_seq is odd (an invalidation is in progress)'),
  word('active', 'active_invalidate_ranges'),
]);

export const GLOBALS = struct('globals', [
  word('seqOdd', "mm 0's invalidate_seq is odd"),
  word('active', "mm 0's active_invalidate_ranges"),
  word('budgetReclaim', 'reclaim (kswapd) passes left'),
  word('budgetNuma', 'NUMA balancing passes left'),
  word('budgetKsm', 'KSM passes left'),
  array('childNotifier', 'childMirrored', NOTIFIER, "mm 1's notifier (only when a dmirror fd mirrors the fork child)"),
  optional('budgetCompaction', 'compaction', 'kcompactd migrate_pages passes left'),
  optional('oomUnstable', 'oomReap', "MMF_UNSTABLE of mm 0, set by the OOM reaper"),
]);

/** one virtual page of an mm: its VMA flags, its PTE, and the last value the user wrote there */
export const PAGE = struct('page', [
  word('vma', 'VM_* flags of the VMA covering the page, 0 = a hole'),
  word('kind', 'PTE kind (PTE_NONE, PTE_PRESENT, …)'),
  word('val', 'frame, or the swapped contents version for PTE_SWAP'),
  word('flags', 'PF_* bits'),
  word('lastWrite', 'ghost: contents version the user last wrote at this address'),
]);

export const MM = struct('mm', [
  word('exists', 'the mm is alive (the fork child exists)'),
  word('readers', 'mmap_lock readers'),
  word('writer', 'mmap_lock writer: actor + 1, 0 = none'),
  array('pte', 'pages', PAGE),
]);

/**
 * One open file of a dmirror device (struct dmirror, one per open(): `fds` in the configuration,
 * by default one per device). The name 'device' is kept from when every device had one fd.
 */
export const DEVICE = struct('device', [
  word('lock', 'driver lock (dmirror->mutex / driver->update): holder actor + 1'),
  word('sseq', "interval sseq == gseq (its callback ran in the current epoch)"),
  array('pt', 'pages', undefined, 'device page table entry: frame << 2 | DPT_* bits'),
  array('dma', 'pages', undefined, 'frame whose DMA mapping the device holds, 0 = none'),
  optional('flags', 'devFlags', 'dmirror->flags (when some thread issues HMM_DMIRROR_FLAGS)'),
]);

/** struct folio of one frame (frame 0 = none, 1 = the zero page, then system, then device frames) */
export const FRAME = struct('frame', [
  word('refcount', 'folio_ref_count'),
  word('mapcount', 'folio_mapcount'),
  word('pin', 'FOLL_PIN count (included in refcount)'),
  word('lock', 'PG_locked: holder actor + 1, 0 = unlocked'),
  word('lru', 'on an LRU list (not isolated)'),
  word('dirty', 'PG_dirty'),
  word('version', 'contents version'),
  word('lazy', "MADV_FREE'd (lazyfree, !PG_swapbacked): contents version then + 1; 0 = not lazyfree"),
]);

/** what one completed request returned */
export const RESULT = struct('result', [
  word('ret', 'return code (NOT_RUN until it completes)'),
  word('cpages', 'migrate_vma cpages'),
  word('faults', 'faults / retries / back-offs counted'),
  array('data', 'pages', undefined, 'contents version seen per page, -1 = not read'),
]);

/** one thread's registers: the request it runs and the layers of kernel calls it is inside */
export const ACTOR = struct('actor', [
  word('pc', 'label (program counter)'),
  word('req', 'index of the current request'),
  word('page', 'first page of the current request'),
  word('npages', 'npages of the current request'),
  word('cursor', 'walk cursor (page index)'),
  word('seqOk', 'notifier_seq == interval sseq (mmu_interval_read_begin ... read_retry)'),
  word('retryOk', '1 = read_retry passed under the driver lock, 2 = passed without it'),
  word('rc', 'result of the current request'),
  word('cpages'),
  word('faults'),
  word('retries'),
  word('write', 'current request wants write access'),
  word('mmapLock', '1 = holds mmap_lock for read, 2 = for write'),
  word('invMm', 'mm of the current invalidation (an rmap walk invalidates other mms)'),
  word('pinned', "frame pinned by this thread's last 'pin' (page << 8 | frame)"),
  // handle_mm_fault layer
  word('hmfPage'),
  word('hmfWrite'),
  word('hmfReturn', 'pc after handle_mm_fault'),
  word('hmfRc'),
  word('hmfFrame', 'new frame (wp_page_copy) / locked frame (do_swap_page, restore)'),
  // invalidation layer
  word('invEvent', 'mmu_notifier_event (| EV_NONBLOCK)'),
  word('invPage'),
  word('invNpages'),
  word('invOwner', 'device + 1 for MIGRATE/EXCLUSIVE owner, 0 = none'),
  word('invReturn', 'pc after the callbacks'),
  word('invAfter', 'pc after invalidate_range_end'),
  word('invCallback', 'next subscription (device) to call'),
  // migrate layer
  word('migKind', 'MIG_* (who called migrate_vma_*)'),
  word('migPage'),
  word('migNpages'),
  word('migOwner', 'pgmap owner (device)'),
  word('migFaultPage', 'fault_page frame (migrate_to_ram)'),
  word('migRc'),
  word('bgPage', 'background actor: page it works on'),
  word('bgFrame', 'migrate_pages: the source folio (its destination is in hmfFrame)'),
  word('snapshot', 'snapshot thread: 0 = no temporary notifier, 1 = inserted, 2 = inserted and sseq current'),
  array('pfn', 'pages', undefined, 'hmm_range.hmm_pfns[]'),
  array('src', 'pages', undefined, 'migrate_vma.src[]: frame << 4 | MPFN_*'),
  array('dst', 'pages', undefined, 'migrate_vma.dst[]: frame << 4 | MPFN_*'),
  array('tlb', 'pages', undefined, 'CPU TLB entry: frame << 1 | writable, 0 = none'),
  array('result', 'requests', RESULT),
]);

/** design 'v12' (model/hmm/v12/words.ts): struct hmm range and fault lists of one actor */
export const V12_ACTOR = struct('v12Actor', [
  word('inv', "the actor's CPU-side update of [invPage, +invNpages) is registered (hmm_notifier_invalidate_range_start .. _end)"),
  word('fault', '0 = none, 1 = its device fault is registered, 2 = registered and told to back off'),
]);
/** design 'v12': one mirror's hmm_pt */
export const V12_MIRROR = struct('v12Mirror', [
  array('pt', 'pages', undefined, 'hmm_pt entry: frame << 4 | HMM_PTE_VALID | WRITE | DIRTY | DEV'),
  array('dma', 'pages', undefined, "frame whose DMA mapping the entry's dma_addr_t stands for (0 = none)"),
]);
export const V12 = struct('v12', [
  word('ghostForkBackOff', 'ghost: HMM_FORK migrated device memory back (witness only)'),
  array('actor', 'actors', V12_ACTOR),
  array('mirror', 'devices', V12_MIRROR),
]);

/** features.swapCache: which frames are in the swap cache (kept apart so no other configuration grows) */
export const SWAP_CACHE = struct('swapCache', [
  array('slot', 'frames', undefined, 'per frame: 1 + the contents version its swap slot holds while the folio stays in the swap cache; 0 = not in it'),
]);

/** features.writeback: the flusher's budget and, per frame, what the last writeback put on disk */
export const WRITEBACK = struct('writeback', [
  word('budget', 'folios the flusher may still write back'),
  array('written', 'frames', undefined, 'ghost, per frame: 1 + the contents version its last writeback wrote (the "on disk" version); 0 = never written'),
]);

/** a device opened more than once: which fd each device page belongs to (kept apart so no other configuration grows) */
export const FRAME_FD = struct('frameFd', [
  array('fd', 'frames', undefined, "per frame: 1 + the fd whose migration allocated the device page (rpage->zone_device_data = dmirror); 0 = none"),
]);
