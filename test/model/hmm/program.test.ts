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

describe('guards', () => {
  it('every program counter has one: done never runs, a label without a guard always can', () => {
    const noop = (): void => {};
    const waits = (): boolean => false;
    const p = buildProgram({ cpu_access: noop }, [{ name: 'my_step', file: 'mm/x.c', fn: 'x', emits: [], body: noop, guard: waits }], { zap_pte_range: waits });
    expect(p.guards.length).toBe(p.labels.length);
    const s = new Int32Array(1);
    expect(p.guards[0]!(undefined, s, 0)).toBe(false);
    expect(p.guards[PC.cpu_access]!(undefined, s, 0)).toBe(true);
    expect(p.guards[PC.zap_pte_range]).toBe(waits);
    expect(p.guards[p.pc.my_step!]).toBe(waits);
    expect(() => buildProgram({}, [], { no_such_label: waits })).toThrow(/no label 'no_such_label' to give a guard to/);
    expect(() => buildProgram({}, [], { done: waits })).toThrow(/no label 'done' to give a guard to/);
  });

  it('the upstream and v12 programs guard the steps that wait (a sample: mmap_lock, the driver lock, the folio lock)', () => {
    for (const design of ['upstream', 'v12'] as const) {
      const prog = makeCtx({ ...base, design }).prog;
      for (const l of ['do_vmi_munmap', 'handle_mm_fault', 'range_fault_mutex_lock', 'mn_itree_invalidate', 'make_device_exclusive'] as const) {
        expect(prog.guards[PC[l]]!.name, `${design} ${l}`).not.toBe('alwaysEnabled');
      }
    }
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
