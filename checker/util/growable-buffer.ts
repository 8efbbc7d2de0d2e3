/**
 * A SharedArrayBuffer that grows in place (ES2024; Node 20 has it, this project's TypeScript lib
 * not yet). Its largest size is reserved address space, not memory: pages are touched as it is
 * written. Read it through fixed-length views re-made after it grows — Node 20's V8 does not
 * optimise element access through views that track its length (ten times slower, measured).
 */
export type GrowableBuffer = SharedArrayBuffer & { grow(byteLength: number): void };

/** the largest growable buffer Node 20 makes */
export const MAX_GROWABLE_BYTES = 2 ** 32;

const Growable = SharedArrayBuffer as unknown as new (byteLength: number, options: { maxByteLength: number }) => GrowableBuffer;

export function growableBuffer(byteLength: number, maxByteLength: number): GrowableBuffer {
  return new Growable(byteLength, { maxByteLength });
}
