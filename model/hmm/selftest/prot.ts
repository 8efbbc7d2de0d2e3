// Follows: Linux v6.19 — lib/test_hmm_uapi.h
/** HMM_DMIRROR_PROT_* (lib/test_hmm_uapi.h): the permission byte HMM_DMIRROR_SNAPSHOT returns per page. */
export const PROT = {
  ERROR: 0xff,
  NONE: 0x00,
  READ: 0x01,
  WRITE: 0x02,
  PMD: 0x04,
  PUD: 0x08,
  ZERO: 0x10,
  DEV_PRIVATE_LOCAL: 0x20,
  DEV_PRIVATE_REMOTE: 0x30,
  DEV_COHERENT_LOCAL: 0x40,
  DEV_COHERENT_REMOTE: 0x50,
} as const;
