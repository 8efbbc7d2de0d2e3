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
import { cell, toMarkdown } from './markdown.ts';
import { toMermaid, toSequence } from './mermaid.ts';
import type { PresentedKind, PresentedTrace } from './present.ts';
import { escapeXml, toSvg } from './svg.ts';
import { formatChange, formatItf } from './values.ts';

export interface ReportRow {
  readonly property: string;
  readonly kind: PresentedKind;
  readonly description?: string;
  readonly expected: 'holds' | 'violated';
  readonly verdict: 'holds' | 'violated' | 'incomplete';
  readonly match: boolean;
  readonly detail: string;
  readonly replay: string | null;
  /** display paths of the counterexample files */
  readonly files: { readonly itf: string; readonly md: string; readonly mmd: string } | null;
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
export function specCoverage(runs: readonly ReportRun[]): SpecCoverage[] {
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
      return { kind, count, configsFired, gap: !firedAnywhere.has(kind) };
    });
    return { spec, configs: list.length, lines };
  });
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
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
  for (const c of specCoverage(d.runs)) for (const l of c.lines) if (l.gap) gapKinds.add(l.kind);
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
.diagram{overflow-x:auto;border:1px solid #eef1f6;padding:8px;background:#fcfcfd}
.changes{margin:0;padding-left:16px}
.small{font-size:12px;color:#666}
td code{word-break:break-word}
.configs td:nth-child(2){max-width:360px}
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
        `<td><code>${esc(run.params)}</code></td><td><code>${esc(bounds)}</code></td><td>${esc(run.status)}</td>` +
        `<td class="num">${fmt(run.stats.distinct)}</td><td class="num">${fmt(run.stats.transitions)}</td><td class="num">${run.stats.maxDepth}</td>` +
        `<td class="num">${fmt(run.stats.deadlocks)}</td><td class="num">${run.stats.seconds.toFixed(2)}</td><td class="num">${run.stats.peakRssMB.toFixed(0)} MB</td></tr>`,
    );
  }
  out.push('</table>');

  out.push('<h2 id="coverage">Action coverage</h2>');
  out.push('<p class="small">Per spec: how many explored transitions each action kind produced over all its configurations, and in how many configurations it fired. A declared kind that fired in no configuration is dead code in the model or needs bounds large enough to reach it: a modelling gap to explain in review.</p>');
  for (const cov of specCoverage(d.runs)) {
    const gaps = cov.lines.filter((l) => l.gap).length;
    out.push(`<h3>${esc(cov.spec)} (${cov.configs} configurations)${gaps > 0 ? ` — <span class="v bad">${gaps} never fired</span>` : ''}</h3>`);
    out.push('<table><tr><th>action kind</th><th>transitions</th><th>configurations</th><th></th></tr>');
    for (const l of cov.lines) {
      out.push(`<tr${l.gap ? ' class="gap"' : ''}><td><code>${esc(l.kind)}</code></td><td class="num">${fmt(l.count)}</td><td class="num">${l.configsFired} / ${cov.configs}</td><td>${l.gap ? '⚠ never fired: modelling gap' : ''}</td></tr>`);
    }
    out.push('</table>');
  }

  for (const sec of d.sections ?? []) out.push(`<section id="${esc(sec.id)}">`, markdownToHtml(sec.markdown), '</section>');

  out.push('<h2 id="counterexamples">Counterexamples</h2>');
  let any = false;
  for (const run of d.runs) {
    for (const row of run.rows) {
      if (row.verdict !== 'violated' || !row.trace) continue;
      any = true;
      out.push(counterexampleHtml(run, row, row.trace));
    }
  }
  if (!any) out.push('<p>None: no property was violated.</p>');
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

function counterexampleHtml(run: ReportRun, row: ReportRow, t: PresentedTrace): string {
  const out: string[] = [];
  const n = t.steps.length - 1;
  out.push(`<section class="cx" id="${anchor(run, row)}">`);
  out.push(`<h3>✗ <code>${esc(row.property)}</code> in ${esc(run.spec)} / ${esc(run.config)} — ${n} steps${row.match ? ' (expected)' : ' <span class="v bad">unexpected</span>'}</h3>`);
  if (row.description) out.push(`<p><b>${esc(row.kind)}</b>: ${esc(row.description)}</p>`);
  const replay = row.files ? `npx hmm-check replay ${row.files.itf}` : `action path ${t.replay}`;
  out.push(`<p class="small">Replay: <code>${esc(replay)}</code> · path <code>${esc(t.replay)}</code>${row.files ? ` · files <code>${esc(row.files.md)}</code>, <code>.mmd</code>, <code>.itf.json</code>` : ''}</p>`);
  out.push(`<div class="diagram">${toSvg(toSequence(t))}</div>`);
  out.push(`<h4>Steps</h4><table><tr><th>#</th><th>actor</th><th>${esc(t.actionColumn)}</th><th>what changed</th></tr>`);
  const init = t.steps[0];
  if (init) {
    out.push(`<tr><td>0</td><td>—</td><td>(initial state)</td><td class="mono">${Object.entries(init.vars).map(([k, v]) => `${esc(k)} = ${esc(formatItf(v))}`).join('<br>')}</td></tr>`);
  }
  for (const s of t.steps.slice(1)) {
    const changes = s.changes.length === 0 ? '(nothing)' : s.changes.map((c) => esc(formatChange(c))).join('<br>');
    const inLoop = t.loopIndex !== undefined && s.index > t.loopIndex;
    const mark = (inLoop ? ' ↺' : '') + (t.triggerIndex === s.index ? ' ▶' : '');
    out.push(`<tr${inLoop ? ' class="loop"' : ''}><td>${s.index}${mark}</td><td>${esc(s.actor)}</td><td>${esc(s.label)}${s.note ? `<div class="small">${esc(s.note)}</div>` : ''}</td><td class="mono">${changes}</td></tr>`);
  }
  out.push('</table>');
  if (t.loopIndex !== undefined) {
    out.push(t.loopIndex === n
      ? `<p class="loopnote">↺ The run stays in the state after step ${n} for ever.</p>`
      : `<p class="loopnote">↺ Cycle (shaded): steps ${t.loopIndex + 1}–${n} repeat for ever; step ${n} returns to the state after step ${t.loopIndex}.</p>`);
  }
  out.push(`<p><b>Violation:</b> ${esc(violationSentence(t))}.</p></section>`);
  return out.join('\n');
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
  for (const cov of specCoverage(d.runs)) {
    out.push(`### ${cov.spec} (${cov.configs} configurations)`, '');
    out.push('| action kind | transitions | configurations | |', '|---|--:|--:|---|');
    for (const l of cov.lines) out.push(`| \`${cell(l.kind)}\` | ${fmt(l.count)} | ${l.configsFired} / ${cov.configs} | ${l.gap ? '⚠ never fired: modelling gap' : ''} |`);
    out.push('');
  }
  for (const sec of d.sections ?? []) out.push(sec.markdown.trimEnd(), '');
  out.push('## Counterexamples', '');
  let any = false;
  for (const run of d.runs) {
    for (const row of run.rows) {
      if (row.verdict !== 'violated' || !row.trace) continue;
      any = true;
      const md = toMarkdown(row.trace, { spec: run.spec, config: run.config, headingLevel: 3, ...(row.files ? { itfPath: row.files.itf } : {}) }).split('\n');
      out.push(md[0]!, '', '```mermaid', toMermaid(toSequence(row.trace)).trimEnd(), '```', ...md.slice(1));
    }
  }
  if (!any) out.push('None: no property was violated.', '');
  return `${out.join('\n')}\n`;
}
