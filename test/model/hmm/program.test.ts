/**
 * Program counters come from the label table, never from hand numbering: every label has its own
 * pc, every reachable label has a body in each design, and a patch's labels are numbered after
 * the declared ones. The last test is the regression of the v12/upstream pc collision: v12's pcs
 * were numbered from 100 by hand, as were migrate_pages' (100–102) and the OOM reaper's (110–112),
 * so a v12 model with compaction ran v12's hmm_notifier_invalidate_range_start where the kernel
 * runs migrate_folio_unmap.
 */
import { describe, expect, it } from 'vitest';
import { createHmmModel, type HmmConfig } from '../../../model/hmm/index.ts';
import { LABELS, LABEL_NAMES, PC } from '../../../model/hmm/labels.ts';
import { buildProgram } from '../../../model/hmm/program.ts';
import { makeModelCtx as makeCtx } from '../../../model/hmm/machine.ts';
import { succs, init } from './steps/helpers.ts';

const base: HmmConfig = { driver: 'reference', pages: 1, frames: 2, initial: ['rw'], cpu: [{ ops: [{ op: 'read', page: 0 }] }] };

describe('program counters', () => {
  it('are the positions of the labels: distinct, dense, done = 0', () => {
    expect(new Set(LABEL_NAMES).size).toBe(LABEL_NAMES.length);
    LABEL_NAMES.forEach((l, i) => expect(PC[l]).toBe(i));
    expect(PC.done).toBe(0);
    expect(new Set(Object.values(PC)).size).toBe(LABEL_NAMES.length);
  });

  it('every upstream label has a body in the upstream program, and only v12 labels lack one', () => {
    const prog = makeCtx(base).prog;
    const missing = LABEL_NAMES.filter((l) => l !== 'done' && prog.table[PC[l]] === undefined);
    expect(missing.every((l) => LABELS[l].file.startsWith('v12:'))).toBe(true);
    expect(missing.length).toBeGreaterThan(0);
  });

  it('every label has a body in the v12 program', () => {
    const prog = makeCtx({ ...base, design: 'v12' }).prog;
    expect(LABEL_NAMES.filter((l) => l !== 'done' && prog.table[PC[l]] === undefined)).toEqual([]);
  });

  it('a patch label is numbered after the declared ones; unknown labels and clashes are refused', () => {
    const noop = (): void => {};
    const p = buildProgram({}, [{ name: 'my_step', file: 'mm/x.c', fn: 'x', emits: ['cpu_access'], body: noop }]);
    expect(p.pc.my_step).toBe(LABEL_NAMES.length);
    expect(p.labels[LABEL_NAMES.length]).toBe('my_step');
    expect(() => buildProgram({ no_such_label: noop })).toThrow(/no label 'no_such_label'/);
    expect(() => buildProgram({}, [{ name: 'cpu_access', file: '', fn: '', emits: [], body: noop }])).toThrow(/already exists/);
    expect(() => buildProgram({ done: noop })).toThrow(/'done' is not a step/);
  });
});

describe('v12 design with compaction (regression: hand-numbered pcs collided)', () => {
  it('kcompactd runs migrate_pages steps, its invalidation through the v12 mirror', () => {
    const cfg: HmmConfig = {
      driver: 'reference', design: 'v12', pages: 1, frames: 3, devFrames: 1, initial: ['rw'],
      features: { compaction: true }, budgets: { compaction: 1 },
    };
    const m = createHmmModel(cfg);
    let s = init(m);
    const kinds: string[] = [];
    for (let i = 0; i < 12; i++) {
      const next = succs(m, s).find((e) => e.a.actor === 0);
      if (next === undefined) break;
      kinds.push(next.a.kind);
      s = next.n;
    }
    // migrate_pages' CLEAR invalidation goes through the v12 mirror (its notifier), the PTE work
    // stays core-mm's
    expect(kinds).toEqual([
      'isolate_migratepages_block', 'migrate_folio_unmap', 'hmm_notifier_invalidate_range_start', 'hmm_mirror_update',
      'try_to_migrate_one', 'hmm_notifier_invalidate_range_end', 'migrate_folio_move',
    ]);
  });
});
