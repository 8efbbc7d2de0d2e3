/** What the multi-worker tests compare: a run as its user sees it, and the properties they check on BEEM models. */
import type { CheckResult } from '../../../../checker/index.ts';
import type { WordProperty } from './dve-source.ts';

/** Two invariants, a witness and a step property over state words chosen by a fixed rule (whatever they find, one worker and many must agree). */
export function propertiesFor(width: number): WordProperty[] {
  const last = width - 1;
  const mid = width >> 1;
  return [
    { kind: 'always', name: 'last-not-1', word: last, value: 1 },
    { kind: 'always', name: 'mid-not-2', word: mid, value: 2 },
    { kind: 'sometimes', name: 'first-1-and-last-0', word: 0, value: 1, word2: last, value2: 0 },
    // violated by many transitions of a level, in several partitions at once: the first must be the smallest key
    { kind: 'step', name: 'first-never-becomes-1', word: 0, value: 1 },
  ];
}


/** Everything a user sees of a run except time and memory. */
export function observable(r: CheckResult<unknown, unknown>): unknown {
  const { elapsedMs: _e, peakRssBytes: _p, bytesPerState: _b, ...stats } = r.stats;
  return {
    status: r.status,
    reason: r.incompleteReason,
    ok: r.ok,
    stats,
    properties: r.properties.map((p) => ({ name: p.name, verdict: p.verdict, detail: p.detail, replay: p.trace?.replay, neverTrue: 'neverTrue' in p ? p.neverTrue : undefined })),
  };
}

