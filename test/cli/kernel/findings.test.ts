import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FINDING_TRACES } from '../../../cli/kernel/findings.ts';
import { planFromText } from '../../../cli/reproduce/plan.ts';
import { ROOT } from '../helpers.ts';

describe('FINDING_TRACES: what `npm run kernel` reproduces', () => {
  it('every finding names a committed trace the reproducer accepts, and a version gap', () => {
    for (const f of FINDING_TRACES) {
      expect(existsSync(join(ROOT, f.trace)), f.id).toBe(true);
      expect(() => planFromText(readFileSync(join(ROOT, f.trace), 'utf8'), f.trace), f.id).not.toThrow();
      expect(f.versionGap.length, f.id).toBeGreaterThan(20);
    }
  });

  it('F8 runs the one-device-two-fds trace, whose reproducer opens the device twice', () => {
    const f8 = FINDING_TRACES.find((f) => f.id === 'F8');
    expect(f8?.trace).toBe('counterexamples/hmm-dmirror/two-fds-one-device-migrate/s3-no-use-after-free.itf.json');
    const p = planFromText(readFileSync(join(ROOT, f8!.trace), 'utf8'), f8!.trace);
    expect(p.trace.files?.map((f) => f.device)).toEqual([0, 0]);
  });
});
