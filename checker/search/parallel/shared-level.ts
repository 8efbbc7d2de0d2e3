/**
 * A level's rows in shared memory for the shared-table search: each worker writes the new states
 * it numbered into its own growable buffer, one segment per chunk of the level it expanded
 * (consecutive ids), and at the next level every worker reads the chunks it takes, wherever
 * their rows were written: the segments, in id order, say where (`Segments`). Wide rows (HMM's
 * hundreds of words) are delta-coded as the BFS levels are (state/frontier.ts), coded whole at
 * each segment's first row and every RESTART rows after it (restart points), so a reader can
 * start anywhere in another worker's rows; narrow rows (DVE) are copied as they are.
 */
import { putRowDelta, RAW_WIDTH, takeRowDelta } from '../../state/frontier.ts';
import { type GrowableBuffer, growableBuffer } from '../../util/growable-buffer.ts';

const RESTART = 64;
/** a buffer's reserved (virtual) size; it grows into it as the level needs */
const MAX_BYTES = 2 ** 31 - 2 ** 16;

/** Fixed-length views of a growable buffer's current length, re-made after it grows (util/growable-buffer.ts). */
function bytesOf(b: SharedArrayBuffer): Uint8Array {
  return new Uint8Array(b, 0, b.byteLength);
}
function wordsOf(b: SharedArrayBuffer): Int32Array {
  return new Int32Array(b, 0, b.byteLength >> 2);
}

/** One worker's buffers: its rows (bytes) and, for coded rows, its restart points (row, byte offset). */
export interface LevelBuffers {
  readonly rows: SharedArrayBuffer;
  readonly restarts: SharedArrayBuffer;
}

export function newLevelBuffers(): LevelBuffers {
  return {
    rows: growableBuffer(1 << 16, MAX_BYTES),
    restarts: growableBuffer(1 << 12, MAX_BYTES),
  };
}

/**
 * A level's rows in id order: `n` segments, segment i being `count` consecutive rows of worker
 * `owner`'s buffer from its row `start` — words [3i, 3i+3) of `words` = (owner, start, count).
 */
export interface Segments {
  readonly words: Int32Array;
  readonly n: number;
}

/** Writes one worker's rows of a level, front to back (its buffers grow as needed). */
export class LevelWriter {
  private readonly W: number;
  private readonly raw: boolean;
  private readonly buffers: LevelBuffers;
  private bytes: Uint8Array<ArrayBufferLike>;
  private words: Int32Array<ArrayBufferLike>;
  /** word 0: how many restart points; then per restart point its row and byte offset */
  private restarts: Int32Array<ArrayBufferLike>;
  private readonly prev: Int32Array;
  private end = 0;
  /** the rows buffer's size in bytes (a growable buffer's byteLength is slow to ask for every row) */
  private capacity: number;
  private restartN = 0;
  private lastRestart = 0;
  count = 0;

  constructor(width: number, buffers: LevelBuffers) {
    this.W = width;
    this.raw = width <= RAW_WIDTH;
    this.buffers = buffers;
    this.bytes = bytesOf(buffers.rows);
    this.words = wordsOf(buffers.rows);
    this.restarts = wordsOf(buffers.restarts);
    this.capacity = buffers.rows.byteLength;
    this.prev = new Int32Array(width);
  }

  reset(): void {
    this.end = 0;
    this.count = 0;
    this.restartN = 0;
    this.restarts[0] = 0;
  }

  /** The next row starts a segment: returns its row index (and codes it whole). */
  startSegment(): number {
    if (!this.raw) this.restart();
    return this.count;
  }

  push(src: Int32Array, off: number): void {
    const W = this.W;
    const k = this.count;
    if (this.raw) {
      if ((k + 1) * W * 4 > this.capacity) this.ensure(this.buffers.rows, (k + 1) * W * 4);
      const o = k * W;
      for (let i = 0; i < W; i++) this.words[o + i] = src[off + i]!;
      this.count++;
      return;
    }
    if (this.restartN === 0 || k - this.lastRestart >= RESTART) this.restart();
    if (this.end + 10 * W + 1 > this.capacity) this.ensure(this.buffers.rows, this.end + 10 * W + 1);
    this.end = putRowDelta(this.bytes, this.end, src, off, this.prev);
    this.count++;
  }

  /** Appends `n` uncoded rows from src[off ..] (narrow states only: one copy for the run). */
  pushRows(src: Int32Array, off: number, n: number): void {
    if (!this.raw) throw new Error('pushRows: rows of this width are delta-coded, push them one by one');
    const W = this.W;
    const k = this.count;
    if ((k + n) * W * 4 > this.capacity) this.ensure(this.buffers.rows, (k + n) * W * 4);
    this.words.set(src.subarray(off, off + n * W), k * W);
    this.count += n;
  }

  /** The next row is coded whole, and readers may start at it. */
  private restart(): void {
    const k = this.count;
    if (this.restartN > 0 && this.lastRestart === k) return;
    const n = this.restartN++;
    this.ensure(this.buffers.restarts, (2 * n + 3) * 4);
    this.restarts[1 + 2 * n] = k;
    this.restarts[2 + 2 * n] = this.end;
    this.restarts[0] = this.restartN;
    this.lastRestart = k;
    this.prev.fill(0);
  }

  /** Grows a buffer to at least `need` bytes (twice its size at least); the views track it. */
  private ensure(b: SharedArrayBuffer, need: number): void {
    if (need <= b.byteLength) return;
    if (need > MAX_BYTES) throw new Error(`a search level needs more than ${MAX_BYTES} bytes of rows in one worker`);
    (b as GrowableBuffer).grow(Math.min(MAX_BYTES, Math.max(need, 2 * b.byteLength)));
    this.bytes = bytesOf(this.buffers.rows);
    this.words = wordsOf(this.buffers.rows);
    this.restarts = wordsOf(this.buffers.restarts);
    this.capacity = this.buffers.rows.byteLength;
  }
}

/** Reads a level's rows in id order from row `from` on, across segments and workers' buffers. */
export class LevelReader {
  private readonly W: number;
  private readonly raw: boolean;
  private readonly all: readonly LevelBuffers[];
  private readonly segments: Segments;
  /** the segment being read, rows of it left, and the position in its owner's buffer */
  private s = -1;
  private left = 0;
  private pos = 0;
  private k = 0;
  private bytes: Uint8Array<ArrayBufferLike> = new Uint8Array(0);
  private words: Int32Array<ArrayBufferLike> = new Int32Array(0);
  private readonly row: Int32Array;
  /** rows coded whole at: the owner's restart table while reading a coded segment */
  private restarts: Int32Array<ArrayBufferLike> = new Int32Array(0);
  private nextRestart = 0;
  private nextRestartRow = -1;

  constructor(width: number, all: readonly LevelBuffers[], segments: Segments, from: number) {
    this.W = width;
    this.raw = width <= RAW_WIDTH;
    this.all = all;
    this.segments = segments;
    this.row = new Int32Array(width);
    let s = 0;
    let k = from;
    const seg = segments.words;
    while (s < segments.n && k >= seg[3 * s + 2]!) k -= seg[3 * s++ + 2]!;
    this.open(s, k);
  }

  /** Writes the next row into out. */
  next(out: Int32Array): void {
    while (this.left === 0) this.open(this.s + 1, 0);
    const W = this.W;
    if (this.raw) {
      const o = this.k * W;
      for (let i = 0; i < W; i++) out[i] = this.words[o + i]!;
    } else {
      if (this.k === this.nextRestartRow) this.passRestart();
      this.pos = takeRowDelta(this.bytes, this.pos, this.row);
      for (let i = 0; i < W; i++) out[i] = this.row[i]!;
    }
    this.k++;
    this.left--;
  }

  /** Goes to row k of segment s. */
  private open(s: number, k: number): void {
    this.s = s;
    if (s >= this.segments.n) {
      this.left = 0;
      if (s > this.segments.n) throw new Error('read past the end of a search level');
      return;
    }
    const seg = this.segments.words;
    const b = this.all[seg[3 * s]!]!;
    const start = seg[3 * s + 1]!;
    this.left = seg[3 * s + 2]! - k;
    this.k = start + k;
    this.bytes = bytesOf(b.rows);
    this.words = wordsOf(b.rows);
    if (this.raw) return;
    // from the last restart point at or before the row: decode forward to it
    this.restarts = wordsOf(b.restarts);
    const n = this.restarts[0]!;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.restarts[1 + 2 * mid]! <= this.k) lo = mid;
      else hi = mid - 1;
    }
    const target = this.k;
    this.k = this.restarts[1 + 2 * lo]!;
    this.nextRestart = lo;
    this.nextRestartRow = this.k;
    for (; this.k < target; this.k++) {
      if (this.k === this.nextRestartRow) this.passRestart();
      this.pos = takeRowDelta(this.bytes, this.pos, this.row);
    }
  }

  /** At a restart point: the row is coded whole from there on. */
  private passRestart(): void {
    this.pos = this.restarts[2 + 2 * this.nextRestart]!;
    this.row.fill(0);
    this.nextRestart++;
    this.nextRestartRow = this.nextRestart < this.restarts[0]! ? this.restarts[1 + 2 * this.nextRestart]! : -1;
  }
}
