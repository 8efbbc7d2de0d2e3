/** Command-line parsing: commands, filters, numbers, and usage errors. */
import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { parseCli } from '../../cli/args.ts';
import { UsageError } from '../../cli/errors.ts';

describe('parseCli', () => {
  it('check with filters (repeatable and comma-separated)', () => {
    const o = parseCli(['check', '--spec', 'hmm', '--config', 'a,b', '--config', 'c', '--property', 'p', '--json']);
    expect(o).toMatchObject({ command: 'check', files: [], specs: ['hmm'], configs: ['a', 'b', 'c'], properties: ['p'], json: true, typecheck: true });
  });
  it('a file argument means run', () => {
    const o = parseCli(['my.spec.ts', '--strategy', 'dfs', '--max-states', '1_000_000', '--timeout', '2.5', '--no-deadlock']);
    expect(o).toMatchObject({ command: 'run', files: ['my.spec.ts'], strategy: 'dfs', maxStates: 1_000_000, timeoutMs: 2500, noDeadlock: true });
  });
  it('--workers auto is every core (TLC\'s -workers auto); a word that is not a count names both forms', () => {
    expect(parseCli(['x.dve', '--workers', 'auto'])).toMatchObject({ workers: Math.min(1024, availableParallelism()) });
    const e = (() => {
      try {
        parseCli(['x.dve', '--workers', 'all']);
      } catch (x) {
        return x;
      }
      return undefined;
    })();
    expect(e).toBeInstanceOf(UsageError);
    expect((e as UsageError).message).toMatch(/positive whole number, got "all"/);
    expect((e as UsageError).hint).toMatch(/--workers 8, or --workers auto/);
  });

  it('--parallel-design names how several workers share the visited set', () => {
    expect(parseCli(['x.dve', '--workers', '4', '--parallel-design', 'shared-table'])).toMatchObject({ workers: 4, parallelDesign: 'shared-table' });
    expect(parseCli(['x.dve']).parallelDesign).toBeUndefined();
  });
  it('replay takes exactly one file', () => {
    expect(parseCli(['replay', 'x.itf.json']).files).toEqual(['x.itf.json']);
    expect(() => parseCli(['replay'])).toThrow(/exactly one trace file/);
  });
  it('help and version', () => {
    expect(parseCli(['--help']).command).toBe('help');
    expect(parseCli(['help']).command).toBe('help');
    expect(parseCli(['-v']).command).toBe('version');
  });
  it.each([
    [['--nope'], /Unknown option '--nope'/],
    [['x.ts', '--max-states', '0'], /--max-states expects a positive whole number/],
    [['x.ts', '--strategy', 'astar'], /unknown strategy "astar"/],
    [['x.ts', '--parallel-design', 'locks'], /unknown --parallel-design "locks"/],
    [['x.ts', '--timeout', 'soon'], /--timeout expects seconds/],
    [[], /no command or file given/],
    [['report', 'x.ts'], /report takes no file arguments/],
  ])('%j is a usage error', (argv, msg) => {
    expect(() => parseCli(argv)).toThrow(UsageError);
    expect(() => parseCli(argv)).toThrow(msg);
  });
});
