/**
 * HMM violation notes name what breaks. Finding F5 (README, model/hmm/FINDINGS.md): the driver
 * maps the migrated page in finalize_and_map, and migrate_vma_finalize frees it as the 14th and
 * last step, so the S3 note must name the device PT entry, the frame it maps, and that frame
 * freed at step 14. The culprit search is checked against the invariant itself: clearing the
 * named entry makes the state satisfy S3.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { violationSentence } from '../../../checker/report/explain.ts';
import { presentTrace, resolveView } from '../../../checker/report/present.ts';
import { parseReplayPath, type ReplayPath } from '../../../checker/trace.ts';
import { replay } from '../../../checker/trace/replay-api.ts';
import { viewFor } from '../../../checker/spec.ts';
import { spec } from '../../../specs/hmm/reference.spec.ts';

const ROOT = join(import.meta.dirname, '../../..');

describe('F5 (dontneed-vs-migrate) explained', () => {
  const cfg = spec.configs['dontneed-vs-migrate']!;
  const itf = JSON.parse(readFileSync(join(ROOT, 'counterexamples/hmm-reference/dontneed-vs-migrate/s3-no-use-after-free.itf.json'), 'utf8')) as { '#meta': { replay: string } };
  const path = itf['#meta'].replay;
  const model = spec.createModel(cfg.params, 'dontneed-vs-migrate');
  const steps = replay(model, parseReplayPath(path)).steps;
  const t = presentTrace({ modelId: model.id, property: 's3-no-use-after-free', classification: 'counterexample', steps, replay: path as ReplayPath }, resolveView(viewFor(spec, cfg.params)), 'always');

  it('names the device PT entry and the frame freed at the last step (14)', () => {
    expect(steps.length - 1).toBe(14);
    expect(t.explanation).toMatch(/^dev0\.pt\[0\] = "f(\d+) \w+", while mm\.pte\[0\] = none and frame\[\1\] = free \(dev0\.pt\[0\] set at step \d+; mm\.pte\[0\] set at step \d+; frame\[\1\] set at step 14\)$/);
    expect(violationSentence(t)).toMatch(/^the state after step 14 breaks the invariant s3-no-use-after-free: dev0\.pt\[0\]/);
  });

  it('the named entry is the culprit: without it S3 holds', () => {
    const s3 = spec.properties(cfg.params).find((p) => p.name === 's3-no-use-after-free')!;
    const last = steps[steps.length - 1]!.state;
    expect(s3.kind === 'always' && s3.holds(last)).toBe(false);
    // the words whose clearing restores S3 must include one holding the named device mapping of frame f
    const frame = Number(/f(\d+)/.exec(t.explanation!)![1]);
    const restoring: number[] = [];
    for (let i = 0; i < last.length; i++) {
      const copy = last.slice();
      copy[i] = 0;
      if (s3.kind === 'always' && s3.holds(copy)) restoring.push(last[i]!);
    }
    expect(restoring.length).toBeGreaterThan(0);
    expect(frame).toBeGreaterThan(1);
  });
});
