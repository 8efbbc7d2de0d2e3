/** A typed array that grows by doubling as values are appended (the liveness graph's CSR arrays and labels). */
export type GrowableArray = Int32Array | Uint8Array;

export class Grow<T extends GrowableArray> {
  a: T;
  n = 0;
  private readonly Ctor: new (n: number) => T;
  constructor(Ctor: new (n: number) => T, cap: number) {
    this.Ctor = Ctor;
    this.a = new Ctor(cap);
  }
  push(v: number): void {
    if (this.n === this.a.length) this.reserve(1);
    this.a[this.n++] = v;
  }
  append(vs: T): void {
    this.reserve(vs.length);
    this.a.set(vs, this.n);
    this.n += vs.length;
  }
  private reserve(more: number): void {
    if (this.n + more <= this.a.length) return;
    let cap = this.a.length * 2;
    while (cap < this.n + more) cap *= 2;
    const b = new this.Ctor(cap);
    b.set(this.a);
    this.a = b;
  }
  done(): T {
    return this.a.subarray(0, this.n) as T;
  }
}
