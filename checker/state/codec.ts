/**
 * Canonical state encoding to Int32 words: what the fingerprint and the visited store see.
 * A codec writes fields in a fixed order; set-like fields must be sorted first.
 */
export interface StateCodec<S> {
  encode(s: S, w: WordWriter): void;
  /**
   * For states that already are their canonical word vector (a flat Int32Array model): return
   * those words, exactly what `encode` would write. The engine then fingerprints them in place
   * instead of copying them through a WordWriter.
   */
  view?(s: S): Int32Array;
  /** Only needed to move states between workers; the single-thread engine never decodes. */
  decode?(r: WordReader): S;
}

/** Growable Int32 buffer reused across encodes (no allocation per state once warmed up). */
export class WordWriter {
  buf: Int32Array;
  length = 0;
  constructor(initial = 64) {
    this.buf = new Int32Array(initial);
  }
  reset(): void {
    this.length = 0;
  }
  push(v: number): void {
    if (this.length === this.buf.length) this.grow();
    this.buf[this.length++] = v | 0;
  }
  /** Booleans, small enums and -1 sentinels all go through push; this is for readability at call sites. */
  pushBool(b: boolean): void {
    this.push(b ? 1 : 0);
  }
  private grow(): void {
    const next = new Int32Array(this.buf.length * 2);
    next.set(this.buf);
    this.buf = next;
  }
  /** A copy of the words written so far (tests and state transfer only; not the hot path). */
  toArray(): Int32Array {
    return this.buf.slice(0, this.length);
  }
}

export class WordReader {
  pos = 0;
  readonly words: Int32Array;
  constructor(words: Int32Array) {
    this.words = words;
  }
  next(): number {
    if (this.pos >= this.words.length) throw new RangeError('WordReader: read past end of encoded state');
    return this.words[this.pos++]!;
  }
  nextBool(): boolean {
    return this.next() !== 0;
  }
}
