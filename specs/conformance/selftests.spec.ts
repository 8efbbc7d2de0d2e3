/**
 * hmm-tests.c under every interleaving (issue 6). The kernel runs each selftest once; here the
 * selftests with concurrency — a thread racing the device (anon_teardown), the CPU faulting
 * pages back while the device migrates (migrate_fault), two devices (double_map), a forked
 * child (exclusive_cow), a snapshot racing mprotect (compound) or NUMA hinting — plus background
 * core-mm activity (reclaim, NUMA hinting) are explored exhaustively, and the selftest's
 * assertions are checked in every terminal state:
 *
 *  - `<test>-outcome`: every assertion of the selftest (rc, cpages, faults, data);
 *  - `<test>-rc`: the return codes and cpages only;
 *  - `<test>-data`: only the data assertions (what was read equals what was written);
 *  - `snapshot-fresh` (snapshot configs): what dmirror_mkentry reports still holds when it runs —
 *    violated by a driver record defined below whose dmirror_snapshot_invalidate does not
 *    mmu_interval_set_seq (`snapshot-vs-numa-no-set-seq`).
 *
 * Where an `-outcome` property is expected `violated`, the counterexample is an interleaving the
 * sequential selftest never produces (see the config's description); the data properties hold
 * everywhere. Compaction (core-mm page migration) is not modelled.
 */
import { always, alwaysStep, defineSpec, type ExpectedVerdict, type Property, type SpecConfig } from '../../checker/index.ts';
import {
  makeCtx, DRIVER_VARIANTS, variantName, type DriverBehaviour, type Ctx, type HmmAction, type HmmConfig, type HmmState, pfnOff, pgOff, PG_KIND, PG_VAL, PG_FLAGS, PTE_PRESENT,
  PTE_ZERO, PTE_DEVPRIV, PF_W, PF_PROTNONE, HMM_PFN_PMD, ZERO_FRAME,
} from '../../model/hmm/index.ts';
import { createPrefixedModel, requestResult, allDone, type PrefixStep } from '../../model/hmm/selftest/index.ts';
import { hmmView } from '../hmm/presentation.ts';

type Scenario = 'anon_teardown' | 'migrate_fault' | 'double_map' | 'exclusive_cow' | 'compound' | 'snapshot'
  | 'migrate_partial_unmap_fault';

export interface ConformanceParams {
  readonly scenario: Scenario;
  readonly model: HmmConfig;
  readonly prefix: readonly PrefixStep[];
}

const eq = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((v, i) => v === b[i]);

/**
 * The selftest's assertions, evaluated in a terminal state: [all of them, the return codes and
 * cpages only, the data only].
 */
function assertions(c: Ctx, s: HmmState, sc: Scenario): [boolean, boolean, boolean] {
  const r = (t: number, q: number) => requestResult(c, s, t, q);
  switch (sc) {
    case 'anon_teardown': {
      // cpu0: munmap(page 1); dev (actor 1): READ pages 0-1.
      // if (rc == 0) { cpages == npages; faults == 1; mirror == ptr } — any error is accepted
      const rd = r(1, 0);
      if (rd.rc !== 0) return [true, true, true];
      return [rd.cpages === 2 && rd.faults === 1 && eq(rd.data, [1, 1]), rd.cpages === 2, eq(rd.data, [1, 1])];
    }
    case 'migrate_fault': {
      // dev (actor 1): MIGRATE_TO_DEV ×2 of pages 0-1; cpu0 (actor 0): reads page 0
      const m1 = r(1, 0);
      const m2 = r(1, 1);
      const cpu = r(0, 0);
      const data = cpu.data[0] === 1 && [m1, m2].every((m) => m.data.every((v) => v === -1 || v === 1));
      const rc = [m1, m2].every((m) => m.rc === 0 && m.cpages === 2) && cpu.rc === 0;
      const all = rc && [m1, m2].every((m) => eq(m.data, [1, 1]));
      return [all && data, rc, data];
    }
    case 'double_map': {
      // prefix: dev0 READ, dev1 READ; then dev1 (actor 1) MIGRATE_TO_DEV races dev0 (actor 0) READ
      const mig = r(1, 1);
      const rd = r(0, 1);
      const data = rd.data.every((v) => v === -1 || v === 1) && mig.data.every((v) => v === -1 || v === 1);
      const rc = mig.rc === 0 && mig.cpages === 2 && rd.rc === 0 && rd.cpages === 2;
      const all = rc && rd.faults === 1 && eq(rd.data, [1, 1]);
      return [all && data, rc, data];
    }
    case 'compound': {
      // hugetlb pages, SNAPSHOT (dev, actor 1) racing mprotect(PROT_READ) (cpu0, actor 0): every
      // page WRITE|PMD (before) or every page READ|PMD (after) — never a mix (the temporary
      // interval notifier makes the snapshot retry)
      const sn = r(1, 0);
      const all = (v: number) => sn.data.every((x) => x === v);
      const data = all(0x02 | 0x04) || all(0x01 | 0x04);
      return [sn.rc === 0 && sn.cpages === 2 && data, sn.rc === 0 && sn.cpages === 2, data];
    }
    case 'migrate_partial_unmap_fault': {
      // device THP: MIGRATE_TO_DEV of a PMD (dev, actor 1) racing munmap of its second half and a
      // CPU read of the first half (cpu0, actor 0): the read sees the data, whatever the order
      const mig = r(1, 0);
      const rd = r(0, 1);
      const data = rd.rc === 0 && rd.data[0] === 1 && mig.data.every((x) => x === -1 || x === 1);
      const rc = mig.rc === 0 && mig.cpages === 2;
      return [rc && data, rc, data];
    }
    case 'snapshot': {
      // SNAPSHOT (dev, actor 0) of 2 pages under NUMA hinting: it succeeds (the retries are
      // bounded by the NUMA budget)
      const sn = r(0, 0);
      const ok = sn.rc === 0 && sn.cpages === 2;
      return [ok, ok, true];
    }
    case 'exclusive_cow': {
      // prefix: EXCLUSIVE; parent (actor 0): fork, read, write, read; child (actor 1): read, write, read
      const ok = (t: number, q0: number) =>
        r(t, q0).data[0] === 1 && r(t, q0 + 1).rc === 0 && r(t, q0 + 2).data[0] === 2;
      const data = ok(0, 1) && ok(1, 0);
      const rc = r(0, 0).rc === 0 && r(0, 2).rc === 0 && r(1, 1).rc === 0;
      return [data && rc, rc, data];
    }
  }
}

/**
 * When dmirror_range_snapshot turns hmm_pfns[] into permission bytes (under dmirror->mutex, after
 * mmu_interval_read_retry said no invalidation of the interval happened since read_begin), every
 * page it reports valid is still mapped to that page by the CPU, and every page it reports
 * writable is still writable: permission downgrades always invalidate, so a stale snapshot means
 * the temporary interval notifier missed one.
 */
function snapshotFresh(c: Ctx, s: HmmState, a: HmmAction): boolean {
  if (a.kind !== 'dmirror_mkentry') return true;
  const L = c.L;
  const act = L.actors[a.actor]!;
  const req = c.reqs[a.actor]![s[act.base + 1]!]!;
  for (let pg = req.page; pg < req.page + req.npages; pg++) {
    const p = s[pfnOff(L, a.actor, pg)]!;
    if (p <= 0 || (p & 1) === 0) continue; // HMM_PFN_ERROR or not valid: nothing claimed
    const f = (p & ~HMM_PFN_PMD) >> 2;
    const o = pgOff(L, act.mm, pg);
    const k = s[o + PG_KIND]!;
    const fl = s[o + PG_FLAGS]!;
    const mapped = (k === PTE_PRESENT && s[o + PG_VAL] === f && (fl & PF_PROTNONE) === 0) ||
      (k === PTE_ZERO && f === ZERO_FRAME) || (k === PTE_DEVPRIV && s[o + PG_VAL] === f);
    if (!mapped) return false;
    if ((p & 2) !== 0 && (fl & PF_W) === 0) return false;
  }
  return true;
}

function properties(p: ConformanceParams): readonly Property<HmmState, HmmAction>[] {
  const c = makeCtx(p.model);
  const name = p.scenario.replaceAll('_', '-');
  const extra = p.scenario === 'snapshot' || p.scenario === 'compound'
    ? [alwaysStep<HmmState, HmmAction>('snapshot-fresh', (s, a) => snapshotFresh(c, s, a),
      'the permissions a snapshot reports still hold when dmirror_mkentry writes them')]
    : [];
  return [
    ...extra,
    always<HmmState>(`${name}-outcome`, (s) => !allDone(c, s) || assertions(c, s, p.scenario)[0],
      `when every thread is done, all of hmm-tests.c ${p.scenario}'s assertions hold`),
    always<HmmState>(`${name}-rc`, (s) => !allDone(c, s) || assertions(c, s, p.scenario)[1],
      `when every thread is done, every call of ${p.scenario} returned 0 with cpages == npages (or an accepted error)`),
    always<HmmState>(`${name}-data`, (s) => !allDone(c, s) || assertions(c, s, p.scenario)[2],
      `when every thread is done, the data ${p.scenario} reads is what was written`),
  ];
}

/** A driver variant defined in this spec (HmmConfig.driver takes a full DriverBehaviour record). */
const snapshotNoSetSeq: DriverBehaviour = { ...DRIVER_VARIANTS.dmirror, name: 'dmirror-snapshot-no-set-seq', snapshotSetsSeq: false };

function cfg(
  scenario: Scenario, model: HmmConfig, prefix: readonly PrefixStep[], outcome: ExpectedVerdict, rc: ExpectedVerdict,
  description: string, fresh: ExpectedVerdict = 'holds',
): SpecConfig<ConformanceParams> {
  const name = scenario.replaceAll('_', '-');
  return {
    params: { scenario, model, prefix },
    check: { strategy: 'bfs' },
    expect: {
      [`${name}-outcome`]: outcome, [`${name}-rc`]: rc, [`${name}-data`]: 'holds', 'deadlock-free': 'holds',
      ...(scenario === 'snapshot' || scenario === 'compound' ? { 'snapshot-fresh': fresh } : {}),
    },
    description,
  };
}

const teardown = (features: HmmConfig['features'] = {}): HmmConfig => ({
  driver: 'dmirror', pages: 2, frames: 3, initial: ['rw', 'rw'], features, budgets: { reclaim: 1, numa: 1 },
  cpu: [{ ops: [{ op: 'munmap', page: 1 }] }],
  dev: [{ ops: [{ op: 'read', page: 0, npages: 2 }] }],
});

const migrateFault = (features: HmmConfig['features'] = {}): HmmConfig => ({
  driver: 'dmirror', pages: 2, frames: 4, devFrames: 2, initial: ['rw', 'rw'], features, budgets: { reclaim: 1, numa: 1 },
  cpu: [{ ops: [{ op: 'read', page: 0 }] }],
  dev: [{ ops: [{ op: 'migrateToDev', page: 0, npages: 2 }, { op: 'migrateToDev', page: 0, npages: 2 }] }],
});

const doubleMap = (features: HmmConfig['features'] = {}): HmmConfig => ({
  driver: 'dmirror', pages: 2, frames: 4, devFrames: 2, devices: 2, prot: 'read', initial: ['ro', 'ro'], features,
  budgets: { numa: 1 },
  dev: [
    { device: 0, ops: [{ op: 'read', page: 0, npages: 2 }, { op: 'read', page: 0, npages: 2 }] },
    { device: 1, ops: [{ op: 'read', page: 0, npages: 2 }, { op: 'migrateToDev', page: 0, npages: 2 }] },
  ],
});

const exclusiveCow = (features: HmmConfig['features'] = {}): HmmConfig => ({
  driver: 'dmirror', pages: 1, frames: 3, initial: ['rw'], features: { fork: true, exclusive: true, ...features },
  budgets: { numa: 1 },
  cpu: [
    { ops: [{ op: 'fork' }, { op: 'read', page: 0 }, { op: 'write', page: 0 }, { op: 'read', page: 0 }] },
    { mm: 1, ops: [{ op: 'read', page: 0 }, { op: 'write', page: 0 }, { op: 'read', page: 0 }] },
  ],
  dev: [{ ops: [{ op: 'exclusive', page: 0 }] }],
});

export const spec = defineSpec<ConformanceParams, HmmState, HmmAction>({
  id: 'hmm-selftests',
  title: 'hmm-tests.c under every interleaving (dmirror, device-private)',
  configs: {
    'anon-teardown': cfg('anon_teardown', teardown(), [], 'holds', 'holds',
      '#19: munmap of the second half races the device READ'),
    'anon-teardown-reclaim': cfg('anon_teardown', teardown({ reclaim: true }), [], 'violated', 'holds',
      '#19 + reclaim: try_to_unmap between dmirror_do_fault and dmirror_do_read erases the mirror entry; the READ faults twice (faults == 2), data still right'),
    'anon-teardown-numa': cfg('anon_teardown', teardown({ numa: true }), [], 'violated', 'holds',
      '#19 + NUMA hinting: change_prot_numa invalidates the mirror after its fault; faults == 2'),
    'migrate-fault': cfg('migrate_fault', migrateFault(), [], 'violated', 'violated',
      '#13 with the CPU read concurrent: a CPU fault-back (migrate_to_ram erases the mirror entry) between migrate_vma_finalize and the read-back makes MIGRATE_TO_DEV return -ENOENT'),
    'double-map': cfg('double_map', doubleMap(), [{ actor: 0, requests: 1 }, { actor: 1, requests: 1 }], 'violated', 'violated',
      '#23 with dev1\'s migration racing dev0\'s READ: dev0 reads before the migration erased its entries (faults == 0), or faults pages back before dev1\'s read-back (MIGRATE_TO_DEV → -ENOENT)'),
    'double-map-numa': cfg('double_map', doubleMap({ numa: true }), [{ actor: 0, requests: 1 }, { actor: 1, requests: 1 }], 'violated', 'violated',
      '#23 + NUMA hinting'),
    'migrate-fault-reclaim': cfg('migrate_fault', migrateFault({ reclaim: true }), [], 'violated', 'violated',
      '#13 concurrent + reclaim (try_to_unmap of the system pages before or after they come back)'),
    'anon-teardown-reclaim-numa': cfg('anon_teardown', teardown({ reclaim: true, numa: true }), [], 'violated', 'holds',
      '#19 + reclaim + NUMA hinting'),
    'migrate-fault-coherent': cfg('migrate_fault', { ...migrateFault(), deviceMemory: 'coherent' }, [], 'holds', 'holds',
      '#13 concurrent, device-coherent variant: the CPU reads device memory in place (no fault-back), so both migrations return cpages == npages in every interleaving'),
    'double-map-coherent': cfg('double_map', { ...doubleMap(), deviceMemory: 'coherent' },
      [{ actor: 0, requests: 1 }, { actor: 1, requests: 1 }], 'violated', 'holds',
      '#23 concurrent, device-coherent variant: dev0 may read before the migration (faults == 0), but no call fails'),
    'compound-vs-mprotect': cfg('compound', {
      driver: 'dmirror', pages: 2, frames: 3, mapping: 'hugetlb', initial: ['rw', 'rw'],
      cpu: [{ ops: [{ op: 'mprotect', page: 0, npages: 2, prot: 'read' }] }],
      dev: [{ ops: [{ op: 'snapshot', page: 0, npages: 2 }] }],
    }, [], 'holds', 'holds', '#22 with the mprotect concurrent: the snapshot is all WRITE|PMD or all READ|PMD'),
    'snapshot-vs-numa': cfg('snapshot', {
      driver: 'dmirror', pages: 2, frames: 2, initial: ['rw', 'rw'], features: { numa: true }, budgets: { numa: 2, retries: 2 },
      dev: [{ ops: [{ op: 'snapshot', page: 0, npages: 2 }] }],
    }, [], 'holds', 'holds', 'HMM_DMIRROR_SNAPSHOT racing NUMA hinting (change_prot_numa takes mmap_lock for read only): the temporary notifier makes a snapshot that saw a protnone change retry'),
    'partial-unmap-thp': cfg('migrate_partial_unmap_fault', {
      driver: 'dmirror', pages: 2, frames: 4, devFrames: 2, mapping: 'thp', initial: ['rw', 'rw'],
      features: { deviceThp: true },
      cpu: [{ ops: [{ op: 'munmap', page: 1 }, { op: 'read', page: 0 }] }],
      dev: [{ ops: [{ op: 'migrateToDev', page: 0, npages: 2 }] }],
    }, [], 'violated', 'violated',
    '#33 concurrent with device THP: munmap of half the PMD (split) races its migration; MIGRATE_TO_DEV fails when the munmap comes first (-EINVAL once page 0, the VMA before the hole, has migrated) or between finalize and read-back (-ENOENT), the data is never lost'),
    'snapshot-vs-numa-no-set-seq': cfg('snapshot', {
      driver: snapshotNoSetSeq, pages: 2, frames: 2, initial: ['rw', 'rw'], features: { numa: true }, budgets: { numa: 2, retries: 2 },
      dev: [{ ops: [{ op: 'snapshot', page: 0, npages: 2 }] }],
    }, [], 'holds', 'holds', 'a driver record defined here: dmirror whose snapshot callback does not mmu_interval_set_seq — snapshot-fresh is violated', 'violated'),
    'exclusive-cow': cfg('exclusive_cow', exclusiveCow(), [{ actor: 2, requests: 1 }], 'holds', 'holds',
      '#26: parent and child increment concurrently after fork of an exclusive (atomic) page'),
    'exclusive-cow-numa': cfg('exclusive_cow', exclusiveCow({ numa: true }), [{ actor: 2, requests: 1 }], 'holds', 'holds',
      '#26 + NUMA hinting on the parent'),
  },
  createModel(params, name) {
    return createPrefixedModel(params.model, params.prefix, `hmm-selftests/${name}@${variantName(params.model)}`);
  },
  properties,
  view: (params) => hmmView(params.model),
});

export default spec;
