/**
 * 64-bit fingerprint of an Int32 word vector, as two independent 32-bit lanes with fixed seeds
 * (TLC's fixed FP64 polynomial plays the same role): the same words give the same fingerprint in
 * every run and every worker, which determinism and replay depend on. The result is never (0, 0):
 * the visited store uses that as its empty marker.
 *
 * Vectors of at most SUM_MIN_WIDTH - 1 words (DVE states) are hashed as a stream: per lane a
 * multiply-rotate mix in the style of MurmurHash3, then the murmur finaliser. Wider vectors (HMM
 * rows, 250–1,000 words, of which a step changes a handful) are hashed as a sum over positions of
 * a bijective mix of each word with a fixed random seed for its position, then the finaliser: a
 * successor's fingerprint is then updated from its parent's sums for the words it changed
 * (`fingerprintSums`, `laneA`, `laneB`, `fingerprintFinish`) instead of a pass over the row. The
 * stream stays for narrow vectors because there the update saves nothing and the sum's per-word
 * mix costs more (at.3: 5–10% slower end to end).
 */

/** Widths from which `fingerprint` is the position-seeded sum (and can be updated word by word). */
export const SUM_MIN_WIDTH = 17;

/** Output of `fingerprint` as two signed int32 lanes: read right after the call (no allocation per state). */
export const fpOut = { hi: 0, lo: 0 };
/** Output of `fingerprintSums`: the two lanes' raw sums, before the finaliser. */
export const fpSums = { a: 0, b: 0 };

let seedA = new Int32Array(0);
let seedB = new Int32Array(0);

/** Per-position seeds up to `len` (a pure function of the position: a splitmix-style sequence). */
export function ensureFingerprintSeeds(len: number): void {
  if (len <= seedA.length) return;
  const n = Math.max(len, seedA.length * 2, 64);
  const a = new Int32Array(n);
  const b = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    a[i] = fmix(Math.imul(i + 1, 0x9e3779b1) ^ 0x243f6a88);
    b[i] = fmix(Math.imul(i + 1, 0x85ebca77) ^ 0x13198a2e);
  }
  seedA = a;
  seedB = b;
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** Lane A's term for word `w` at position `i` (after `ensureFingerprintSeeds(i + 1)`). */
export function laneA(w: number, i: number): number {
  let k = w ^ seedA[i]!;
  k ^= k >>> 16;
  k = Math.imul(k, 0x85ebca6b);
  k ^= k >>> 13;
  k = Math.imul(k, 0xc2b2ae35);
  return k ^ (k >>> 16);
}

/** Lane B's term for word `w` at position `i` (after `ensureFingerprintSeeds(i + 1)`). */
export function laneB(w: number, i: number): number {
  let k = (w + seedB[i]!) | 0;
  k ^= k >>> 15;
  k = Math.imul(k, 0x2c1b3c6d);
  k ^= k >>> 12;
  k = Math.imul(k, 0x297a2d39);
  return k ^ (k >>> 15);
}

/** The lanes' raw sums over words[off .. off+len) into `fpSums` (the sum form, len ≥ SUM_MIN_WIDTH). */
export function fingerprintSums(words: Int32Array, off: number, len: number): void {
  ensureFingerprintSeeds(len);
  let a = 0;
  let b = 0;
  for (let i = 0; i < len; i++) {
    const w = words[off + i]!;
    a = (a + laneA(w, i)) | 0;
    b = (b + laneB(w, i)) | 0;
  }
  fpSums.a = a;
  fpSums.b = b;
}

/** The fingerprint of a vector of `len` (≥ SUM_MIN_WIDTH) words whose lane sums are `a`, `b`, into `fpOut`. */
export function fingerprintFinish(a: number, b: number, len: number): void {
  finish((a ^ 0x9747b28c ^ len) | 0, (b ^ Math.imul(len, 0x27d4eb2f) ^ 0x5bd1e995) | 0);
}

export function fingerprint(words: Int32Array, off: number, len: number): void {
  if (len >= SUM_MIN_WIDTH) {
    fingerprintSums(words, off, len);
    fingerprintFinish(fpSums.a, fpSums.b, len);
    return;
  }
  let h1 = 0x9747b28c ^ len;
  let h2 = 0x5bd1e995 ^ Math.imul(len, 0x27d4eb2f);
  const end = off + len;
  for (let i = off; i < end; i++) {
    const w = words[i]!;
    let k1 = Math.imul(w, 0xcc9e2d51);
    k1 = (k1 << 15) | (k1 >>> 17);
    h1 ^= Math.imul(k1, 0x1b873593);
    h1 = (h1 << 13) | (h1 >>> 19);
    h1 = (Math.imul(h1, 5) + 0xe6546b64) | 0;
    let k2 = Math.imul(w ^ 0x7f4a7c15, 0x85ebca77);
    k2 = (k2 << 17) | (k2 >>> 15);
    h2 ^= Math.imul(k2, 0xc2b2ae3d);
    h2 = (h2 << 11) | (h2 >>> 21);
    h2 = (Math.imul(h2, 9) + 0x165667b1) | 0;
  }
  finish(h1, h2);
}

/** The murmur finaliser of both lanes, lane A mixed into lane B, into fpOut. */
function finish(h1: number, h2: number): void {
  h1 ^= h1 >>> 16;
  h1 = Math.imul(h1, 0x85ebca6b);
  h1 ^= h1 >>> 13;
  h1 = Math.imul(h1, 0xc2b2ae35);
  h1 ^= h1 >>> 16;
  h2 ^= h1;
  h2 ^= h2 >>> 16;
  h2 = Math.imul(h2, 0x7feb352d);
  h2 ^= h2 >>> 15;
  h2 = Math.imul(h2, 0x846ca68b);
  h2 ^= h2 >>> 16;
  // Signed int32 lanes stay Smis; unsigned values above 2^31 would be boxed on every write.
  fpOut.hi = h1;
  fpOut.lo = (h1 | h2) === 0 ? 1 : h2;
}

/**
 * Probability that some pair among `distinct` states shared a fingerprint (birthday bound for a
 * uniform 64-bit hash), the same order of magnitude as TLC's "optimistic" estimate.
 */
export function collisionProbability(distinct: number): number {
  return (distinct * (distinct - 1)) / 2 / 2 ** 64;
}
