/**
 * Parent id and action index per state id, for replay paths: the visited store's (one worker) and
 * the coordinator's of a multi-worker search (whose partitions keep fingerprints only). Chunked,
 * 4 bytes of parent and 1 of action per state until a state has more than 255 successors.
 */
import { pathFromParents } from './trace-path.ts';

const CHUNK_BITS = 20;
const CHUNK = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK - 1;

export class TraceArrays {
  private readonly parents: Int32Array[] = [];
  private actions: (Uint8Array | Uint16Array | Uint32Array)[] = [];
  private actionBytes = 1;
  private actionLimit = 0xff;
  size = 0;

  /** Records state `size` (ids are dense and come in order); parent -1 - i for initial state i. */
  push(parent: number, action: number): void {
    const id = this.size++;
    const c = id >>> CHUNK_BITS;
    if (c === this.parents.length) {
      this.parents.push(new Int32Array(CHUNK));
      this.actions.push(this.actionChunk());
    }
    if (action > this.actionLimit) this.widen(action);
    this.parents[c]![id & CHUNK_MASK] = parent;
    this.actions[c]![id & CHUNK_MASK] = action;
  }

  /** Records the next states from (parent, action) pairs, in order. */
  pushPairs(pairs: Int32Array): void {
    for (let i = 0; i < pairs.length; i += 2) this.push(pairs[i]!, pairs[i + 1]!);
  }

  parentOf(id: number): number {
    return this.parents[id >>> CHUNK_BITS]![id & CHUNK_MASK]!;
  }

  actionOf(id: number): number {
    return this.actions[id >>> CHUNK_BITS]![id & CHUNK_MASK]!;
  }

  pathTo(id: number): number[] {
    return pathFromParents(id, (i) => this.parentOf(i), (i) => this.actionOf(i));
  }

  bytes(): number {
    return this.size * (4 + this.actionBytes);
  }

  private actionChunk(): Uint8Array | Uint16Array | Uint32Array {
    return this.actionBytes === 1 ? new Uint8Array(CHUNK) : this.actionBytes === 2 ? new Uint16Array(CHUNK) : new Uint32Array(CHUNK);
  }

  /** Models with more than 255 (or 65535) transitions out of one state: widen once, keep going. */
  private widen(action: number): void {
    this.actionBytes = action <= 0xffff ? 2 : 4;
    this.actionLimit = this.actionBytes === 2 ? 0xffff : 0xffffffff;
    this.actions = this.actions.map((old) => {
      const wide = this.actionChunk();
      wide.set(old);
      return wide;
    });
  }
}
