/**
 * 64-bit fingerprint of an Int32 word vector, as two independent 32-bit lanes with fixed seeds
 * (TLC's fixed FP64 polynomial plays the same role): the same words give the same fingerprint in
 * every run and every worker, which determinism and replay depend on.
 *
 * Each lane is a multiply-rotate mix in the style of MurmurHash3 with its own constants, then the
 * murmur finaliser. The result is never (0, 0): the visited store uses that as its empty marker.
 */

/** Output of `fingerprint` as two signed int32 lanes: read right after the call (no allocation per state). */
export const fpOut = { hi: 0, lo: 0 };

export function fingerprint(words: Int32Array, off: number, len: number): void {
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
