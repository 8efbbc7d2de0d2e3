/**
 * One worker's numbering of a level's new states: the partitions each return their new states'
 * keys (parent id, action index) sorted, as pairs; one worker numbers new states in key order, so
 * the merge of those lists visits them in the order one worker gives them ids. Lists that are
 * already in order one after the other (one list, or parents that happen to fall in consecutive
 * ranges) are visited as they come.
 */

/** Calls visit(p, i, parent, action) for every key, in key order; p is the partition, i the key's position in its list. */
export function mergeKeys(keys: readonly Int32Array[], visit: (p: number, i: number, parent: number, action: number) => void): void {
  if (inOrder(keys)) {
    keys.forEach((k, p) => {
      for (let i = 0; 2 * i < k.length; i++) visit(p, i, k[2 * i]!, k[2 * i + 1]!);
    });
    return;
  }
  const n = keys.length;
  const pos = new Array<number>(n).fill(0);
  // (few partitions: a linear scan for the smallest head beats a heap)
  for (;;) {
    let best = -1;
    let bp = 0;
    let ba = 0;
    for (let p = 0; p < n; p++) {
      const i = pos[p]!;
      const k = keys[p]!;
      if (2 * i >= k.length) continue;
      const parent = k[2 * i]!;
      const action = k[2 * i + 1]!;
      if (best < 0 || parent < bp || (parent === bp && action < ba)) {
        best = p;
        bp = parent;
        ba = action;
      }
    }
    if (best < 0) return;
    visit(best, pos[best]!++, bp, ba);
  }
}

/** Does each non-empty key list start after the previous one ends (each list being sorted)? */
function inOrder(keys: readonly Int32Array[]): boolean {
  let lastParent = -Infinity;
  let lastAction = 0;
  for (const k of keys) {
    if (k.length === 0) continue;
    if (k[0]! < lastParent || (k[0] === lastParent && k[1]! <= lastAction)) return false;
    lastParent = k[k.length - 2]!;
    lastAction = k[k.length - 1]!;
  }
  return true;
}
