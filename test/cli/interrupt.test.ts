/** Ctrl-C: the run stops, says what it explored, marks verdicts incomplete, and exits 130. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, FIXTURES, tempDir } from './helpers.ts';

describe('SIGINT', () => {
  it('reports what was explored and exits 130', async () => {
    const child = spawn(process.execPath, [BIN, join(FIXTURES, 'big.spec.ts'), '--json', '--out', tempDir(), '--no-typecheck'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      // interrupt once the check is under way
      if (stderr.includes('checking big') && !child.killed) setTimeout(() => child.kill('SIGINT'), 300);
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(130);
    expect(stderr).toMatch(/interrupted after 1 of 1 checks; the last check \(big \/ cube\) explored [\d,]+ distinct states/);
    const doc = JSON.parse(stdout) as { ok: boolean; interrupted: boolean; results: { verdict: string; distinctStates: number }[] };
    expect(doc).toMatchObject({ ok: false, interrupted: true });
    expect(doc.results[0]!.verdict).toBe('incomplete');
    expect(doc.results[0]!.distinctStates).toBeGreaterThan(0);
  });
});

describe('SIGINT with --in-process', () => {
  it('stops the process at once instead of being swallowed by the synchronous check', async () => {
    // big / cube runs for about a minute; the check runs on the main thread, where a SIGINT
    // handler could only run after it finished.
    const child = spawn(process.execPath, [BIN, join(FIXTURES, 'big.spec.ts'), '--in-process', '--out', tempDir(), '--no-typecheck'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let sentAt = 0;
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (stderr.includes('checking big') && sentAt === 0) {
        sentAt = 1;
        setTimeout(() => {
          sentAt = Date.now();
          child.kill('SIGINT');
        }, 300);
      }
    });
    const [code, signal] = await new Promise<[number | null, string | null]>((resolve) => child.on('close', (c, s) => resolve([c, s])));
    expect(sentAt).toBeGreaterThan(1);
    expect(Date.now() - sentAt).toBeLessThan(5_000);
    expect(code === 130 || signal === 'SIGINT').toBe(true);
  }, 90_000);
});
