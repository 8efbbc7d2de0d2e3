/**
 * A level's rows in shared memory for the shared-table search: each worker writes the new states
 * it numbered (consecutive ids, workers in order) into its own growable buffer, and at the next
 * level every worker reads its share of the level, wherever those rows were written. Wide rows
 * (HMM's hundreds of words) are delta-coded as the BFS levels are (state/frontier.ts), with a
 * restart point every RESTART rows where the row is coded whole, so a reader can start in the
 * middle of another worker's rows; narrow rows (DVE) are copied as they are.
 */
import { putRowDelta, RAW_WIDTH, takeRowDelta } from '../../state/frontier.ts';

const RESTART = 64;
/** a buffer's reserved (virtual) size; it grows into it as the level needs */
const MAX_BYTES = 2 ** 31 - 2 ** 16;

/** A SharedArrayBuffer that grows in place (ES2024; Node 20 has it, this project's TypeScript lib not yet). */
type GrowableBuffer = SharedArrayBuffer & { grow(byteLength: number): void };
const Growable = SharedArrayBuffer as unknown as new (byteLength: number, options: { maxByteLength: number }) => GrowableBuffer;

/**
 * Views of a growable buffer's current length, re-made after it grows. Node 20's V8 does not
 * optimise element access through views that track a growable buffer's length (ten times slower
 * than through a fixed-length view of the same buffer, measured); these fix the length instead.
 */
function bytesOf(b: SharedArrayBuffer): Uint8Array {
  return new Uint8Array(b, 0, b.byteLength);
}
function wordsOf(b: SharedArrayBuffer): Int32Array {
  return new Int32Array(b, 0, b.byteLength >> 2);
}

/** One worker's buffers: its rows (bytes) and, for coded rows, the byte offset of every RESTART-th row. */
export interface LevelBuffers {
  readonly rows: SharedArrayBuffer;
  readonly restarts: SharedArrayBuffer;
}

export function newLevelBuffers(): LevelBuffers {
  return {
    rows: new Growable(1 << 16, { maxByteLength: MAX_BYTES }),
    restarts: new Growable(1 << 12, { maxByteLength: MAX_BYTES }),
  };
}

/** Writes one worker's rows of a level, front to back (its buffers grow as needed). */
export class LevelWriter {
  private readonly W: number;
  private readonly raw: boolean;
  private readonly buffers: LevelBuffers;
  private bytes: Uint8Array<ArrayBufferLike>;
  private words: Int32Array<ArrayBufferLike>;
  private restarts: Int32Array<ArrayBufferLike>;
  private readonly prev: Int32Array;
  private end = 0;
  count = 0;

  constructor(width: number, buffers: LevelBuffers) {
    this.W = width;
    this.raw = width <= RAW_WIDTH;
    this.buffers = buffers;
    this.bytes = bytesOf(buffers.rows);
    this.words = wordsOf(buffers.rows);
    this.restarts = wordsOf(buffers.restarts);
    this.prev = new Int32Array(width);
  }

  reset(): void {
    this.end = 0;
    this.count = 0;
  }

  push(src: Int32Array, off: number): void {
    const W = this.W;
    const k = this.count++;
    if (this.raw) {
      this.ensure(this.buffers.rows, (k + 1) * W * 4);
      const o = k * W;
      for (let i = 0; i < W; i++) this.words[o + i] = src[off + i]!;
      return;
    }
    if (k % RESTART === 0) {
      this.ensure(this.buffers.restarts, (k / RESTART + 1) * 4);
      this.restarts[k / RESTART] = this.end;
      this.prev.fill(0);
    }
    this.ensure(this.buffers.rows, this.end + 10 * W + 1);
    this.end = putRowDelta(this.bytes, this.end, src, off, this.prev);
  }

  /** Grows a buffer to at least `need` bytes (twice its size at least); the views track it. */
  private ensure(b: SharedArrayBuffer, need: number): void {
    if (need <= b.byteLength) return;
    if (need > MAX_BYTES) throw new Error(`a search level needs more than ${MAX_BYTES} bytes of rows in one worker`);
    (b as GrowableBuffer).grow(Math.min(MAX_BYTES, Math.max(need, 2 * b.byteLength)));
    this.bytes = bytesOf(this.buffers.rows);
    this.words = wordsOf(this.buffers.rows);
    this.restarts = wordsOf(this.buffers.restarts);
  }
}

/**
 * Reads rows [from, to) of a level whose rows are spread over the workers' buffers (worker q
 * holding `counts[q]` consecutive rows, workers in order), front to back.
 */
export class LevelReader {
  private readonly W: number;
  private readonly raw: boolean;
  private readonly all: readonly LevelBuffers[];
  private readonly counts: readonly number[];
  /** the worker whose rows are being read, the row within them, and the byte position */
  private q = 0;
  private k = 0;
  private pos = 0;
  private bytes: Uint8Array<ArrayBufferLike> = new Uint8Array(0);
  private words: Int32Array<ArrayBufferLike> = new Int32Array(0);
  private readonly row: Int32Array;

  constructor(width: number, all: readonly LevelBuffers[], counts: readonly number[], from: number) {
    this.W = width;
    this.raw = width <= RAW_WIDTH;
    this.all = all;
    this.counts = counts;
    this.row = new Int32Array(width);
    let k = from;
    let q = 0;
    while (q < counts.length && k >= counts[q]!) k -= counts[q++]!;
    this.open(q, k);
  }

  /** Writes the next row into out. */
  next(out: Int32Array): void {
    while (this.k >= this.counts[this.q]!) this.open(this.q + 1, 0);
    const W = this.W;
    if (this.raw) {
      const o = this.k * W;
      for (let i = 0; i < W; i++) out[i] = this.words[o + i]!;
    } else {
      if (this.k % RESTART === 0) this.row.fill(0);
      this.pos = takeRowDelta(this.bytes, this.pos, this.row);
      for (let i = 0; i < W; i++) out[i] = this.row[i]!;
    }
    this.k++;
  }

  private open(q: number, k: number): void {
    this.q = q;
    this.k = k;
    if (q >= this.counts.length) return;
    const b = this.all[q]!;
    this.bytes = bytesOf(b.rows);
    this.words = wordsOf(b.rows);
    if (this.raw) return;
    // from the restart point at or before row k: decode forward to it
    const r = Math.floor(k / RESTART);
    this.pos = wordsOf(b.restarts)[r]!;
    this.k = r * RESTART;
    for (; this.k < k; this.k++) {
      if (this.k % RESTART === 0) this.row.fill(0);
      this.pos = takeRowDelta(this.bytes, this.pos, this.row);
    }
  }
}
