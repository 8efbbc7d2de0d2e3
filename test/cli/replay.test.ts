/** `hmm-check replay` on traces whose "#meta" is damaged: bad input (exit 2) naming the file, never a user-code hint. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, MUTEX, ROOT, tempDir } from './helpers.ts';

const COMMITTED = join(ROOT, 'counterexamples', 'mutex', 'check-then-set', 'mutual-exclusion.itf.json');

/** The committed mutex trace with its #meta changed, written to a temporary file. */
function edited(change: (meta: Record<string, unknown>) => void): string {
  const doc = JSON.parse(readFileSync(COMMITTED, 'utf8')) as { '#meta': Record<string, unknown> };
  doc['#meta']['specFile'] = MUTEX;
  change(doc['#meta']);
  const file = join(tempDir(), 'trace.itf.json');
  writeFileSync(file, JSON.stringify(doc));
  return file;
}

describe('hmm-check replay with a damaged #meta', () => {
  it('the unedited copy replays (so the cases below fail for their edit alone)', () => {
    expect(cli(['replay', edited(() => {}), '--no-typecheck']).code).toBe(0);
  });

  it('a malformed replay path is a format error in the file, not a fault in the spec', () => {
    const r = cli(['replay', edited((m) => (m['replay'] = 'x/y')), '--no-typecheck']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/trace\.itf\.json: replay path "x\/y" is not a list of action indices/);
    expect(r.stderr).not.toMatch(/SyntaxError|fix the spec or model code/);
  });

  it('--spec does not stand in for a missing config, property or path', () => {
    const r = cli(['replay', edited((m) => {
      delete m['config'];
      delete m['replay'];
    }), '--spec', MUTEX, '--no-typecheck']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/trace\.itf\.json has no hmm-check "#meta" \(config, replay missing\)/);
    expect(r.stderr).not.toContain('"undefined"');
  });
});
