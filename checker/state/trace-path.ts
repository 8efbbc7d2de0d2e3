/**
 * The replay path of a state from its parent pointers (TLC's TLCTrace walk): initial index, then
 * the action index of each step. Shared by the visited store and the multi-worker trace arrays.
 * Parent -1 - i marks initial state i.
 */
export function pathFromParents(id: number, parentOf: (id: number) => number, actionOf: (id: number) => number): number[] {
  const rev: number[] = [];
  let cur = id;
  for (;;) {
    const p = parentOf(cur);
    if (p < 0) {
      rev.push(-1 - p);
      break;
    }
    rev.push(actionOf(cur));
    cur = p;
  }
  return rev.reverse();
}
