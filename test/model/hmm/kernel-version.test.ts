/**
 * The kernel version the model follows, stated twice on purpose: once in labels.ts
 * (KERNEL_SOURCE / OLDER_RELEASE, what the report's source links use) and in the `// Follows:` first
 * line of every model file (what a reader of the file sees). Here both are held together: every
 * file states a known source, and every label's step body sits in a file whose header names the
 * label's kernel file with the label's version.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KERNEL_SOURCE, LABELS, LABEL_NAMES, OLDER_RELEASE, labelSource } from '../../../model/hmm/labels.ts';

const ROOT = join(import.meta.dirname, '../../../model/hmm');
const FOLLOWS = /^\/\/ Follows: (Linux v\d+\.\d+|HMM v12 posting \(2016-03\)) — (.+)$/;
const KNOWN = new Set<string>([...Object.values(KERNEL_SOURCE), ...Object.values(OLDER_RELEASE)]);

function modelFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? modelFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []);
}

interface Follows { readonly source: string; readonly files: readonly string[] }

function follows(path: string): Follows | undefined {
  const m = FOLLOWS.exec(readFileSync(path, 'utf8').split('\n', 1)[0]!);
  if (!m) return undefined;
  const files = m[2]!.startsWith('(') ? [] : m[2]!.split(', ');
  return { source: m[1]!, files };
}

/**
 * label → model file (relative to model/hmm) whose step function (`kind` 'step') or guard ('guard')
 * is attached to it, read from a steps file
 */
function bodies(stepsFile: string, kind: 'step' | 'guard' = 'step'): Map<string, string> {
  const text = readFileSync(join(ROOT, stepsFile), 'utf8');
  const dir = stepsFile.includes('/') ? stepsFile.slice(0, stepsFile.lastIndexOf('/') + 1) : '';
  const modules = new Map<string, string>();
  for (const m of text.matchAll(/^import \* as (\w+) from '\.\/([\w/]+\.ts)';$/gm)) modules.set(m[1]!, dir + m[2]!);
  const out = new Map<string, string>();
  for (const m of text.matchAll(new RegExp(`^\\s+(\\w+): (\\w+)\\.${kind}\\w+,$`, 'gm'))) {
    const file = modules.get(m[2]!);
    if (file !== undefined) out.set(m[1]!, file);
  }
  return out;
}

describe('kernel version of the model', () => {
  const files = modelFiles(ROOT);

  it('every model file states the source it follows on its first line', () => {
    expect(files.length).toBeGreaterThan(40);
    const bad = files.filter((f) => {
      const h = follows(f);
      if (h === undefined || !KNOWN.has(h.source)) return true;
      const inV12 = relative(ROOT, f).startsWith('v12/');
      return inV12 !== (h.source === KERNEL_SOURCE.v12);
    });
    expect(bad.map((f) => relative(ROOT, f))).toEqual([]);
  });

  it('every label has a source, a release (upstream) or the v12 posting, a file and a function', () => {
    for (const l of LABEL_NAMES) {
      if (l === 'done') continue;
      const src = labelSource(LABELS[l]);
      expect(KNOWN.has(src.source), l).toBe(true);
      expect(src.file, l).toMatch(/^[\w./-]+\.[ch]$/);
      expect(src.fn.length, l).toBeGreaterThan(0);
      if (src.source === KERNEL_SOURCE.v12) expect(src.release, l).toBeUndefined();
      else expect(src.release, l).toMatch(/^v\d+\.\d+$/);
    }
  });

  it("every label's body sits in a file whose header names the label's kernel file and version", () => {
    const attached = new Map([...bodies('steps.ts'), ...bodies('v12/steps.ts')]);
    // every label but `done` has a body somewhere: the map below misses none
    expect(LABEL_NAMES.filter((l) => l !== 'done' && !attached.has(l))).toEqual([]);
    const bad: string[] = [];
    for (const [label, file] of attached) {
      const src = labelSource(LABELS[label as keyof typeof LABELS]);
      const h = follows(join(ROOT, file));
      if (h === undefined || h.source !== src.source || !h.files.includes(src.file)) {
        bad.push(`${label}: ${src.source} ${src.file}, but ${file} follows ${h ? `${h.source} — ${h.files.join(', ')}` : 'nothing'}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it("every upstream guard sits beside its label's body, in the same file", () => {
    const steps = bodies('steps.ts');
    const guards = bodies('steps.ts', 'guard');
    expect(guards.size).toBeGreaterThan(20);
    const bad = [...guards].filter(([label, file]) => steps.get(label) !== file).map(([label, file]) => `${label}: guard in ${file}, body in ${steps.get(label)}`);
    expect(bad).toEqual([]);
  });
});
