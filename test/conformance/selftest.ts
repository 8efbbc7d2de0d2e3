/**
 * Registration helper for the conformance suite: one vitest case per hmm-tests.c test and
 * fixture variant (hmm-reference section d numbers them). Every test of FIXTURE(hmm) and
 * FIXTURE(hmm2) runs against both variants: hmm_device_private (/dev/hmm_dmirror0,1) and
 * hmm_device_coherent (/dev/hmm_dmirror2,3 — MEMORY_DEVICE_COHERENT, config.deviceMemory).
 */
import { it } from 'vitest';
import type { SessionOptions } from '../../model/hmm/selftest/index.ts';

export interface Variant {
  readonly name: 'device_private' | 'device_coherent';
  readonly coherent: boolean;
  /** spread into every Session of the test */
  readonly session: Pick<SessionOptions, 'deviceMemory'>;
}

const VARIANTS: readonly Variant[] = [
  { name: 'device_private', coherent: false, session: { deviceMemory: 'private' } },
  { name: 'device_coherent', coherent: true, session: { deviceMemory: 'coherent' } },
];

export interface SelftestOptions {
  /** the selftest cannot be expressed yet (either variant): the reason names what the model lacks */
  readonly skip?: string;
  /** only the device-private variant cannot be expressed yet */
  readonly skipPrivate?: string;
  /** only the device-coherent variant cannot be expressed yet */
  readonly skipCoherent?: string;
}

/** `fixture.name` (#num of section d), registered once per fixture variant. */
export function selftest(num: number, fixture: 'hmm' | 'hmm2', name: string, body: (v: Variant) => void, o: SelftestOptions = {}): void {
  for (const v of VARIANTS) {
    const title = `#${num} ${fixture}.${name} [${fixture}_${v.name}]`;
    const skip = o.skip ?? (v.coherent ? o.skipCoherent : o.skipPrivate);
    if (skip !== undefined) it.skip(`${title} — skipped: ${skip}`, () => body(v));
    else it(title, () => body(v));
  }
}
