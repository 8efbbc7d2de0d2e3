/**
 * The liveness graph's id table (checker/liveness/id-table.ts) against its predecessor
 * (bench/legacy-id-table.ts) on one stream of fingerprints, in one process, alternating: bytes per
 * state (exact: the typed arrays' sizes) and seconds. Usage:
 * `node --import tsx bench/id-table-peers.ts STATES LOOKUPS [REPS]` — STATES distinct 64-bit
 * fingerprints (xorshift, fixed seed: fingerprints are uniform hashes) met LOOKUPS times in all,
 * each new one once and then again at random, as a BFS meets states (bench/beem.ts passes the
 * states and transitions of its at.3 liveness run). Prints one JSON line.
 */
import { IdTable } from '../checker/liveness/id-table.ts';
import { LegacyIdTable } from './legacy-id-table.ts';

const states = Number(process.argv[2]);
const lookups = Number(process.argv[3]);
const reps = Number(process.argv[4] ?? 3);
if (!(states > 0) || !(lookups >= states)) {
  process.stderr.write('usage: node --import tsx bench/id-table-peers.ts STATES LOOKUPS [REPS] (LOOKUPS ≥ STATES > 0)\n');
  process.exit(2);
}

let x = 0x2545f491;
const next = (): number => {
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  return x | 0;
};
const fp = new Int32Array(2 * states);
for (let i = 0; i < 2 * states; i++) fp[i] = next();
// the stream: each new state, and after it (lookups - states) / states repeats of earlier ones
const stream = new Int32Array(lookups);
let at = 0;
const extra = (lookups - states) / states;
let owed = 0;
for (let i = 0; i < states; i++) {
  stream[at++] = i;
  owed += extra;
  while (owed >= 1 && at < lookups) {
    stream[at++] = (next() >>> 0) % (i + 1);
    owed--;
  }
}
while (at < lookups) stream[at++] = (next() >>> 0) % states;

interface Table { idOf(hi: number, lo: number): number; bytes(): number; size: number }
function run(make: () => Table): { seconds: number; bytesPerState: number; idsMatch: boolean } {
  const t = make();
  let ok = true;
  const t0 = performance.now();
  let nextId = 0;
  const idOfState = new Int32Array(states).fill(-1);
  for (let k = 0; k < lookups; k++) {
    const s = stream[k]!;
    const id = t.idOf(fp[2 * s]!, fp[2 * s + 1]!);
    if (idOfState[s] === -1) {
      if (id !== nextId++) ok = false;
      idOfState[s] = id;
    } else if (idOfState[s] !== id) ok = false;
  }
  const seconds = (performance.now() - t0) / 1000;
  return { seconds, bytesPerState: t.bytes() / t.size, idsMatch: ok && t.size === states };
}

const current: ReturnType<typeof run>[] = [];
const legacy: ReturnType<typeof run>[] = [];
for (let r = 0; r < reps; r++) {
  for (const who of r % 2 === 0 ? ['current', 'legacy'] : ['legacy', 'current']) {
    if (who === 'current') current.push(run(() => new IdTable()));
    else legacy.push(run(() => new LegacyIdTable()));
  }
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
process.stdout.write(`${JSON.stringify({
  states, lookups, reps,
  current: { bytesPerState: current[0]!.bytesPerState, seconds: median(current.map((r) => r.seconds)), idsMatch: current.every((r) => r.idsMatch) },
  legacy: { bytesPerState: legacy[0]!.bytesPerState, seconds: median(legacy.map((r) => r.seconds)), idsMatch: legacy.every((r) => r.idsMatch) },
})}\n`);
