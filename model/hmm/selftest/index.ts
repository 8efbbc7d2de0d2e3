// Follows: Linux v6.19 — tools/testing/selftests/mm/hmm-tests.c
export { Session, DmirrorFd, SessionError, type SessionOptions, type IoctlResult, type CpuResult } from './session.ts';
export { PROT } from './prot.ts';
export { runPrefix, createPrefixedModel, requestResult, allDone, type PrefixStep, type RequestResult } from './concurrent.ts';
