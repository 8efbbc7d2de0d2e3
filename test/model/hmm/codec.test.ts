/**
 * The HMM codec's zero-copy view must be exactly its encoding: every state on random walks
 * encodes to the same words it views, and the engine explores identical spaces either way.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { check, WordWriter } from '../../../checker/index.ts';
import { createHmmModel, type HmmConfig, type HmmState } from '../../../model/hmm/index.ts';
import { SCENARIOS } from '../../../specs/hmm/configs.ts';

const cfgs: HmmConfig[] = [
  { driver: 'reference', ...SCENARIOS.forkDevicePrivate } as HmmConfig,
  { driver: 'dmirror', ...SCENARIOS.migrateVsDeviceWrite } as HmmConfig,
];

describe('HMM codec view', () => {
  for (const cfg of cfgs) {
    const m = createHmmModel(cfg);
    it(`${cfg.driver}: view(s) equals encode(s) on random walks`, () => {
      const w = new WordWriter();
      fc.assert(
        fc.property(fc.array(fc.nat(), { maxLength: 60 }), (choices) => {
          let s: HmmState = m.initialStates()[0]!;
          for (const ch of choices) {
            w.reset();
            m.codec.encode(s, w);
            expect(Array.from(m.codec.view(s))).toEqual(Array.from(w.toArray()));
            const next: HmmState[] = [];
            m.successors(s, (_a, t) => next.push(t));
            if (next.length === 0) break;
            s = next[ch % next.length]!;
          }
        }),
        { numRuns: 50 },
      );
    });
    it(`${cfg.driver}: the engine explores the same space with and without the view`, () => {
      const { view: _view, ...encodeOnly } = m.codec;
      const a = check(m, [], { deadlock: 'count' });
      const b = check({ ...m, codec: encodeOnly }, [], { deadlock: 'count' });
      expect(b.stats).toMatchObject({ distinct: a.stats.distinct, transitions: a.stats.transitions, maxDepth: a.stats.maxDepth });
    });
  }
});
