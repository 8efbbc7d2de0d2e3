/**
 * Registration helper for the conformance suite: one vitest case per hmm-tests.c test and
 * fixture variant (hmm-reference section d numbers them). The device-coherent variants
 * (FIXTURE_VARIANT_ADD(hmm, hmm_device_coherent) and hmm2_device_coherent) are registered as
 * skipped: the model has no MEMORY_DEVICE_COHERENT pages.
 */
import { it } from 'vitest';

export const NO_COHERENT = 'device-coherent memory (MEMORY_DEVICE_COHERENT pages, SELECT_DEVICE_COHERENT) is not modelled';

export interface SelftestOptions {
  /** the selftest cannot be expressed yet: the reason names what the model lacks */
  readonly skip?: string;
  /** the model disagrees with the selftest; the reason is argued in model/hmm/FINDINGS.md */
  readonly fails?: string;
  /** the test has no device-coherent variant to register (it does not depend on the fixture) */
  readonly noCoherent?: boolean;
}

/** `fixture.name` (#num of section d): body runs against the device-private variant. */
export function selftest(num: number, fixture: 'hmm' | 'hmm2', name: string, body: () => void, o: SelftestOptions = {}): void {
  const title = `#${num} ${fixture}.${name} [${fixture}_device_private]`;
  if (o.skip !== undefined) it.skip(`${title} — skipped: ${o.skip}`, body);
  else if (o.fails !== undefined) it.fails(`${title} — model disagrees: ${o.fails}`, body);
  else it(title, body);
  if (o.noCoherent !== true) it.skip(`#${num} ${fixture}.${name} [${fixture}_device_coherent] — skipped: ${NO_COHERENT}`, body);
}
