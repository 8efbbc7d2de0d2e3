/**
 * One BFS level of fixed-width Int32 states, kept compressed: each row is stored as its
 * difference from the row before it (zigzag varints of the changed words, with the run of
 * unchanged words before each). Successive rows of a level are siblings or children of
 * neighbouring parents, so they differ in a few words: an HMM state of 250–320 words takes tens
 * of bytes instead of a kilobyte, and the widest level no longer dominates peak memory.
 *
 * Rows are read back in the order they were written (a level is consumed front to back), which
 * is what makes the delta against the previous row decodable without an index.
 *
 * Narrow rows (at most RAW_WIDTH words, e.g. the DVE models' 4–16) are kept as they are: coding
 * them saves little memory and costs a third of the search's time (BEEM at.4, 4 words).
 */
export const RAW_WIDTH = 16;

export class Frontier {
  private bytes = new Uint8Array(1 << 16);
  private end = 0;
  private readonly prevW: Int32Array;
  private readonly prevR: Int32Array;
  private readPos = 0;
  private ids = new Int32Array(1024);
  /** rows kept uncoded (narrow states) */
  private readonly raw: boolean;
  private rows = new Int32Array(0);
  /** rows written */
  size = 0;
  /** rows read */
  private readN = 0;

  readonly width: number;

  constructor(width: number) {
    this.width = width;
    this.raw = width <= RAW_WIDTH;
    if (this.raw) this.rows = new Int32Array(width * 1024);
    this.prevW = new Int32Array(width);
    this.prevR = new Int32Array(width);
  }

  /** Empties the level (the buffers are kept for the next one). */
  reset(): void {
    this.end = 0;
    this.size = 0;
    this.readPos = 0;
    this.readN = 0;
    this.prevW.fill(0);
    this.prevR.fill(0);
  }

  /** Reads the level again from its first row. */
  rewind(): void {
    this.readPos = 0;
    this.readN = 0;
    this.prevR.fill(0);
  }

  /** The rows as they are, row k at [k * width, (k + 1) * width), when kept uncoded (narrow states); else undefined. */
  get rawRows(): Int32Array | undefined {
    return this.raw ? this.rows : undefined;
  }

  /** bytes of row data held (for the progress line and tests) */
  get byteLength(): number {
    return this.raw ? this.size * this.width * 4 : this.end;
  }

  /** Appends the row src[off .. off+width) with its state id. */
  push(src: Int32Array, off: number, id: number): void {
    const W = this.width;
    if (this.raw) {
      if ((this.size + 1) * W > this.rows.length) {
        const r = new Int32Array(this.rows.length * 2);
        r.set(this.rows);
        this.rows = r;
      }
      if (this.size === this.ids.length) {
        const ids = new Int32Array(this.ids.length * 2);
        ids.set(this.ids);
        this.ids = ids;
      }
      const base = this.size * W;
      for (let i = 0; i < W; i++) this.rows[base + i] = src[off + i]!;
      this.ids[this.size++] = id;
      return;
    }
    // worst case per word: a 5-byte skip and a 5-byte value; plus the end marker
    if (this.end + 10 * W + 1 > this.bytes.length) this.grow(this.end + 10 * W + 1);
    if (this.size === this.ids.length) {
      const ids = new Int32Array(this.ids.length * 2);
      ids.set(this.ids);
      this.ids = ids;
    }
    this.ids[this.size++] = id;
    this.end = putRowDelta(this.bytes, this.end, src, off, this.prevW);
  }

  /** Are there rows left to read? */
  get hasNext(): boolean {
    return this.readN < this.size;
  }

  /** Decodes the next row into out[0 .. width) and returns its state id. */
  next(out: Int32Array): number {
    if (this.raw) {
      const W = this.width;
      const base = this.readN * W;
      for (let i = 0; i < W; i++) out[i] = this.rows[base + i]!;
      return this.ids[this.readN++]!;
    }
    this.readPos = takeRowDelta(this.bytes, this.readPos, this.prevR);
    out.set(this.prevR);
    return this.ids[this.readN++]!;
  }

  private grow(min: number): void {
    let n = this.bytes.length * 2;
    while (n < min) n *= 2;
    const nb = new Uint8Array(n);
    nb.set(this.bytes.subarray(0, this.end));
    this.bytes = nb;
  }
}

/**
 * Codes the row src[off .. off + prev.length) as its difference from `prev` into b at p (which
 * must have room for 10 bytes per word and one): per changed word, the skip from the previous
 * changed word + 1 (0 ends the row) and the zigzag delta, as varints. Updates `prev` to the row;
 * returns the position after it.
 */
export function putRowDelta(b: Uint8Array, p: number, src: Int32Array, off: number, prev: Int32Array): number {
  let last = -1;
  for (let i = 0; i < prev.length; i++) {
    const v = src[off + i]!;
    const d = (v - prev[i]!) | 0;
    if (d === 0) continue;
    prev[i] = v;
    p = putVarint(b, p, i - last);
    p = putVarint(b, p, ((d << 1) ^ (d >> 31)) >>> 0);
    last = i;
  }
  b[p++] = 0;
  return p;
}

/** Applies the row difference coded at b[p] (putRowDelta) to `row`; returns the position after it. */
export function takeRowDelta(b: Uint8Array, p: number, row: Int32Array): number {
  let i = -1;
  for (;;) {
    let skip = 0;
    let shift = 0;
    let x: number;
    do {
      x = b[p++]!;
      skip |= (x & 0x7f) << shift;
      shift += 7;
    } while (x >= 0x80);
    if (skip === 0) return p;
    i += skip;
    let z = 0;
    shift = 0;
    do {
      x = b[p++]!;
      z += (x & 0x7f) * 2 ** shift;
      shift += 7;
    } while (x >= 0x80);
    row[i] = (row[i]! + ((z >>> 1) ^ -(z & 1))) | 0;
  }
}

function putVarint(b: Uint8Array, p: number, v: number): number {
  while (v >= 0x80) {
    b[p++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  b[p++] = v;
  return p;
}
