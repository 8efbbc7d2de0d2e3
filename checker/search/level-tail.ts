/**
 * How much of a BFS is left, guessed from its level sizes. Past its largest level a search's
 * tail is about geometric (each level a fraction r of the one before), so the levels still to
 * expand hold about current / (1 − r) states, r the mean ratio per level since the largest
 * (current / largest)^(1 / levels since). The mean since the largest, not the last ratio: tail
 * levels wobble (BEEM at.3's grow again for eight levels, 12.7 k to 15.7 k, well after its
 * largest, 98.8 k), and a ratio above 1 would read as a search growing again. A search that does
 * grow again raises r towards 1, and the guess with it.
 */

/** States still to expand — the current level and those it leads to — or Infinity while the current level is the largest. */
export function statesLeft(levelSizes: readonly number[]): number {
  const n = levelSizes.length;
  if (n === 0) return Infinity;
  const cur = levelSizes[n - 1]!;
  if (cur === 0) return 0;
  let peak = 0;
  let at = 0;
  for (let i = 0; i < n; i++) {
    if (levelSizes[i]! >= peak) {
      peak = levelSizes[i]!;
      at = i;
    }
  }
  const since = n - 1 - at;
  if (since === 0) return Infinity;
  const r = (cur / peak) ** (1 / since);
  return cur / (1 - r);
}

/**
 * The time the rest of a search is guessed to take at its pace so far: the states expanded so far
 * (all found but the current level, which is to be expanded next) per millisecond.
 */
export function msLeft(levelSizes: readonly number[], found: number, elapsedMs: number): number {
  const left = statesLeft(levelSizes);
  if (left === 0) return 0;
  const expanded = found - (levelSizes[levelSizes.length - 1] ?? 0);
  return left / Math.max(expanded / Math.max(elapsedMs, 1), 1e-9);
}
