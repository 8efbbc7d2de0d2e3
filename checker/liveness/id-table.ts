/**
 * Fingerprint → dense state id, in typed arrays. The safety store (state/visited-store.ts) keeps
 * no ids in its table, to stay under 16 bytes per state; the liveness graph needs the id of a
 * state it meets again (to draw the edge), so it keeps this table beside the graph instead.
 * Ids are handed out in insertion order, as the safety store does, so both number states alike.
 */
export class IdTable {
  private his: Int32Array;
  private los: Int32Array;
  private ids: Int32Array;
  private mask: number;
  size = 0;

  constructor(capacity = 1 << 12) {
    this.his = new Int32Array(capacity);
    this.los = new Int32Array(capacity);
    this.ids = new Int32Array(capacity).fill(-1);
    this.mask = capacity - 1;
  }

  /** The id of (hi, lo), inserting it with the next id when absent; `added` tells which. */
  added = false;
  idOf(hi: number, lo: number): number {
    if (this.size * 2 >= this.mask) this.grow();
    let i = (lo ^ Math.imul(hi, 0x9e3779b1)) & this.mask;
    for (;;) {
      const id = this.ids[i]!;
      if (id < 0) {
        this.his[i] = hi;
        this.los[i] = lo;
        this.ids[i] = this.size;
        this.added = true;
        return this.size++;
      }
      if (this.his[i] === hi && this.los[i] === lo) {
        this.added = false;
        return id;
      }
      i = (i + 1) & this.mask;
    }
  }

  bytes(): number {
    return this.his.byteLength * 3;
  }

  private grow(): void {
    const { his, los, ids } = this;
    const cap = his.length * 2;
    this.his = new Int32Array(cap);
    this.los = new Int32Array(cap);
    this.ids = new Int32Array(cap).fill(-1);
    this.mask = cap - 1;
    for (let j = 0; j < ids.length; j++) {
      const id = ids[j]!;
      if (id < 0) continue;
      const hi = his[j]!;
      const lo = los[j]!;
      let i = (lo ^ Math.imul(hi, 0x9e3779b1)) & this.mask;
      while (this.ids[i]! >= 0) i = (i + 1) & this.mask;
      this.his[i] = hi;
      this.los[i] = lo;
      this.ids[i] = id;
    }
  }
}
