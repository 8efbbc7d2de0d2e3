// Follows: Linux v6.19 — (no kernel file: the runnable context)
/**
 * The runnable model context: the design's step bodies (steps.ts, v12/steps.ts for design 'v12')
 * and the driver's callbacks (test_hmm.ts), handed to makeCtx. Kept apart from ctx.ts so the
 * step files, which all use ctx.ts, are never imported by it (no import cycle).
 */
import type { HmmConfig } from './config.ts';
import { type Ctx, makeCtx } from './ctx.ts';
import { upstreamSteps } from './steps.ts';
import { v12Steps } from './v12/steps.ts';
import { invalidateCallback, snapshotInvalidateCallback } from './test_hmm.ts';

export function makeModelCtx(cfg: HmmConfig): Ctx {
  const up = upstreamSteps();
  const bodies = cfg.design === 'v12' ? { ...up, ...v12Steps(up) } : up;
  return makeCtx(cfg, {
    bodies, invalidate: invalidateCallback,
    snapshotInvalidate: (c, s, t, d) => snapshotInvalidateCallback(c, s, c.snapActors[d - c.L.fds]!),
  });
}
