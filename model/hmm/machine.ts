// Follows: Linux v6.19 — (no kernel file: the runnable context)
/**
 * The runnable model context: the design's step bodies and guards (steps.ts, v12/steps.ts for design 'v12')
 * and the driver's callbacks (test_hmm.ts), handed to makeCtx. Kept apart from ctx.ts so the
 * step files, which all use ctx.ts, are never imported by it (no import cycle).
 */
import type { HmmConfig } from './config.ts';
import { type Ctx, makeCtx } from './ctx.ts';
import { upstreamGuards, upstreamSteps } from './steps.ts';
import { v12Guards, v12Steps } from './v12/steps.ts';
import { invalidateCallback, invalidateCallbackMayRun, snapshotInvalidateCallback, snapshotInvalidateMayRun } from './test_hmm.ts';

export function makeModelCtx(cfg: HmmConfig): Ctx {
  const up = upstreamSteps();
  const bodies = cfg.design === 'v12' ? { ...up, ...v12Steps(up) } : up;
  const upGuards = upstreamGuards();
  const guards = cfg.design === 'v12' ? { ...upGuards, ...v12Guards(upGuards) } : upGuards;
  return makeCtx(cfg, {
    bodies, guards, invalidate: invalidateCallback,
    snapshotInvalidate: (c, s, t, d) => snapshotInvalidateCallback(c, s, c.snapActors[d - c.L.fds]!),
    invalidateGuard: invalidateCallbackMayRun,
    snapshotInvalidateGuard: (c, s, _t, d) => snapshotInvalidateMayRun(c, s, c.snapActors[d - c.L.fds]!),
  });
}
