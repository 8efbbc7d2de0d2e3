/**
 * Issue 15, item 9: SIGTERM is handled like SIGINT; a signal during start-up (type-check, spec
 * loading) is reported, also with --in-process; a throwing property or codec is named as such,
 * not as "successors() threw"; and control bytes from a trace never reach the terminal.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../../cli/main.ts';
import { printable } from '../../../cli/util/printable.ts';
import { BIN, cli, FIXTURES, ROOT, tempDir } from '../helpers.ts';

interface Ended {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI and sends `sig` once `ready(stderr)` holds or the marker file appears. */
function runAndSignal(args: readonly string[], sig: NodeJS.Signals, ready: { stderr?: string; marker?: string }): Promise<Ended> {
  const child = spawn(process.execPath, [BIN, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1', ...(ready.marker ? { SLOW_LOAD_MARKER: ready.marker } : {}) },
  });
  let stdout = '';
  let stderr = '';
  let sent = false;
  const send = (): void => {
    if (sent) return;
    sent = true;
    setTimeout(() => child.kill(sig), 300);
  };
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (ready.stderr && stderr.includes(ready.stderr)) send();
  });
  const timer = ready.marker
    ? setInterval(() => {
        if (existsSync(ready.marker!)) send();
      }, 50)
    : undefined;
  return new Promise((resolve) =>
    child.on('close', (code) => {
      if (timer) clearInterval(timer);
      resolve({ code, stdout, stderr });
    }),
  );
}

describe('signals', () => {
  it('SIGTERM during a check: stops, reports what it explored, exit 130', async () => {
    const r = await runAndSignal([join(FIXTURES, 'big.spec.ts'), '--json', '--out', tempDir(), '--no-typecheck'], 'SIGTERM', { stderr: 'checking big' });
    expect(r.code).toBe(130);
    expect(r.stderr).toContain('SIGTERM received');
    expect(r.stderr).toMatch(/interrupted after 1 of 1 checks; the last check \(big \/ cube\) explored [\d,]+ distinct states/);
    const doc = JSON.parse(r.stdout) as { interrupted: boolean; results: { verdict: string; distinctStates: number }[] };
    expect(doc.interrupted).toBe(true);
    expect(doc.results[0]!.verdict).toBe('incomplete');
    expect(doc.results[0]!.distinctStates).toBeGreaterThan(0);
  }, 90_000);

  for (const [sig, extra] of [['SIGINT', []], ['SIGTERM', []], ['SIGINT', ['--in-process']]] as const) {
    it(`${sig} during start-up${extra.length ? ' with --in-process' : ''}: reported, exit 130`, async () => {
      const marker = join(tempDir(), 'marker');
      const r = await runAndSignal([join(FIXTURES, 'slow-load.spec.ts'), '--out', tempDir(), '--no-typecheck', ...extra], sig, { marker });
      expect(r.code).toBe(130);
      expect(r.stderr).toMatch(/interrupted after 0 of 1 checks; no check had started/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }, 90_000);
  }
});

describe('user code that throws is named', () => {
  it('a property: "property ... threw", the spec file, exit 2', () => {
    const r = cli([join(FIXTURES, 'throwing-parts.spec.ts'), '--config', 'prop', '--no-typecheck', '--quiet', '--out', tempDir()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/property "below-six" threw TypeError: cannot judge 3.*throwing-parts\.spec\.ts.*Fix: fix holds\(\) of property "below-six"/);
    expect(r.stderr).not.toMatch(/successors\(\) threw/);
  });

  it('a codec: "the state codec\'s encode() threw", exit 2', () => {
    const r = cli([join(FIXTURES, 'throwing-parts.spec.ts'), '--config', 'codec', '--no-typecheck', '--quiet', '--out', tempDir()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/the state codec's encode\(\) threw RangeError: cannot encode 4.*Fix: fix codec\.encode/);
    expect(r.stderr).not.toMatch(/successors\(\) threw/);
  });
});

describe('control bytes from a trace are escaped', () => {
  const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
  const COMMITTED = readFileSync(join(ROOT, 'counterexamples', 'mutex', 'check-then-set', 'mutual-exclusion.itf.json'), 'utf8');
  let out = '';
  afterEach(() => vi.restoreAllMocks());

  it('printable leaves no unsafe character and keeps safe text as it is', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        expect(printable(s)).not.toMatch(UNSAFE);
        expect(printable(s)).not.toContain('\n');
        if (!UNSAFE.test(s) && !s.includes('\n') && !/[\u2028\u2029]/.test(s)) expect(printable(s)).toBe(s);
      }),
    );
  });

  it('replay of traces with control bytes in names and values prints none of them', async () => {
    const write = (chunk: string | Uint8Array): boolean => {
      out += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
      return true;
    };
    vi.spyOn(process.stdout, 'write').mockImplementation(write as typeof process.stdout.write);
    vi.spyOn(process.stderr, 'write').mockImplementation(write as typeof process.stderr.write);
    const evil = fc.stringMatching(/^[a-z\u0000-\u001f\u007f\u009b\u202e]{1,8}$/);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('config', 'property', 'spec', 'replay', 'source', 'value', 'action'), evil, async (field, text) => {
        const doc = JSON.parse(COMMITTED) as { '#meta': Record<string, unknown>; states: Record<string, unknown>[] };
        if (field === 'value') doc.states[2]!['pc'] = [text, 'idle'];
        else if (field === 'action') (doc.states[1]!['#meta'] as Record<string, unknown>)['action'] = text;
        else doc['#meta'][field] = text;
        const f = join(tempDir(), 'trace.itf.json');
        writeFileSync(f, JSON.stringify(doc));
        out = '';
        const code = await main(['replay', f, '--no-typecheck']);
        expect(code).not.toBe(0);
        expect(out.length).toBeGreaterThan(0);
        expect(out).not.toMatch(UNSAFE);
      }),
      { numRuns: 30 },
    );
  }, 120_000);
});
