/**
 * `--junit FILE`: the run as JUnit XML, the format CI systems (GitLab, Jenkins, GitHub test
 * reporters) read. One <testsuite> per check (spec / config), one <testcase> per verdict:
 *
 * - as expected            → passes (a violated-as-expected case names its counterexample in <system-out>)
 * - differs                → <failure>, message with expected/got and the counterexample path
 * - undecided (a bound)    → <error type="incomplete">: not a pass, not a wrong verdict
 * - a check with no properties cut short by a bound → one <testcase name="(search)"> with that error
 * - bad input at run time  → one <testsuite name="hmm-check"> whose testcase carries the message
 *
 * Written atomically (cli/util/atomic.ts): CI never reads half a file.
 */
import type { JobResult, RowResult } from '../job.ts';
import { display } from '../paths.ts';
import { writeFileAtomic } from '../util/atomic.ts';

/** XML 1.0 text: escapes markup and drops characters XML cannot carry (control codes). */
export function xmlText(s: string): string {
  return s
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

const attrs = (a: Record<string, string | number>): string =>
  Object.entries(a).map(([k, v]) => ` ${k}="${xmlText(String(v))}"`).join('');

function caseXml(r: JobResult, row: RowResult, time: string): string {
  const name = row.property;
  const classname = `${r.spec}.${r.config}`;
  const open = `    <testcase${attrs({ classname, name, time })}`;
  const itf = row.files ? display(row.files.itf) : undefined;
  const where = itf ? `counterexample ${itf} (replay: npx hmm-check replay ${itf})` : row.counterexample ? `replay path ${row.counterexample}` : '';
  if (row.verdict === 'incomplete') {
    const msg = `undecided: ${r.incompleteReason ?? 'incomplete'} stopped the search (expected ${row.expected})`;
    return `${open}>\n      <error${attrs({ type: 'incomplete', message: msg })}>${xmlText(row.detail)}</error>\n    </testcase>`;
  }
  if (!row.match) {
    const msg = `expected ${row.expected}, got ${row.verdict}${where ? `: ${where}` : ''}`;
    const body = [row.description ? `${row.kind} ${row.property}: ${row.description}` : `${row.kind} ${row.property}`, row.detail, where].filter((x) => x !== '').join('\n');
    return `${open}>\n      <failure${attrs({ type: 'verdict-differs', message: msg })}>${xmlText(body)}</failure>\n    </testcase>`;
  }
  if (where !== '') return `${open}>\n      <system-out>${xmlText(`violated as expected: ${where}`)}</system-out>\n    </testcase>`;
  return `${open}/>`;
}

export function toJunit(results: readonly JobResult[], error?: { readonly message: string; readonly file?: string }): string {
  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  let errors = 0;
  let total = 0;
  for (const r of results) {
    const seconds = r.stats.elapsedMs / 1000;
    total += seconds;
    const time = seconds.toFixed(3);
    const cases = r.rows.map((row) => caseXml(r, row, time));
    let f = r.rows.filter((x) => x.verdict !== 'incomplete' && !x.match).length;
    let e = r.rows.filter((x) => x.verdict === 'incomplete').length;
    if (r.rows.length === 0) {
      if (r.status === 'incomplete') {
        cases.push(`    <testcase${attrs({ classname: `${r.spec}.${r.config}`, name: '(search)', time })}>\n      <error${attrs({ type: 'incomplete', message: `undecided: ${r.incompleteReason ?? 'incomplete'} stopped the search` })}/>\n    </testcase>`);
        e++;
      } else {
        cases.push(`    <testcase${attrs({ classname: `${r.spec}.${r.config}`, name: '(search)', time })}/>`);
      }
    }
    f = Math.max(f, 0);
    tests += cases.length;
    failures += f;
    errors += e;
    suites.push(
      `  <testsuite${attrs({ name: `${r.spec} / ${r.config}`, tests: cases.length, failures: f, errors: e, skipped: 0, time })}>\n` +
        `    <properties>\n${[['file', display(r.file)], ['modelId', r.modelId], ['strategy', r.checkConfig.strategy], ['status', r.status], ['distinctStates', String(r.stats.distinct)], ['maxDepth', String(r.stats.maxDepth)]]
          .map(([k, v]) => `      <property${attrs({ name: k!, value: v! })}/>`)
          .join('\n')}\n    </properties>\n${cases.join('\n')}\n  </testsuite>`,
    );
  }
  if (error !== undefined) {
    tests++;
    errors++;
    suites.push(
      `  <testsuite${attrs({ name: 'hmm-check', tests: 1, failures: 0, errors: 1, skipped: 0, time: '0.000' })}>\n` +
        `    <testcase${attrs({ classname: 'hmm-check', name: error.file ?? 'run', time: '0.000' })}>\n      <error${attrs({ type: 'bad-input', message: error.message })}/>\n    </testcase>\n  </testsuite>`,
    );
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites${attrs({ name: 'hmm-check', tests, failures, errors, skipped: 0, time: total.toFixed(3) })}>\n${suites.join('\n')}\n</testsuites>\n`;
}

export function writeJunit(file: string, results: readonly JobResult[], error?: { readonly message: string; readonly file?: string }): void {
  writeFileAtomic(file, toJunit(results, error));
}
