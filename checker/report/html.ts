/**
 * The design-review report: one self-contained HTML page (inline CSS and SVG, no script, no
 * network) and its Markdown twin. Input is plain data (ReportData) assembled by the CLI from
 * check results, so this file is a pure function and its output can be pinned by tests.
 *
 * Sections: tool and model version; verdicts; configurations, bounds and state counts; action
 * coverage (kinds that never fired are flagged as a modelling gap); every counterexample with its
 * sequence diagram and steps.
 */
import { markdownToHtml } from './markdown-html.ts';
import { match } from 'ts-pattern';
import { violationSentence } from './explain.ts';
import { cell, isWebUrl, toMarkdown } from './markdown.ts';
import { toMermaid, toSequence } from './mermaid.ts';
import type { PresentedKind, PresentedTrace } from './present.ts';
import { escapeXml, toSvg } from './svg.ts';
import { formatChange, formatItf } from './values.ts';
import type { SourceLink } from './view.ts';

/**
 * One verdict as every writer records it: a row of the report and, with its check's name and
 * figures around it, a `results[]` entry of `--json` (cli/output/verdict-record.ts builds both).
 */
export interface VerdictRecord {
  readonly property: string;
  readonly kind: PresentedKind;
  readonly description?: string;
  readonly expected: 'holds' | 'violated';
  readonly verdict: 'holds' | 'violated' | 'incomplete';
  readonly match: boolean;
  /** replay path of the counterexample (violations only) */
  readonly counterexample: string | null;
  /** display paths of the counterexample files */
  readonly files: { readonly itf: string; readonly md: string; readonly mmd: string } | null;
  readonly detail: string;
}

export interface ReportRow extends VerdictRecord {
  readonly trace?: PresentedTrace;
}

export interface ReportRun {
  readonly spec: string;
  readonly title?: string;
  readonly config: string;
  readonly description?: string;
  readonly file: string;
  readonly modelId: string;
  readonly params: string;
  readonly bounds: Readonly<Record<string, string>>;
  readonly status: string;
  readonly stats: {
    readonly distinct: number;
    readonly transitions: number;
    readonly maxDepth: number;
    readonly deadlocks: number;
    readonly seconds: number;
    readonly peakRssMB: number;
  };
  readonly rows: readonly ReportRow[];
  readonly coverage?: Readonly<Record<string, number>>;
  readonly actionKinds?: readonly string[];
  /** its expected violations are findings about the real system, not a deliberately broken variant */
  readonly finding?: boolean;
  /** the view's glossary of state encodings */
  readonly legend?: readonly (readonly [string, string])[];
}

export interface ReportData {
  readonly tool: { readonly name: string; readonly version: string; readonly commit: string; readonly dirty: boolean };
  readonly generatedAt: string;
  readonly runtime: string;
  readonly runs: readonly ReportRun[];
  /** set when the run was cut short (Ctrl-C): the report says so at the top */
  readonly interrupted?: boolean;
  /** sections contributed by specs (e.g. "v12 vs upstream"), Markdown with a level-2 heading; placed before the counterexamples */
  readonly sections?: readonly { readonly id: string; readonly markdown: string }[];
  /**
   * true when --spec/--config/--property selected part of the specs: action kinds that never fired
   * may belong to specs that did not run, so they are listed but not flagged as modelling gaps
   */
  readonly partial?: boolean;
  /** where the results came from when not from this run (report --from FILE) */
  readonly source?: string;
}

export interface CoverageLine {
  readonly kind: string;
  /** transitions this kind produced, summed over the spec's configurations */
  readonly count: number;
  /** in how many of the spec's configurations it fired at least once */
  readonly configsFired: number;
  /** declared by the view but fired in no configuration of any spec in the report (models are shared across specs) */
  readonly gap: boolean;
}

export interface SpecCoverage {
  readonly spec: string;
  readonly configs: number;
  readonly lines: readonly CoverageLine[];
}

/**
 * Coverage per spec, not per configuration: a configuration exercises only the features it
 * enables, so a kind silent in one configuration says nothing. Specs share models (hmm-reference,
 * hmm-dmirror, the v12 and conformance specs all run model/hmm), so a kind is a gap only when it
 * fired nowhere in the whole report: dead code or bounds too small, to explain in review.
 * Declared kinds come first (in the view's order), then any other kind that fired, alphabetically.
 */
export function specCoverage(runs: readonly ReportRun[], partial = false): SpecCoverage[] {
  const bySpec = new Map<string, ReportRun[]>();
  for (const r of runs) {
    if (r.coverage === undefined && r.actionKinds === undefined) continue;
    const list = bySpec.get(r.spec) ?? [];
    list.push(r);
    bySpec.set(r.spec, list);
  }
  const firedAnywhere = new Set<string>();
  for (const r of runs) for (const [k, n] of Object.entries(r.coverage ?? {})) if (n > 0) firedAnywhere.add(k);
  return [...bySpec].map(([spec, list]) => {
    const declared: string[] = [];
    const seen = new Set<string>();
    for (const r of list) for (const k of r.actionKinds ?? []) if (!seen.has(k)) (seen.add(k), declared.push(k));
    const fired = new Set<string>();
    for (const r of list) for (const k of Object.keys(r.coverage ?? {})) fired.add(k);
    const kinds = [...declared, ...[...fired].filter((k) => !seen.has(k)).sort()];
    const lines = kinds.map((kind) => {
      let count = 0;
      let configsFired = 0;
      for (const r of list) {
        const n = r.coverage?.[kind] ?? 0;
        count += n;
        if (n > 0) configsFired++;
      }
      return { kind, count, configsFired, gap: !partial && !firedAnywhere.has(kind) };
    });
    return { spec, configs: list.length, lines };
  });
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

/** JSON without the quotes: `{ op: write, page: 0 }`. */
function plain(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(plain).join(', ')}]`;
  if (v !== null && typeof v === 'object') return `{ ${Object.entries(v).map(([k, x]) => `${k}: ${plain(x)}`).join(', ')} }`;
  return String(v);
}

/** A configuration's parameters for people: one `key: value` line per field, nested records flattened one level. */
export function readableParams(json: string): string[] {
  let v: unknown;
  try {
    v = JSON.parse(json);
  } catch {
    return [json];
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return [plain(v)];
  const out: string[] = [];
  for (const [k, x] of Object.entries(v)) {
    if (x !== null && typeof x === 'object' && !Array.isArray(x)) for (const [k2, y] of Object.entries(x)) out.push(`${k}.${k2}: ${plain(y)}`);
    else out.push(`${k}: ${plain(x)}`);
  }
  return out;
}
const esc = escapeXml;
/** Each part escaped (anything but letters, digits and '-' becomes _hex), joined by '.', which the escape removes from parts: distinct runs get distinct anchors. */
const anchorPart = (s: string): string => s.replace(/[^A-Za-z0-9-]/g, (ch) => `_${ch.charCodeAt(0).toString(16)}`);
export const anchor = (run: Pick<ReportRun, 'spec' | 'config'>, row: Pick<ReportRow, 'property'>): string =>
  `cx.${anchorPart(run.spec)}.${anchorPart(run.config)}.${anchorPart(row.property)}`;

function verdictClass(row: ReportRow): string {
  return match(row.verdict)
    .with('incomplete', () => 'unknown')
    .with('holds', 'violated', () => (row.match ? 'ok' : 'bad'))
    .exhaustive();
}

function summary(d: ReportData): { rows: number; bad: number; gaps: number } {
  let rows = 0;
  let bad = 0;
  let gaps = 0;
  for (const r of d.runs) {
    rows += r.rows.length;
    bad += r.rows.filter((x) => !x.match).length;
  }
  const gapKinds = new Set<string>();
  for (const c of specCoverage(d.runs, d.partial)) for (const l of c.lines) if (l.gap) gapKinds.add(l.kind);
  gaps = gapKinds.size;
  return { rows, bad, gaps };
}

const CSS = `
tr.loop td{background:#fff4d6}.loopnote{color:#8a5a00}
body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1d2433;margin:0;background:#f6f7f9}
main{max-width:1280px;margin:0 auto;padding:24px 32px 64px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:19px;margin:36px 0 10px;border-bottom:2px solid #d8dde6;padding-bottom:4px}
h3{font-size:16px;margin:24px 0 6px}h4{font-size:14px;margin:14px 0 6px}
code,.mono{font-family:ui-monospace,'DejaVu Sans Mono',Menlo,monospace;font-size:12.5px}
table{border-collapse:collapse;margin:6px 0 12px;background:#fff}
th,td{border:1px solid #d8dde6;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#eef1f6;font-weight:600}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.meta{color:#555}.meta td{border:none;padding:1px 12px 1px 0;background:none}.meta table{background:none}
.banner{padding:10px 14px;border-radius:6px;margin:14px 0;font-weight:600}
.banner.ok{background:#e3f4e6;color:#17612a;border:1px solid #9fd3aa}.banner.bad{background:#fde2e1;color:#8b1a10;border:1px solid #f0a8a2}
.banner.warn{background:#fff4d6;color:#6b4e00;border:1px solid #e8cf7a}
.v{font-weight:600;padding:1px 6px;border-radius:4px}
.v.ok{background:#e3f4e6;color:#17612a}.v.bad{background:#fde2e1;color:#8b1a10}.v.unknown{background:#fff4d6;color:#6b4e00}
tr.gap td{background:#fde2e1;color:#8b1a10}
.cx{background:#fff;border:1px solid #d8dde6;border-radius:6px;padding:4px 18px 14px;margin:18px 0}
.diagram{border:1px solid #eef1f6;padding:8px;background:#fcfcfd}
.diagram svg{display:block;max-width:100%;height:auto}
th{position:sticky;top:0;z-index:1;box-shadow:0 1px 0 #d8dde6}
table.legend td:first-child{white-space:nowrap}
.breaks{margin:4px 0 8px;padding-left:18px}
.changes{margin:0;padding-left:16px}
.small{font-size:12px;color:#666}
td code{word-break:break-word}
.configs td:nth-child(2){max-width:420px}
table.matrix td,table.matrix th{text-align:center}
table.matrix td:first-child{text-align:left;min-width:160px}
th.prop{vertical-align:bottom;padding:4px 2px}
th.prop div{writing-mode:vertical-rl;transform:rotate(180deg);white-space:nowrap;font:12px ui-monospace,'DejaVu Sans Mono',monospace}
.cell{font-weight:700;width:22px}
.cell.holds{color:#17612a;background:#eef8f0}.cell.violated{color:#b3261e;background:#fdecea}.cell.incomplete{color:#6b4e00;background:#fff4d6}
.cell a{color:inherit;text-decoration:none}
.cell.mismatch{outline:3px solid #d93025;outline-offset:-3px}
td.na{color:#bbb}
span.cell{display:inline-block;text-align:center;border-radius:3px}
@media print{
@page{size:A4;margin:12mm}
body{background:#fff;font-size:11px}
main{max-width:none;padding:0}
th{position:static;box-shadow:none}
h2,h3,h4{break-after:avoid}
tr{break-inside:avoid}
.cx{border:none;border-top:1px solid #d8dde6;border-radius:0;padding:0;margin:10px 0}
.diagram{border:none;padding:0;background:none}
.diagram svg{max-height:260mm}
a{color:inherit;text-decoration:none}
.banner{border-width:1px}
td code{word-break:break-all}
}
`;

export function toHtml(d: ReportData): string {
  const s = summary(d);
  const out: string[] = [];
  out.push('<!doctype html>', '<html lang="en"><head><meta charset="utf-8">', '<meta name="viewport" content="width=device-width, initial-scale=1">');
  out.push(`<title>hmm-check report — ${esc(d.tool.commit)}</title>`, `<style>${CSS}</style></head><body><main>`);
  out.push('<h1>hmm-check design-review report</h1>');
  out.push('<div class="meta"><table>');
  const metaRows: [string, string][] = [
    ['tool', `${d.tool.name} ${d.tool.version}`],
    ['model version (git)', `${d.tool.commit}${d.tool.dirty ? ' + uncommitted changes' : ''}`],
    ['generated', d.generatedAt],
    ['runtime', d.runtime],
    ['checks', `${d.runs.length} configurations, ${s.rows} verdicts`],
    ...(d.source === undefined ? [] : [['results from', `${d.source} (not re-checked)`] as [string, string]]),
  ];
  for (const [k, v] of metaRows) out.push(`<tr><td>${esc(k)}</td><td><code>${esc(v)}</code></td></tr>`);
  out.push('</table></div>');
  if (d.interrupted) out.push('<div class="banner warn">The run was interrupted: some configurations are missing and some verdicts are incomplete.</div>');
  out.push(
    s.bad === 0
      ? `<div class="banner ok">✓ All ${s.rows} verdicts match their expectations.</div>`
      : `<div class="banner bad">✗ ${s.bad} of ${s.rows} verdicts differ from their expectations.</div>`,
  );
  if (s.gaps > 0) out.push(`<div class="banner warn">⚠ ${s.gaps} declared action kind${s.gaps === 1 ? '' : 's'} never fired: see <a href="#coverage">action coverage</a>.</div>`);
  out.push(findingsHtml(d));

  out.push('<h2 id="verdicts">Verdicts</h2>');
  out.push(
    '<p class="small">One row per configuration, one column per property. <span class="cell holds">✓</span> holds, ' +
      '<span class="cell violated">✗</span> violated (click for the counterexample), <span class="cell incomplete">?</span> undecided (bounded or interrupted run); ' +
      'a red frame marks a verdict that differs from the spec\'s expectation. Hover a cell for details.</p>',
  );
  for (const [spec, runs] of groupBySpec(d.runs)) out.push(verdictMatrix(spec, runs));
  out.push('<h2 id="configs">Configurations, bounds and state counts</h2>');
  out.push('<table class="configs"><tr><th>spec / config</th><th>parameters</th><th>search and bounds</th><th>status</th><th>distinct</th><th>transitions</th><th>depth</th><th>deadlocks</th><th>seconds</th><th>peak RSS</th></tr>');
  for (const run of d.runs) {
    const bounds = Object.entries(run.bounds).map(([k, v]) => `${k}=${v}`).join(', ');
    out.push(
      `<tr><td><b>${esc(run.spec)}</b> / ${esc(run.config)}<div class="small">${esc(run.description ?? '')}</div><div class="small"><code>${esc(run.file)}</code></div></td>` +
        `<td class="params">${readableParams(run.params).map((l) => `<code>${esc(l)}</code>`).join('<br>')}</td><td><code>${esc(bounds)}</code></td><td>${esc(run.status)}</td>` +
        `<td class="num">${fmt(run.stats.distinct)}</td><td class="num">${fmt(run.stats.transitions)}</td><td class="num">${run.stats.maxDepth}</td>` +
        `<td class="num">${fmt(run.stats.deadlocks)}</td><td class="num">${run.stats.seconds.toFixed(2)}</td><td class="num">${run.stats.peakRssMB.toFixed(0)} MB</td></tr>`,
    );
  }
  out.push('</table>');

  out.push('<h2 id="coverage">Action coverage</h2>');
  out.push('<p class="small">Per spec: how many explored transitions each action kind produced over all its configurations, and in how many configurations it fired. A declared kind that fired in no configuration is dead code in the model or needs bounds large enough to reach it: a modelling gap to explain in review.</p>');
  if (d.partial) out.push('<p class="small">This report covers part of the specs: kinds that never fired here may fire in specs that did not run, so none is flagged. Run the report on every spec to judge gaps.</p>');
  for (const cov of specCoverage(d.runs, d.partial)) {
    const gaps = cov.lines.filter((l) => l.gap).length;
    out.push(`<h3>${esc(cov.spec)} (${cov.configs} configurations)${gaps > 0 ? ` — <span class="v bad">${gaps} never fired</span>` : ''}</h3>`);
    out.push('<table><tr><th>action kind</th><th>transitions</th><th>configurations</th><th></th></tr>');
    for (const l of cov.lines) {
      out.push(`<tr${l.gap ? ' class="gap"' : ''}><td><code>${esc(l.kind)}</code></td><td class="num">${fmt(l.count)}</td><td class="num">${l.configsFired} / ${cov.configs}</td><td>${l.gap ? '⚠ never fired: modelling gap' : ''}</td></tr>`);
    }
    out.push('</table>');
  }

  for (const sec of d.sections ?? []) out.push(`<section id="${esc(sec.id)}">`, markdownToHtml(sec.markdown), '</section>');

  out.push(legendHtml(d.runs));
  out.push('<h2 id="counterexamples">Counterexamples</h2>');
  const groups = distinctTraces(d.runs);
  if (groups.length > 0) {
    const n = groups.reduce((k, g) => k + g.rows.length, 0);
    out.push(`<p class="small">${n} violated propert${n === 1 ? 'y' : 'ies'}, ${groups.length} distinct trace${groups.length === 1 ? '' : 's'}: each trace is shown once with every property it breaks.</p>`);
  }
  for (const g of groups) out.push(counterexampleHtml(g));
  if (groups.length === 0) out.push('<p>None: no property was violated.</p>');
  out.push('</main></body></html>');
  return `${out.join('\n')}\n`;
}

function groupBySpec(runs: readonly ReportRun[]): Map<string, ReportRun[]> {
  const m = new Map<string, ReportRun[]>();
  for (const r of runs) {
    const list = m.get(r.spec) ?? [];
    list.push(r);
    m.set(r.spec, list);
  }
  return m;
}

function verdictMatrix(spec: string, runs: readonly ReportRun[]): string {
  const props: string[] = [];
  for (const r of runs) for (const row of r.rows) if (!props.includes(row.property)) props.push(row.property);
  const out: string[] = [`<h3>${esc(spec)}${runs[0]?.title ? ` <span class="small">${esc(runs[0].title)}</span>` : ''}</h3>`];
  out.push('<table class="matrix"><tr><th>config</th>');
  for (const p of props) out.push(`<th class="prop"><div>${esc(p)}</div></th>`);
  out.push('<th>distinct states</th><th>depth</th><th>seconds</th></tr>');
  for (const run of runs) {
    out.push(`<tr><td><b>${esc(run.config)}</b>${run.description ? `<div class="small">${esc(run.description)}</div>` : ''}</td>`);
    for (const p of props) {
      const row = run.rows.find((x) => x.property === p);
      if (!row) {
        out.push('<td class="na">·</td>');
        continue;
      }
      const glyph = match(row.verdict)
        .with('holds', () => '✓')
        .with('violated', () => '✗')
        .with('incomplete', () => '?')
        .exhaustive();
      const title = `${p}: ${row.verdict} (expected ${row.expected}) — ${row.detail}`;
      const inner = row.trace && row.verdict === 'violated' ? `<a href="#${anchor(run, row)}">${glyph}</a>` : glyph;
      out.push(`<td class="cell ${row.verdict}${row.match ? '' : ' mismatch'}" title="${esc(title)}">${inner}</td>`);
    }
    out.push(`<td class="num">${fmt(run.stats.distinct)}</td><td class="num">${run.stats.maxDepth}</td><td class="num">${run.stats.seconds.toFixed(2)}</td></tr>`);
  }
  out.push('</table>');
  return out.join('');
}

/** One counterexample trace and every property its last state (or step) breaks. */
export interface TraceGroup {
  readonly run: ReportRun;
  readonly rows: readonly ReportRow[];
  readonly trace: PresentedTrace;
}

/**
 * Counterexamples grouped by trace: within one configuration, properties violated by the same
 * replay path share one trace (BFS often finds one shortest path breaking S1, S2 and S3).
 */
export function distinctTraces(runs: readonly ReportRun[]): TraceGroup[] {
  const out: { run: ReportRun; rows: ReportRow[]; trace: PresentedTrace }[] = [];
  for (const run of runs) {
    const byPath = new Map<string, { run: ReportRun; rows: ReportRow[]; trace: PresentedTrace }>();
    for (const row of run.rows) {
      if (row.verdict !== 'violated' || !row.trace) continue;
      const g = byPath.get(row.trace.replay);
      if (g) g.rows.push(row);
      else {
        const ng = { run, rows: [row], trace: row.trace };
        byPath.set(row.trace.replay, ng);
        out.push(ng);
      }
    }
  }
  return out;
}

/** Findings first: violations of unmodified systems apart from the deliberately broken variants. */
function findingsHtml(d: ReportData): string {
  const real = distinctTraces(d.runs.filter((r) => r.finding === true));
  const brokenRuns = d.runs.filter((r) => r.finding !== true && r.rows.some((x) => x.verdict === 'violated' && x.expected === 'violated'));
  const brokenViolations = brokenRuns.reduce((k, r) => k + r.rows.filter((x) => x.verdict === 'violated').length, 0);
  const out: string[] = ['<h2 id="findings">Findings</h2>'];
  if (real.length === 0) out.push('<p>No violation of an unmodified system in this run.</p>');
  else {
    out.push('<p class="small">Violations of the systems as they are (the configuration is marked a finding in its spec), one row per distinct trace.</p>');
    out.push('<table><thead><tr><th>spec / config</th><th>what runs</th><th>breaks</th><th>steps</th></tr></thead><tbody>');
    for (const g of real) {
      const props = g.rows.map((r) => `<a href="#${anchor(g.run, r)}"><code>${esc(r.property)}</code></a>`).join(', ');
      out.push(`<tr><td><b>${esc(g.run.spec)}</b> / ${esc(g.run.config)}</td><td>${esc(g.run.description ?? '')}</td><td>${props}</td><td class="num">${g.trace.steps.length - 1}</td></tr>`);
    }
    out.push('</tbody></table>');
  }
  out.push(`<p class="small">Deliberately broken variants: ${brokenRuns.length} configuration${brokenRuns.length === 1 ? '' : 's'}, ${brokenViolations} violation${brokenViolations === 1 ? '' : 's'} (listed under <a href="#counterexamples">Counterexamples</a>).</p>`);
  return out.join('\n');
}

/** Each distinct glossary once, naming the specs that use it. */
export function legends(runs: readonly ReportRun[]): { specs: string[]; entries: readonly (readonly [string, string])[] }[] {
  const byKey = new Map<string, { specs: string[]; entries: readonly (readonly [string, string])[] }>();
  for (const r of runs) {
    if (!r.legend || r.legend.length === 0) continue;
    const key = JSON.stringify(r.legend);
    const g = byKey.get(key) ?? { specs: [], entries: r.legend };
    if (!g.specs.includes(r.spec)) g.specs.push(r.spec);
    byKey.set(key, g);
  }
  return [...byKey.values()];
}

function legendHtml(runs: readonly ReportRun[]): string {
  const ls = legends(runs);
  if (ls.length === 0) return '';
  const out: string[] = ['<h2 id="legend">Reading the traces</h2>'];
  for (const l of ls) {
    out.push(`<h3>${l.specs.map(esc).join(', ')}</h3>`, '<table class="legend"><thead><tr><th>encoding</th><th>meaning</th></tr></thead><tbody>');
    for (const [term, meaning] of l.entries) out.push(`<tr><td><code>${esc(term)}</code></td><td>${esc(meaning)}</td></tr>`);
    out.push('</tbody></table>');
  }
  return out.join('\n');
}

function counterexampleHtml(g: TraceGroup): string {
  const { run, rows, trace: t } = g;
  const out: string[] = [];
  const n = t.steps.length - 1;
  const first = rows[0]!;
  out.push(`<section class="cx" id="${anchor(run, first)}">`);
  // the other properties' anchors point here too (the verdict matrix links to each)
  for (const row of rows.slice(1)) out.push(`<span id="${anchor(run, row)}"></span>`);
  const unexpected = rows.some((r) => !r.match);
  out.push(`<h3>✗ ${rows.map((r) => `<code>${esc(r.property)}</code>`).join(', ')} in ${esc(run.spec)} / ${esc(run.config)} — ${n} steps${unexpected ? ' <span class="v bad">unexpected</span>' : ' (expected)'}${run.finding ? ' <span class="v bad">finding</span>' : ''}</h3>`);
  const files = first.files;
  const replay = files ? `npx hmm-check replay ${files.itf}` : `action path ${t.replay}`;
  out.push(`<p class="small">Replay: <code>${esc(replay)}</code> · path <code>${esc(t.replay)}</code>${files ? ` · files <code>${esc(files.md)}</code>, <code>.mmd</code>, <code>.itf.json</code>` : ''}</p>`);
  out.push(`<div class="diagram">${toSvg(toSequence(t))}</div>`);
  const withSource = t.steps.some((s) => s.source !== undefined);
  out.push(`<h4>Steps</h4><table><thead><tr><th>#</th><th>actor</th><th>${esc(t.actionColumn)}</th>${withSource ? '<th>source</th>' : ''}<th>what changed</th></tr></thead><tbody>`);
  const init = t.steps[0];
  if (init) {
    out.push(`<tr><td>0</td><td>—</td><td>(initial state)</td>${withSource ? '<td></td>' : ''}<td class="mono">${Object.entries(init.vars).map(([k, v]) => `${esc(k)} = ${esc(formatItf(v))}`).join('<br>')}</td></tr>`);
  }
  for (const s of t.steps.slice(1)) {
    const changes = s.changes.length === 0 ? '(nothing)' : s.changes.map((c) => esc(formatChange(c))).join('<br>');
    const inLoop = t.loopIndex !== undefined && s.index > t.loopIndex;
    const mark = (inLoop ? ' ↺' : '') + (t.triggerIndex === s.index ? ' ▶' : '');
    out.push(`<tr${inLoop ? ' class="loop"' : ''}><td>${s.index}${mark}</td><td>${esc(s.actor)}</td><td>${esc(s.label)}${s.note ? `<div class="small">${esc(s.note)}</div>` : ''}</td>${withSource ? `<td>${sourceCell(s.source)}</td>` : ''}<td class="mono">${changes}</td></tr>`);
  }
  out.push('</tbody></table>');
  if (t.loopIndex !== undefined) {
    out.push(t.loopIndex === n
      ? `<p class="loopnote">↺ The run stays in the state after step ${n} for ever.</p>`
      : `<p class="loopnote">↺ Cycle (shaded): steps ${t.loopIndex + 1}–${n} repeat for ever; step ${n} returns to the state after step ${t.loopIndex}.</p>`);
  }
  out.push(`<p><b>Breaks:</b></p><ul class="breaks">`);
  for (const row of rows) {
    const sentence = row.trace ? violationSentence(row.trace) : row.detail;
    out.push(`<li><code>${esc(row.property)}</code>${row.description ? ` (${esc(row.kind)}: ${esc(row.description)})` : ''}: ${esc(sentence)}.</li>`);
  }
  out.push('</ul></section>');
  return out.join('\n');
}

/** A step's function in the source the model follows, as a link (only http(s) URLs: a trace is data). */
export function sourceCell(src: SourceLink | undefined): string {
  if (src === undefined || !isWebUrl(src.url)) return '';
  return `<a class="src" href="${esc(src.url)}"${src.title ? ` title="${esc(src.title)}"` : ''}><code>${esc(src.text)}</code></a>`;
}

/** The Markdown twin: same sections; diagrams as ```mermaid blocks (rendered by GitHub and most viewers). */
export function toReportMarkdown(d: ReportData): string {
  const s = summary(d);
  const out: string[] = ['# hmm-check design-review report', ''];
  out.push(`- tool: \`${d.tool.name} ${d.tool.version}\``);
  out.push(`- model version (git): \`${d.tool.commit}\`${d.tool.dirty ? ' + uncommitted changes' : ''}`);
  out.push(`- generated: ${d.generatedAt}`, `- runtime: ${d.runtime}`, `- checks: ${d.runs.length} configurations, ${s.rows} verdicts`, '');
  if (d.interrupted) out.push('> **The run was interrupted**: some configurations are missing and some verdicts are incomplete.', '');
  out.push(s.bad === 0 ? `**✓ All ${s.rows} verdicts match their expectations.**` : `**✗ ${s.bad} of ${s.rows} verdicts differ from their expectations.**`, '');
  if (s.gaps > 0) out.push(`**⚠ ${s.gaps} declared action kind${s.gaps === 1 ? '' : 's'} never fired** (see Action coverage).`, '');
  out.push('## Findings', '');
  const real = distinctTraces(d.runs.filter((r) => r.finding === true));
  if (real.length === 0) out.push('No violation of an unmodified system in this run.', '');
  else {
    out.push('| spec / config | what runs | breaks | steps |', '|---|---|---|--:|');
    for (const g of real) out.push(`| ${cell(g.run.spec)} / ${cell(g.run.config)} | ${cell(g.run.description ?? '')} | ${g.rows.map((r) => `\`${cell(r.property)}\``).join(', ')} | ${g.trace.steps.length - 1} |`);
    out.push('');
  }
  out.push('## Verdicts', '', '| spec | config | property | kind | expected | verdict | distinct states | depth | seconds |', '|---|---|---|---|---|---|--:|--:|--:|');
  for (const run of d.runs) {
    for (const row of run.rows) {
      out.push(`| ${cell(run.spec)} | ${cell(run.config)} | \`${cell(row.property)}\` | ${row.kind} | ${row.expected} | ${row.match ? '' : '✗ '}${row.verdict} | ${fmt(run.stats.distinct)} | ${run.stats.maxDepth} | ${run.stats.seconds.toFixed(2)} |`);
    }
  }
  out.push('', '## Configurations, bounds and state counts', '', '| spec / config | parameters | search and bounds | status | distinct | transitions | depth | deadlocks | seconds |', '|---|---|---|---|--:|--:|--:|--:|--:|');
  for (const run of d.runs) {
    const bounds = Object.entries(run.bounds).map(([k, v]) => `${k}=${v}`).join(', ');
    out.push(`| ${cell(run.spec)} / ${cell(run.config)} | \`${cell(run.params)}\` | ${cell(bounds)} | ${run.status} | ${fmt(run.stats.distinct)} | ${fmt(run.stats.transitions)} | ${run.stats.maxDepth} | ${fmt(run.stats.deadlocks)} | ${run.stats.seconds.toFixed(2)} |`);
  }
  out.push('', '## Action coverage', '');
  for (const cov of specCoverage(d.runs, d.partial)) {
    out.push(`### ${cov.spec} (${cov.configs} configurations)`, '');
    out.push('| action kind | transitions | configurations | |', '|---|--:|--:|---|');
    for (const l of cov.lines) out.push(`| \`${cell(l.kind)}\` | ${fmt(l.count)} | ${l.configsFired} / ${cov.configs} | ${l.gap ? '⚠ never fired: modelling gap' : ''} |`);
    out.push('');
  }
  for (const sec of d.sections ?? []) out.push(sec.markdown.trimEnd(), '');
  for (const l of legends(d.runs)) {
    out.push(`## Reading the traces (${l.specs.join(', ')})`, '', '| encoding | meaning |', '|---|---|');
    for (const [term, meaning] of l.entries) out.push(`| \`${cell(term)}\` | ${cell(meaning)} |`);
    out.push('');
  }
  out.push('## Counterexamples', '');
  const groups = distinctTraces(d.runs);
  for (const g of groups) {
    const first = g.rows[0]!;
    const md = toMarkdown(g.trace, { spec: g.run.spec, config: g.run.config, headingLevel: 3, ...(first.files ? { itfPath: first.files.itf } : {}) }).split('\n');
    out.push(md[0]!, '');
    if (g.rows.length > 1) out.push(`The same trace also breaks ${g.rows.slice(1).map((r) => `\`${r.property}\`: ${r.trace ? violationSentence(r.trace) : r.detail}`).join('; ')}.`, '');
    out.push('```mermaid', toMermaid(toSequence(g.trace)).trimEnd(), '```', ...md.slice(1));
  }
  if (groups.length === 0) out.push('None: no property was violated.', '');
  return `${out.join('\n')}\n`;
}
