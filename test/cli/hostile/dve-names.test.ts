/** Issue 15, item 7: colliding DVE names keep every variable in the ITF trace, and it replays. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { cli, tempDir } from '../helpers.ts';

it('a process named like a global, and globals named __proto__ and constructor, all reach the ITF file', () => {
  const dir = tempDir();
  writeFileSync(
    join(dir, 'names.dve'),
    'byte __proto__ = 5, constructor = 6, x = 7;\nprocess x { state a, b; init a; trans a -> b { effect __proto__ = 1, constructor = 2, x = 3; }; }\nsystem async;\n',
  );
  const r = cli(['names.dve', '--deadlock', '--quiet', '--out', 'out'], dir);
  // b has no successor: a deadlock after one step, reported as a violation because of --deadlock
  expect(r.code).toBe(1);
  const itf = JSON.parse(readFileSync(join(dir, 'out', 'names', 'default', 'deadlock-free.itf.json'), 'utf8')) as { vars: string[]; states: Record<string, unknown>[] };
  // ITF names are identifiers: process x's state is x_state
  expect(itf.vars).toEqual(['__proto__', 'constructor', 'x', 'x_state', 'mbt::actionTaken']);
  expect(itf.states.map((s) => [s['__proto__'], s['constructor'], s['x'], s['x_state']])).toEqual([
    [{ '#bigint': '5' }, { '#bigint': '6' }, { '#bigint': '7' }, 'a'],
    [{ '#bigint': '1' }, { '#bigint': '2' }, { '#bigint': '3' }, 'b'],
  ]);
  const replay = cli(['replay', join('out', 'names', 'default', 'deadlock-free.itf.json'), '--spec', 'names.dve'], dir);
  expect(replay.code).toBe(0);
});
