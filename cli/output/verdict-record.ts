/**
 * The one builder of a verdict's record (checker/report/html.ts VerdictRecord): `--json`'s
 * results[] (cli/output/json.ts) and the report's rows (cli/commands/report.ts) both start from it,
 * so the two cannot drift apart in field names or path display.
 */
import type { VerdictRecord } from '../../checker/report/html.ts';
import type { RowResult } from '../job.ts';
import { display } from '../paths.ts';

export function verdictRecord(row: RowResult): VerdictRecord {
  return {
    property: row.property,
    kind: row.kind,
    ...(row.description === undefined ? {} : { description: row.description }),
    expected: row.expected,
    verdict: row.verdict,
    match: row.match,
    counterexample: row.counterexample,
    files: row.files ? { itf: display(row.files.itf), md: display(row.files.md), mmd: display(row.files.mmd) } : null,
    detail: row.detail,
  };
}
