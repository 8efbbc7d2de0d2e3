/**
 * Program counters of the v12 steps (disjoint from layout.ts's PC, which stays below 100).
 * next.ts hands any pc ≥ V12_PC_BASE to v12/next.ts. Imports nothing.
 */
export const V12_PC_BASE = 100;

export const V12_PC = {
  // CPU-side update through struct hmm (any actor): hmm_notifier_invalidate_range_start,
  // one hmm_mirror_update per mirror, the PTE change (caller's pc), _range_end
  INV_START: 100,
  INV_UPDATE: 101,
  INV_END: 102,
  // device thread: access through the mirror, hmm_mirror_fault
  DEV_ACCESS: 110,
  FAULT_BEGIN: 111,
  FAULT_WALK: 112,
  FAULT_HMF_DONE: 113,
  FAULT_UPDATE: 114,
  // device thread: migration of private anonymous memory to device memory
  MIG_BEGIN: 120,
  MIG_COPY: 121,
  MIG_COMMIT: 122,
  // CPU fault on the special swap entry (migrate back), any actor in handle_mm_fault
  BACK_COPY: 130,
  BACK_MIRROR: 131,
  BACK_CPU: 132,
} as const;

export const V12_PC_NAMES: Record<number, string> = Object.fromEntries(Object.entries(V12_PC).map(([k, v]) => [v, `V12_${k}`]));
