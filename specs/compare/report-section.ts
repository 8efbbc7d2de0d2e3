/**
 * The report's "v12 vs upstream" section (Markdown). `npm run report` (cli/commands/report.ts)
 * can pass its runs straight in: the input type is structural and a subset of
 * checker/report/html.ts's ReportRun, so this module needs nothing from cli/ or checker/report.
 *
 *   import { renderV12VsUpstream } from '../../specs/compare/report-section.ts';
 *   const md = renderV12VsUpstream(data.runs);   // '' when the compare spec was not run
 */
import { FAMILIES, MISTAKES, WORKLOAD_NOTES, type Family } from './mechanisms.ts';
import { WORKLOADS, WORKLOAD_NAMES, type WorkloadName } from './workloads.ts';

export const COMPARE_SPEC_ID = 'hmm-compare';

export interface SectionRow {
  readonly property: string;
  readonly verdict: string;
  readonly expected?: string;
  /** a counterexample (violated) or witness (sometimes): its length is reported */
  readonly trace?: { readonly steps: readonly unknown[] };
}

export interface SectionRun {
  readonly spec: string;
  readonly config: string;
  readonly status?: string;
  readonly stats: { readonly distinct: number; readonly seconds?: number };
  readonly rows: readonly SectionRow[];
}

const find = (runs: readonly SectionRun[], spec: string, config: string): SectionRun | undefined =>
  runs.find((r) => r.spec === spec && r.config === config);

const fmt = (n: number): string => n.toLocaleString('en-US');
const esc = (s: string): string => s.replace(/\|/g, '\\|');

/** "holds" / "violated (n steps)" / "—" for one family on one run */
function familyVerdict(run: SectionRun | undefined, props: readonly string[]): string {
  if (run === undefined) return 'not run';
  const rows = props.map((p) => run.rows.find((r) => r.property === p)).filter((r) => r !== undefined);
  if (rows.length === 0) return '—';
  const bad = rows.filter((r) => r.verdict !== 'holds');
  if (bad.length === 0) return 'holds';
  return bad.map((r) => `${r.verdict}${r.trace ? ` (${r.trace.steps.length - 1} steps)` : ''}`).join(', ');
}

function allMatch(run: SectionRun | undefined): string {
  if (run === undefined) return 'not run';
  const wrong = run.rows.filter((r) => r.expected !== undefined && r.expected !== r.verdict);
  const viol = run.rows.filter((r) => r.verdict === 'violated').length;
  const tag = wrong.length === 0 ? '✓' : `✗ ${wrong.length} unexpected`;
  return `${tag} ${run.rows.length - viol}/${run.rows.length} hold`;
}

function workloadTable(runs: readonly SectionRun[], w: WorkloadName): string[] {
  const up = find(runs, COMPARE_SPEC_ID, `upstream-${w}`);
  const v = find(runs, COMPARE_SPEC_ID, `v12-${w}`);
  const note = WORKLOAD_NOTES[w];
  const out = [
    `### ${w}`,
    '',
    `${WORKLOADS[w].title}.`,
    '',
    `- upstream: ${up ? `${fmt(up.stats.distinct)} distinct states` : 'not run'} — ${note.upstream}`,
    `- v12: ${v ? `${fmt(v.stats.distinct)} distinct states` : 'not run'} — ${note.v12}`,
    '',
    '| property | upstream | v12 | upstream relies on | v12 relies on |',
    '|---|---|---|---|---|',
  ];
  for (const f of FAMILIES) {
    out.push(`| ${f.id === 'deadlock' ? '' : `${f.id} `}${esc(f.title)} | ${familyVerdict(up, f.upstream)} | ${familyVerdict(v, f.v12)} | ${esc(f.mechanism.upstream)} | ${esc(f.mechanism.v12)} |`);
  }
  const witnesses = (run: SectionRun | undefined): string =>
    run === undefined ? 'not run' : run.rows.filter((r) => r.property.includes('w-')).map((r) => `${r.property} ${r.verdict}`).join('; ') || 'none';
  out.push('', `Witnesses (paths actually taken): upstream — ${witnesses(up)}; v12 — ${witnesses(v)}.`, '');
  return out;
}

function mistakeLines(runs: readonly SectionRun[], design: 'upstream' | 'v12'): string[] {
  const out = ['| mistake | config | must violate | observed |', '|---|---|---|---|'];
  for (const m of MISTAKES.filter((x) => x.design === design)) {
    const run = find(runs, m.spec, m.config);
    const observed = run === undefined
      ? 'not run'
      : m.violates.map((p) => {
        const r = run.rows.find((x) => x.property === p);
        return r === undefined ? `${p}: —` : `${p}: ${r.verdict}${r.trace ? ` (${r.trace.steps.length - 1} steps)` : ''}`;
      }).join('; ');
    out.push(`| ${esc(m.what)} (\`${m.variant}\`) | ${m.spec}/${m.config} | ${m.violates.join(', ')} | ${esc(observed)} |`);
  }
  return out;
}

/** Markdown for the "v12 vs upstream" section, or '' when the compare spec is not among the runs. */
export function renderV12VsUpstream(runs: readonly SectionRun[], headingLevel = 2): string {
  if (!runs.some((r) => r.spec === COMPARE_SPEC_ID)) return '';
  const h = '#'.repeat(headingLevel);
  const out: string[] = [
    `${h} v12 vs upstream`,
    '',
    'The same workloads on the two mirror designs, over one shared CPU-side mm model: the upstream protocol ' +
      '(driver-owned device page table, `mmu_interval_notifier` sequence retry, ZONE_DEVICE pages; hmm.rst reference driver) ' +
      'and the HMM v12 design of March 2016 (HMM-owned mirror page table with DMA addresses, fault-range tracking with ' +
      'back-off, `device->update(mirror, event)`, migration through a special swap entry without struct page). ' +
      'Properties carry the same S-numbers on both sides; "relies on" names the mechanism that makes each hold, and the ' +
      'mistakes below show what breaks when a driver or the core gets that mechanism wrong.',
    '',
    `${h}# Summary`,
    '',
    '| workload | upstream states | upstream verdicts | v12 states | v12 verdicts |',
    '|---|---:|---|---:|---|',
  ];
  for (const w of WORKLOAD_NAMES) {
    const up = find(runs, COMPARE_SPEC_ID, `upstream-${w}`);
    const v = find(runs, COMPARE_SPEC_ID, `v12-${w}`);
    out.push(`| ${w} | ${up ? fmt(up.stats.distinct) : '—'} | ${allMatch(up)} | ${v ? fmt(v.stats.distinct) : '—'} | ${allMatch(v)} |`);
  }
  out.push('', `${h}# Per workload and property`, '');
  for (const w of WORKLOAD_NAMES) out.push(...workloadTable(runs, w).map((l) => l.replace(/^### /, `${h}## `)));
  out.push(`${h}# What breaks when a driver or the core gets it wrong`, '', '**Upstream** (specs/hmm/reference.spec.ts):', '');
  out.push(...mistakeLines(runs, 'upstream'), '', '**v12** (specs/v12/v12.spec.ts):', '', ...mistakeLines(runs, 'v12'), '');
  out.push(
    `${h}# Reading it`,
    '',
    '- Upstream puts the burden of coherence on every driver: the read_begin / hmm_range_fault / lock / read_retry / program ' +
      'sequence and the callback\'s set_seq + erase + DMA unmap are driver code, so the driver mistakes (no retry, retry before ' +
      'the lock, no DMA unmap) each break S1–S3.',
    '- v12 kept that logic in HMM core (range tracking, hmm_pt, DMA map/unmap, dirty transfer), so the same guarantees depend on ' +
      'core code once; its mistakes are core mistakes (unregistered fault range, missing unmap or dirty transfer, PROT_NONE as ' +
      'write-protect, copy-back while the device writes) plus a new deadlock hazard that upstream does not have: a fault that ' +
      'keeps its range registered across handle_mm_fault waits for itself.',
    '- In v12 the device fault holds mmap_read_lock until hmm_pt is filled, so munmap/mprotect/fork cannot race it at all; only ' +
      'updates under mmap_read_lock or none (COW, NUMA hinting, reclaim, KSM, migration) exercise the range tracking.',
    '',
  );
  return out.join('\n');
}

export type { Family };
