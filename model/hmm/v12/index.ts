// Follows: HMM v12 posting (2016-03) — (no file of the posting: the design's public surface)
/** The v12 design's public surface (specs/ and test/ import from here). */
// vocabulary only: the offsets of v12's words are not public (read them with stateView(c).v12())
export {
  HMM_PTE_VALID, HMM_PTE_WRITE, HMM_PTE_DIRTY, HMM_PTE_DEV, hmmPteFrame, FAULT_NONE, FAULT_REGISTERED, FAULT_BACKOFF,
} from './words.ts';
export { V12_VARIANTS, V12_VARIANT_NAMES, type V12Behaviour, type V12Variant } from './variants.ts';
export {
  HMM_NONE, HMM_FORK, HMM_MIGRATE, HMM_MUNMAP, HMM_DEVICE_RFAULT, HMM_DEVICE_WFAULT, HMM_WRITE_PROTECT,
  HMM_ISDIRTY, HMM_EVENT_NAMES, EACCES, v12Beh, v12InvPending, updateInProgress, hmmEvent,
} from './hmm.ts';
