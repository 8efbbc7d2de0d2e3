/**
 * A typed array that grows as values are appended (the liveness graph's CSR arrays and labels).
 *
 * Why a growable SharedArrayBuffer, in one thread: it grows in place. Doubling a plain typed
 * array copies it into fresh memory each time, so the graph's arrays were written about twice
 * and their memory touched fresh twice over (page faults cost 2.6 ms per MB on the VM measured);
 * here only the pages a value lands on are touched, once. Measured on BEEM at.3's leads-to check
 * (two sets of interleaved runs): one thread 1.86–2.29 s and 1.83–1.90 s against 1.97–2.31 s and
 * 2.21–2.24 s, peak RSS 210–229 MB against 237–245 MB; the graph built on two workers (whose
 * coordinator lays every edge out alone) 2.61–3.18 s and 2.63–3.17 s against 3.29–3.32 s and
 * 2.76–3.54 s. Past the largest buffer V8 makes (4 GB), the array is copied into a plain one
 * and goes on doubling.
 */
import { type GrowableBuffer, growableBuffer, MAX_GROWABLE_BYTES } from '../util/growable-buffer.ts';

export type GrowableArray = Int32Array | Uint8Array;

type ArrayOf<T> = { new (n: number): T; new (b: SharedArrayBuffer, offset: number, length: number): T; readonly BYTES_PER_ELEMENT: number };

export class Grow<T extends GrowableArray> {
  a: T;
  n = 0;
  private readonly Ctor: ArrayOf<T>;
  /** where `a` lives while it fits; undefined once it moved to a plain array */
  private buffer: GrowableBuffer | undefined;
  private readonly maxBytes: number;

  /** `maxBytes`: how large the growable buffer may grow (tests make it small) */
  constructor(Ctor: new (n: number) => T, cap: number, maxBytes = MAX_GROWABLE_BYTES) {
    this.Ctor = Ctor as ArrayOf<T>;
    this.maxBytes = maxBytes;
    const bytes = cap * this.Ctor.BYTES_PER_ELEMENT;
    if (bytes <= maxBytes) {
      this.buffer = growableBuffer(bytes, maxBytes);
      this.a = new this.Ctor(this.buffer, 0, cap);
    } else {
      this.a = new this.Ctor(cap);
    }
  }

  push(v: number): void {
    if (this.n === this.a.length) this.ensure(this.n + 1);
    this.a[this.n++] = v;
  }

  append(vs: T): void {
    this.ensure(this.n + vs.length);
    this.a.set(vs, this.n);
    this.n += vs.length;
  }

  /** Makes room for at least `min` values: the capacity times `factor` until it holds them. */
  ensure(min: number, factor = 2): void {
    if (min <= this.a.length) return;
    let cap = Math.max(1, this.a.length);
    while (cap < min) cap = Math.ceil(cap * factor);
    const bytes = cap * this.Ctor.BYTES_PER_ELEMENT;
    if (this.buffer !== undefined && bytes <= this.maxBytes) {
      this.buffer.grow(bytes);
      this.a = new this.Ctor(this.buffer, 0, cap);
      return;
    }
    this.buffer = undefined;
    const b = new this.Ctor(cap);
    b.set(this.a);
    this.a = b;
  }

  done(): T {
    return this.a.subarray(0, this.n) as T;
  }
}
