/**
 * Issue 15, item 8: a memory bound. --max-memory (default: 80% of the machine's memory) and a
 * guard below V8's heap limit stop the search as `incomplete` ('memory') with what it explored;
 * a worker killed by its heap cap is reported the same way, never as "fix the spec", and
 * --in-process no longer dies in a V8 abort.
 */
import { spawnSync } from 'node:child_process';
import { totalmem } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSize } from '../../../cli/args.ts';
import { EXIT_INCOMPLETE } from '../../../cli/commands/check.ts';
import { DEFAULT_MEMORY_FRACTION, defaultMaxMemoryBytes, machineMemoryBytes } from '../../../cli/memory.ts';
import { BIN, FIXTURES, tempDir } from '../helpers.ts';

const HEAVY = join(FIXTURES, 'heavy.spec.ts');
const HOG = join(FIXTURES, 'hog.spec.ts');

function run(args: readonly string[], heapMb?: number) {
  const env = { ...process.env, NO_COLOR: '1', ...(heapMb === undefined ? {} : { NODE_OPTIONS: `--max-old-space-size=${heapMb}` }) };
  const r = spawnSync(process.execPath, [BIN, ...args, '--json', '--quiet', '--no-typecheck', '--out', tempDir()], { encoding: 'utf8', env, timeout: 120_000 });
  const doc = r.stdout.trim().startsWith('{') ? (JSON.parse(r.stdout) as Record<string, unknown>) : undefined;
  return { code: r.status, stderr: r.stderr, doc };
}

/** the one check of a run (--json has one shape: checks[] whatever their number) */
const check = (r: { doc: Record<string, unknown> | undefined }): Record<string, unknown> => (r.doc!['checks'] as Record<string, unknown>[])[0]!;

describe('--max-memory', () => {
  it('stops at the first memory check past the bound: 256 expansions of a binary tree, 513 states', () => {
    const r = run([HEAVY, '--max-memory', '1M']);
    expect(r.code).toBe(EXIT_INCOMPLETE);
    expect(r.doc).toMatchObject({ ok: false, outcome: 'incomplete' });
    expect(check(r)).toMatchObject({ status: 'incomplete', incompleteReason: 'memory' });
    // the engine polls every 256 expansions, the first poll checks memory, and any process is
    // bigger than 1 MB: 256 states expanded, each adding two new ones, plus the root
    expect(check(r)['distinctStates']).toBe(1 + 2 * 256);
    expect((r.doc!['results'] as { verdict: string }[]).every((x) => x.verdict === 'incomplete')).toBe(true);
  });

  it('parses sizes: k, K, M, G, T with optional B/iB; rejects below 1M and nonsense', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4096 }), fc.constantFrom(['M', 2 ** 20], ['G', 2 ** 30], ['T', 2 ** 40], ['m', 2 ** 20], ['g', 2 ** 30]), fc.constantFrom('', 'B', 'iB'), (k, [u, f], suffix) => {
        expect(parseSize(`${k}${u}${suffix}`)).toBe(k * (f as number));
      }),
    );
    for (const bad of ['0', '12', '1K', '-2G', 'lots', '1e9', 'Infinity', '']) expect(() => parseSize(bad), bad).toThrow();
  });

  it('defaults to 80% of the machine memory (or the cgroup limit when lower)', () => {
    expect(machineMemoryBytes()).toBeLessThanOrEqual(totalmem());
    expect(defaultMaxMemoryBytes()).toBe(Math.floor(machineMemoryBytes() * DEFAULT_MEMORY_FRACTION));
  });
});

describe('a small V8 heap (--max-old-space-size=96)', () => {
  it('check worker: the heap guard stops the search as incomplete with its counts', () => {
    const r = run([HEAVY], 96);
    expect(r.code).toBe(EXIT_INCOMPLETE);
    expect(check(r)).toMatchObject({ status: 'incomplete', incompleteReason: 'memory' });
    expect(check(r)['distinctStates']).toBeGreaterThan(1000);
    expect(r.stderr).not.toMatch(/fix the spec|heap out of memory/);
  });

  it('--in-process: the same, instead of a V8 abort', () => {
    const r = run([HEAVY, '--in-process'], 96);
    expect(r.code).toBe(EXIT_INCOMPLETE);
    expect(check(r)).toMatchObject({ status: 'incomplete', incompleteReason: 'memory' });
    expect(r.stderr).not.toMatch(/FATAL ERROR|heap out of memory/);
  });

  it('a worker killed by its heap cap inside one expansion: incomplete (memory), not "fix the spec"', () => {
    const r = run([HOG], 96);
    expect(r.code).toBe(EXIT_INCOMPLETE);
    expect(r.doc).toMatchObject({ ok: false, outcome: 'incomplete' });
    expect((r.doc!['checks'] as unknown[]).length).toBe(1);
    expect(check(r)).toMatchObject({ status: 'incomplete', incompleteReason: 'memory' });
    expect(r.stderr).not.toMatch(/fix the spec|successors\(\) threw/);
  });
});
