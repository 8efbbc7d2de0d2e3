/**
 * One-way layering (architecture.md §4.1): specs → model, specs → checker; model and checker
 * never import each other, specs or the CLI; no import cycles anywhere. The module graph is
 * collected with a regex over import/export-from statements and checked with graphology.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { DirectedGraph } from 'graphology';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const LAYERS = ['model', 'checker', 'specs', 'cli'] as const;

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...tsFiles(p));
    else if (p.endsWith('.ts')) out.push(p);
  }
  return out;
}

function moduleGraph(): DirectedGraph {
  const g = new DirectedGraph();
  const files = LAYERS.flatMap((l) => {
    try {
      return tsFiles(join(root, l));
    } catch {
      return [];
    }
  });
  for (const f of files) g.mergeNode(relative(root, f));
  const re = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;
  for (const f of files) {
    const src = readFileSync(f, 'utf8');
    for (const m of src.matchAll(re)) {
      const spec = m[1] ?? m[2]!;
      const target = relative(root, resolve(dirname(f), spec));
      g.mergeNode(target);
      g.mergeEdge(relative(root, f), target);
    }
  }
  return g;
}

const layerOf = (p: string) => p.split('/')[0]!;

describe('architecture', () => {
  const g = moduleGraph();
  const forbidden: Record<string, readonly string[]> = {
    model: ['checker', 'specs', 'cli', 'test'],
    checker: ['model', 'specs', 'cli', 'test'],
    specs: ['cli', 'test'],
  };
  it('found the source tree', () => {
    expect(g.order).toBeGreaterThan(10);
  });
  it('imports flow one way: model and checker are independent, nothing imports the CLI', () => {
    const bad: string[] = [];
    g.forEachEdge((_e, _a, from, to) => {
      if ((forbidden[layerOf(from)] ?? []).includes(layerOf(to))) bad.push(`${from} → ${to}`);
    });
    expect(bad).toEqual([]);
  });
  it('the module graph has no cycle', () => {
    // iterative three-colour DFS; a grey target is a back edge
    const colour = new Map<string, 0 | 1 | 2>();
    const cycles: string[] = [];
    g.forEachNode((start) => {
      if (colour.get(start)) return;
      const stack: [string, string[]][] = [[start, g.outNeighbors(start)]];
      colour.set(start, 1);
      while (stack.length) {
        const top = stack[stack.length - 1]!;
        const next = top[1].pop();
        if (next === undefined) {
          colour.set(top[0], 2);
          stack.pop();
          continue;
        }
        const c = colour.get(next) ?? 0;
        if (c === 1) cycles.push(`${top[0]} → ${next}`);
        if (c === 0) {
          colour.set(next, 1);
          stack.push([next, g.outNeighbors(next)]);
        }
      }
    });
    expect(cycles).toEqual([]);
  });
  it('the search hot path stays free of reporting libraries and JSON', () => {
    const hot = ['checker/search', 'checker/state'].flatMap((d) => tsFiles(join(root, d)));
    for (const f of hot) {
      const src = readFileSync(f, 'utf8');
      expect(src, f).not.toMatch(/from ['"](ts-pattern|graphology)['"]/);
      expect(src, f).not.toMatch(/JSON\.(stringify|parse)/);
    }
  });
});
