/**
 * Successor records on their way from the partition that generated them to the one owning them:
 * per record its key (parent id, action index) and fingerprint (`meta`, four words), and the
 * state's words (`data`). Wide states (HMM's 250–500 words) are delta-coded against the record
 * before them in the same box, as the BFS levels are (state/frontier.ts): successive records are
 * siblings or children of neighbouring parents and differ in a few words, so a record takes tens
 * of bytes instead of one or two kilobytes, and a level's exchange no longer dominates memory.
 * Narrow states (DVE's 4–16 words) are copied as they are: coding them saves little and costs
 * time. A box is written front to back and read front to back, which is what makes the deltas
 * decodable without an index.
 */
import { putRowDelta, RAW_WIDTH, takeRowDelta } from '../../state/frontier.ts';

export interface RecordBatch {
  /** [parent, action, fp hi, fp lo] per record */
  readonly meta: Int32Array;
  /** the rows: raw words (narrow states) or delta-coded bytes (wide ones) */
  readonly data: Int32Array | Uint8Array;
  readonly count: number;
}

export class RecordWriter {
  private meta: Int32Array;
  private raw: Int32Array;
  private coded: Uint8Array;
  private end = 0;
  private readonly prev: Int32Array;
  private readonly W: number;
  private readonly isRaw: boolean;
  count = 0;

  /** `reuse`: a box received earlier whose buffers may be written over (fresh memory costs page faults) */
  constructor(width: number, expect: number, reuse?: RecordBatch) {
    this.W = width;
    this.isRaw = width <= RAW_WIDTH;
    this.prev = new Int32Array(width);
    this.meta = reuse && reuse.meta.length >= 4 * 64 ? reuse.meta : new Int32Array(4 * Math.max(64, expect));
    const data = reuse?.data;
    this.raw = this.isRaw ? (data instanceof Int32Array && data.length >= width * 64 ? data : new Int32Array(width * Math.max(64, expect))) : new Int32Array(0);
    this.coded = this.isRaw ? new Uint8Array(0) : data instanceof Uint8Array && data.length >= 1 << 12 ? data : new Uint8Array(Math.max(1 << 12, expect * 32));
  }

  push(parent: number, action: number, hi: number, lo: number, src: Int32Array): void {
    const W = this.W;
    const n = this.count++;
    if (4 * n + 4 > this.meta.length) this.meta = grown(this.meta, 4 * n + 4) as Int32Array;
    const m = this.meta;
    m[4 * n] = parent;
    m[4 * n + 1] = action;
    m[4 * n + 2] = hi;
    m[4 * n + 3] = lo;
    if (this.isRaw) {
      if ((n + 1) * W > this.raw.length) this.raw = grown(this.raw, (n + 1) * W) as Int32Array;
      const r = this.raw;
      for (let i = 0, o = n * W; i < W; i++) r[o + i] = src[i]!;
      return;
    }
    // worst case per word: a 5-byte skip and a 5-byte value; plus the end marker
    if (this.end + 10 * W + 1 > this.coded.length) this.coded = grown(this.coded, this.end + 10 * W + 1) as Uint8Array;
    this.end = putRowDelta(this.coded, this.end, src, 0, this.prev);
  }

  finish(): RecordBatch {
    return { meta: this.meta, data: this.isRaw ? this.raw : this.coded, count: this.count };
  }
}

/** Reads a box front to back: the current record's key and fingerprint, then its row. */
export class RecordReader {
  private readonly meta: Int32Array;
  private readonly raw: Int32Array | undefined;
  private readonly coded: Uint8Array | undefined;
  private readonly row: Int32Array;
  private readonly W: number;
  private pos = 0;
  readonly count: number;
  /** index of the current record */
  i = 0;

  constructor(batch: RecordBatch, width: number) {
    this.meta = batch.meta;
    this.count = batch.count;
    this.W = width;
    this.row = new Int32Array(width);
    if (batch.data instanceof Int32Array) this.raw = batch.data;
    else this.coded = batch.data;
  }

  get parent(): number {
    return this.meta[4 * this.i]!;
  }
  get action(): number {
    return this.meta[4 * this.i + 1]!;
  }
  get hi(): number {
    return this.meta[4 * this.i + 2]!;
  }
  get lo(): number {
    return this.meta[4 * this.i + 3]!;
  }

  /** Writes the current record's row into out[off .. off+width) and moves to the next record. */
  next(out: Int32Array, off: number): void {
    const W = this.W;
    if (this.raw !== undefined) {
      const r = this.raw;
      for (let i = 0, o = this.i * W; i < W; i++) out[off + i] = r[o + i]!;
      this.i++;
      return;
    }
    const row = this.row;
    this.pos = takeRowDelta(this.coded!, this.pos, row);
    for (let k = 0; k < W; k++) out[off + k] = row[k]!;
    this.i++;
  }
}

function grown(a: Int32Array | Uint8Array, min: number): Int32Array | Uint8Array {
  let n = a.length * 2;
  while (n < min) n *= 2;
  const b = a instanceof Int32Array ? new Int32Array(n) : new Uint8Array(n);
  b.set(a);
  return b;
}

/** The reader whose current record has the smallest key (parent id, then action index), or undefined when every one is read (few readers: a linear scan beats a heap). */
export function smallestHead(readers: readonly RecordReader[]): RecordReader | undefined {
  let best: RecordReader | undefined;
  let bp = 0;
  let ba = 0;
  for (let q = 0; q < readers.length; q++) {
    const r = readers[q]!;
    if (r.i >= r.count) continue;
    const parent = r.parent;
    const action = r.action;
    if (best === undefined || parent < bp || (parent === bp && action < ba)) {
      best = r;
      bp = parent;
      ba = action;
    }
  }
  return best;
}
