/**
 * The state's offsets are the model's own business (model/hmm/state/schema.ts generates them;
 * the step files use them): specs read states through the typed views and decodeState only. This
 * test fails when specs/ (or a test outside test/model/hmm) imports an offset module or computes
 * an offset, and when the public entry points export one again.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as hmm from '../../model/hmm/index.ts';
import * as v12 from '../../model/hmm/v12/index.ts';

const root = resolve(import.meta.dirname, '../..');

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...tsFiles(p));
    else if (p.endsWith('.ts')) out.push(p);
  }
  return out;
}

/** an exported name that is an offset or an offset helper (layout.ts, v12/words.ts) */
const OFFSET_NAME = /^(R_\w+|PG_\w+|F_(REF|MAP|PIN|LOCK|LRU|DIRTY|VER|LAZY)|DV_\w+|MM_(EXISTS|READERS|WRITER|PAGES)|RES_\w+|REG_FIXED|FRAME_WORDS|PAGE_WORDS|\w+Off|makeLayout|stateDims)$/;

/** modules that define offsets */
const OFFSET_MODULE = /model\/hmm\/(layout|v12\/words|state\/struct|state\/cursor)\.ts['"]/;

/** source text that computes an offset: an offset helper call, an actor's base, a Layout base word */
const COMPUTES_OFFSET = [
  /\b\w+Off\(/,
  /(?<!\.)\.base\b/, // (not a spread: ...base)
  /\bL\.(g[A-Z]\w*|mmBase|devBase|frameBase|v12Base|mmWords|devWords|resWords)\b/,
  /\b(R|PG|DV|RES)_[A-Z_]+\b/,
  /\bF_(REF|MAP|PIN|LOCK|LRU|DIRTY|VER|LAZY)\b/,
];

function offenders(files: readonly string[]): string[] {
  const bad: string[] = [];
  for (const f of files) {
    const lines = readFileSync(f, 'utf8').split('\n');
    lines.forEach((line, i) => {
      if (/^\s*(\*|\/\/)/.test(line)) return; // comments may name the kernel's own words
      if (OFFSET_MODULE.test(line) || COMPUTES_OFFSET.some((re) => re.test(line))) bad.push(`${relative(root, f)}:${i + 1}: ${line.trim()}`);
    });
  }
  return bad;
}

describe('state offsets are not public', () => {
  it('model/hmm/index.ts and v12/index.ts export vocabulary, no offset', () => {
    expect(Object.keys(hmm).filter((k) => OFFSET_NAME.test(k))).toEqual([]);
    expect(Object.keys(v12).filter((k) => OFFSET_NAME.test(k))).toEqual([]);
    // the views they export instead
    expect(typeof hmm.stateView).toBe('function');
    expect(typeof hmm.decodeState).toBe('function');
  });

  it('no file under specs/ imports an offset module or computes an offset', () => {
    const files = tsFiles(join(root, 'specs'));
    expect(files.length).toBeGreaterThan(20);
    expect(offenders(files)).toEqual([]);
  });

  it('no test outside test/model/hmm does either (step tests read words right after a step)', () => {
    const files = tsFiles(join(root, 'test')).filter((f) => !relative(root, f).startsWith('test/model/hmm/') && !f.endsWith('state-offsets.test.ts'));
    expect(offenders(files)).toEqual([]);
  });

  it('the check finds what it looks for (so an empty list means something)', () => {
    const samples = [
      "import { pgOff } from '../../model/hmm/layout.ts';",
      'const k = s[pgOff(L, 0, a) + PG_KIND];',
      'const pc = s[c.L.actors[t]!.base];',
      'if (s[L.gUnstable] === 1) return true;',
      'const r = s[b + R_REQ];',
      'const ref = s[o + F_REF];',
    ];
    for (const line of samples) expect(OFFSET_MODULE.test(line) || COMPUTES_OFFSET.some((re) => re.test(line))).toBe(true);
    expect(COMPUTES_OFFSET.some((re) => re.test('const k = stateView(c).at(s).mm(0).pte(a).kind;'))).toBe(false);
  });
});
