/**
 * Issue 15, item 6: unknown config keys, values outside their domain, a config named __proto__
 * and contradictory flags are bad input (exit 2, one paragraph), not silently accepted.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../checker/errors.ts';
import { validateCheckConfig } from '../../../checker/validate-config.ts';
import { parseCli } from '../../../cli/args.ts';
import { UsageError } from '../../../cli/errors.ts';
import { loadSpecFile } from '../../../cli/load.ts';
import { cli, ROOT, tempDir } from '../helpers.ts';

/** A one-state spec whose single config is `config` (source text). */
function specWith(config: string, name = 'only'): string {
  const file = join(tempDir(), 'bad.spec.ts');
  writeFileSync(
    file,
    `import { defineSpec } from ${JSON.stringify(join(ROOT, 'checker/spec.ts'))};
export const spec = defineSpec<Record<string, never>, number, string>({
  id: 'bad',
  configs: { ${name}: ${config} } as never,
  createModel: () => ({ id: 'one', initialStates: () => [0], successors() {}, isTerminal: () => true, codec: { encode(s, w) { w.push(s); } } }),
  properties: () => [],
});
`,
  );
  return file;
}

describe('spec configs are checked key by key', () => {
  for (const [what, config, pattern] of [
    ['an unknown check option', `{ params: {}, expect: {}, check: { maxstates: 10 } }`, /unknown check option "maxstates".*did you mean "maxStates"/],
    ["deadlock: 'maybe'", `{ params: {}, expect: {}, check: { deadlock: 'maybe' } }`, /check\.deadlock is 'maybe'.*one of 'violation', 'count'/],
    ['walks: Infinity', `{ params: {}, expect: {}, check: { strategy: 'simulation', walks: Infinity } }`, /check\.walks is Infinity.*positive whole number/],
    ['walks: -3', `{ params: {}, expect: {}, check: { strategy: 'simulation', walks: -3 } }`, /check\.walks is -3/],
    ['maxStates: 1.5', `{ params: {}, expect: {}, check: { maxStates: 1.5 } }`, /check\.maxStates is 1\.5/],
    ['timeoutMs: NaN', `{ params: {}, expect: {}, check: { timeoutMs: NaN } }`, /check\.timeoutMs is NaN/],
    ['an unknown config key', `{ params: {}, expect: {}, exepct: {} }`, /unknown key "exepct"/],
    ['benchOnly: "yes"', `{ params: {}, expect: {}, benchOnly: 'yes' }`, /benchOnly is yes/],
  ] as const) {
    it(`rejects ${what}, naming the file and config`, async () => {
      const file = specWith(config);
      const err = await loadSpecFile(file).then(() => undefined, (e: unknown) => e as Error);
      expect(err).toBeInstanceOf(Error);
      expect(err!.message).toContain('config "only" of spec "bad"');
      expect(`${err!.message} ${(err as { hint?: string }).hint}`).toMatch(pattern);
    });
  }

  it('a config named __proto__ (which sets the prototype, and would vanish) is rejected', async () => {
    const err = await loadSpecFile(specWith('{ params: {}, expect: {} }, ok: { params: {}, expect: {} }', '__proto__')).then(() => undefined, (e: unknown) => e as Error);
    expect(err?.message).toMatch(/config named "__proto__"/);
  });

  it('through the CLI: exit 2, one paragraph, no stack', () => {
    for (const file of [specWith(`{ params: {}, expect: {}, check: { maxstates: 10 } }`), specWith('{ params: {}, expect: {} }', '__proto__')]) {
      const r = cli([file, '--quiet', '--no-typecheck', '--out', tempDir()]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('bad.spec.ts');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });

  it('validateCheckConfig: any key outside CheckConfig is rejected, by name', () => {
    const known = ['strategy', 'maxStates', 'maxDepth', 'timeoutMs', 'deadlock', 'stopWhen', 'seed', 'walks', 'walkDepth', 'progressMs', 'maxMemoryBytes'];
    fc.assert(
      fc.property(fc.string({ minLength: 1 }).filter((k) => !known.includes(k)), fc.anything(), (key, value) => {
        expect(() => validateCheckConfig({ [key]: value })).toThrow(ConfigError);
        try {
          validateCheckConfig({ [key]: value });
        } catch (e) {
          expect((e as Error).message).toContain(`"${key}"`);
        }
      }),
    );
  });

  it('validateCheckConfig: whole-number options accept exactly the positive safe integers', () => {
    fc.assert(
      fc.property(fc.constantFrom('maxStates', 'maxDepth', 'walks', 'walkDepth'), fc.oneof(fc.integer(), fc.double(), fc.constantFrom(Infinity, -Infinity, NaN, 2 ** 53, '5', null, true)), (key, v) => {
        // naive oracle: a number, whole, finite, > 0, at most 2^53 - 1
        const ok = typeof v === 'number' && Math.floor(v) === v && v > 0 && v <= Number.MAX_SAFE_INTEGER;
        if (ok) expect(() => validateCheckConfig({ [key]: v })).not.toThrow();
        else expect(() => validateCheckConfig({ [key]: v })).toThrow(ConfigError);
      }),
    );
  });
});

describe('command-line arguments', () => {
  const token = fc.oneof(
    fc.constantFrom('--spec', '--config', '--property', '--strategy', '--max-states', '--max-depth', '--timeout', '--seed', '--max-memory', '--out', '--path', '--report-dir'),
    fc.constantFrom('--json', '--deadlock', '--no-deadlock', '--quiet', '--in-process', '--no-typecheck', '--debug', '--bogus', '-x'),
    fc.constantFrom('check', 'replay', 'report', 'a.spec.ts', 'deadlock-free', 'bfs', 'dfs', 'simulation', 'sim', '0', '-3', '1e3', 'Infinity', 'NaN', '2G', '0/1', '10', '1.5'),
  );

  it('parse to valid options or throw a UsageError; never anything else', () => {
    fc.assert(
      fc.property(fc.array(token, { maxLength: 8 }), (argv) => {
        let opts;
        try {
          opts = parseCli(argv);
        } catch (e) {
          expect(e).toBeInstanceOf(UsageError);
          return;
        }
        for (const k of ['maxStates', 'maxDepth', 'maxMemoryBytes'] as const) {
          if (opts[k] !== undefined) expect(Number.isSafeInteger(opts[k]) && opts[k]! > 0).toBe(true);
        }
        if (opts.timeoutMs !== undefined) expect(Number.isFinite(opts.timeoutMs) && opts.timeoutMs > 0).toBe(true);
        if (opts.seed !== undefined) expect(Number.isSafeInteger(opts.seed)).toBe(true);
        expect(opts.deadlock && opts.noDeadlock).toBe(false);
        if (opts.path !== undefined) expect(opts.command).toBe('replay');
      }),
      { numRuns: 500 },
    );
  });

  it('contradictions are rejected', () => {
    for (const argv of [
      ['a.spec.ts', '--property', 'deadlock-free', '--no-deadlock'],
      ['a.spec.ts', '--property', 'x,deadlock-free', '--no-deadlock'],
      ['a.spec.ts', '--deadlock', '--no-deadlock'],
      ['a.spec.ts', '--path', '0/1'],
      ['check', '--report-dir', 'r'],
      ['replay', 'x.itf.json', '--max-states', '10'],
      ['a.spec.ts', '--timeout', 'Infinity'],
      ['a.spec.ts', '--max-memory', '12'],
    ]) {
      expect(() => parseCli(argv), argv.join(' ')).toThrow(UsageError);
    }
  });

  it('through the CLI: exit 2 and one paragraph', () => {
    const r = cli(['specs/examples/mutex.spec.ts', '--property', 'deadlock-free', '--no-deadlock']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--property deadlock-free .*--no-deadlock.*Fix: pass one of them/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
