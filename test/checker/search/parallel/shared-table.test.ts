/**
 * The shared fingerprint table (checker/search/parallel/shared-table.ts) against a naive oracle
 * (a Map of fingerprint → depth and smallest claiming worker), through growth; then real threads
 * racing on it: one insert per fingerprint, and each state ends claimed by the smallest worker
 * that reached it, whatever the interleaving.
 */
import fc from 'fast-check';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { chunkCount, levelClaim, MAX_CHUNKS, NEW, NOT_MINE, SharedFingerprintTable, SharedTableHost, TAKEN } from '../../../../checker/search/parallel/shared-table.ts';
import { MAX_WORKERS as CLI_MAX_WORKERS } from '../../../../cli/args.ts';

type Visit = { fp: number; w: number };
/** fingerprints from a small pool, many with the same low bits (the same home slot), never (0, 0) */
const pool = Array.from({ length: 40 }, (_, i) => [i + 1, (i % 5) << 16] as const);

describe('shared fingerprint table: visits agree with a naive oracle', () => {
  it('NEW, TAKEN (from whom) and NOT_MINE, level after level, across growth', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.record({ fp: fc.nat({ max: pool.length - 1 }), w: fc.nat({ max: 3 }) }), { maxLength: 30 }), { minLength: 1, maxLength: 6 }),
        fc.array(fc.nat({ max: 200 }), { maxLength: 3 }),
        (levels: Visit[][], growAt: number[]) => {
          const host = new SharedTableHost(1);
          let t = new SharedFingerprintTable(host.table, host.control);
          const oracle = new Map<number, { depth: number; w: number }>();
          let step = 0;
          levels.forEach((visits, d) => {
            const depth = d + 1;
            for (const { fp, w } of visits) {
              if (growAt.includes(step++)) {
                const { old, table } = host.grow();
                t = new SharedFingerprintTable(table, host.control);
                t.copyFrom(old, 0, old.byteLength / 12);
              }
              const [hi, lo] = pool[fp]!;
              const r = t.visit(hi, lo, depth, w);
              const o = oracle.get(fp);
              if (o === undefined) {
                expect(r).toBe(NEW);
                oracle.set(fp, { depth, w });
              } else if (o.depth < depth || o.w <= w) {
                expect(r).toBe(NOT_MINE);
              } else {
                expect(r).toBe(TAKEN);
                expect(t.takenFrom).toBe(o.w);
                o.w = w;
              }
            }
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a level is cut into at most as many chunks as a claim level holds, and at least one', () => {
    for (const workers of [1, 2, 3, 64, CLI_MAX_WORKERS]) {
      for (const n of [0, 1, 255, 256, 257, 10_000, 1e6, 1e9]) {
        const k = chunkCount(n, workers);
        expect(k).toBeGreaterThanOrEqual(1);
        expect(k).toBeLessThanOrEqual(MAX_CHUNKS);
        // (no chunk of a level with states is left without one, bar a level smaller than its chunk count)
        if (n >= k) expect(Math.floor(n / k)).toBeGreaterThan(0);
      }
    }
  });

  it('a table made large enough for a handover is one growth would reach: the smallest of them that holds the states', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 30_000_000 }), (states) => {
        // the oracle: grow a fresh table step by step until it holds the states below its load limit
        const ladder = new SharedTableHost(1);
        let before = ladder.slots;
        while (ladder.slots * 0.7 < states) {
          before = ladder.slots;
          ladder.grow();
        }
        const host = new SharedTableHost(1);
        host.growTo(states);
        expect(host.slots).toBe(ladder.slots);
        if (ladder.slots !== before) expect(before * 0.7).toBeLessThan(states);
      }),
      { numRuns: 40 },
    );
  });

  it('a claim encodes its depth: claims of earlier levels are old', () => {
    // every chunk's claim of one level stays below the next level's (and a handover's one segment per worker fits, up to the CLI's worker limit)
    expect(levelClaim(1) - levelClaim(0)).toBe(MAX_CHUNKS);
    expect(MAX_CHUNKS).toBeGreaterThanOrEqual(CLI_MAX_WORKERS);
    expect(() => new SharedTableHost(MAX_CHUNKS + 1)).toThrow(/at most 1024 workers/);
    const host = new SharedTableHost(1);
    const t = new SharedFingerprintTable(host.table, host.control);
    expect(t.visit(7, 9, 3, 2)).toBe(NEW);
    // the same state at the next level, by a smaller worker: old, not taken
    expect(t.visit(7, 9, 4, 0)).toBe(NOT_MINE);
  });
});

describe('shared fingerprint table: threads racing', () => {
  // all threads on the same fingerprints, in the same order (every slot contended) and in their own orders
  it.each([['the same order', false], ['their own orders', true]] as const)('%s: one insert per fingerprint, claims passed hand to hand, the smallest worker holds each', async (_label, shuffle) => {
    const n = 100_000;
    // Every round must be right; the races must also have happened (many states changed hands) in
    // at least one of them: a thread the scheduler holds back can leave a round without races.
    let contended = 0;
    for (let round = 0; round < 5 && contended <= n / 100; round++) contended = await race(n, shuffle);
    expect(contended).toBeGreaterThan(n / 100);
  }, 120_000);
});

/** Three threads visit fingerprints 1..n at one level of a fresh table; checks every outcome, returns how many states changed hands. */
async function race(n: number, shuffle: boolean): Promise<number> {
  const host = new SharedTableHost(3);
  host.growTo(300_000);
  const threads = 3;
  let s = 42;
  const next = (): number => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
  const lists = Array.from({ length: threads }, () => Array.from({ length: n }, (_, i) => i + 1));
  if (shuffle) for (const l of lists) for (let i = l.length - 1; i > 0; i--) { const j = next() % (i + 1); [l[i], l[j]] = [l[j]!, l[i]!]; }
  const fp = (f: number): [number, number] => [Math.imul(f, 2654435761 | 0), f];
  const go = new SharedArrayBuffer(8);
  new Int32Array(go)[1] = threads;
  const results = await Promise.all(lists.map((l, w) => new Promise<{ out: Int32Array; from: Int32Array }>((resolve, reject) => {
    const fps = new Int32Array(2 * l.length);
    l.forEach((f, i) => fps.set(fp(f), 2 * i));
    const worker = new Worker(new URL('./shared-table-race.mjs', import.meta.url), { workerData: { table: host.table, control: host.control, fps, depth: 1, w, go } });
    worker.once('message', resolve);
    worker.once('error', reject);
  })));
  const holders = Array.from({ length: n + 1 }, () => [] as number[]);
  const froms = Array.from({ length: n + 1 }, () => [] as number[]);
  lists.forEach((l, w) => l.forEach((f, i) => {
    const r = results[w]!.out[i]!;
    if (r === NEW || r === TAKEN) holders[f]!.push(w);
    if (r === TAKEN) froms[f]!.push(results[w]!.from[i]!);
  }));
  const t = new SharedFingerprintTable(host.table, host.control);
  let contended = 0;
  for (let f = 1; f <= n; f++) {
    const h = holders[f]!;
    // every holder but the last handed the claim on exactly once; worker 0 holds it at the end
    const handedOn = [...froms[f]!].sort();
    const expected = h.filter((w) => w !== 0).sort();
    if (h.filter((w) => w === 0).length !== 1 || handedOn.join() !== expected.join()) throw new Error(`fingerprint ${f}: holders ${h}, taken from ${froms[f]}`);
    const [hi, lo] = fp(f);
    if (t.visit(hi, lo, 1, 0) !== NOT_MINE) throw new Error(`fingerprint ${f}: not held by worker 0 at the end`);
    if (h.length > 1) contended++;
  }
  return contended;
}
