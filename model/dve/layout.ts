/**
 * Packing of a DVE state into Int32 words. Fingerprinting and storage cost grow with the vector's
 * width, so fields are packed tightly: bytes and control states (≤ 256 states) take 8 bits, `int`
 * and larger control states take 16 bits aligned to a half word. Order: globals in declaration order,
 * then per process its control state and its locals (README rule 1). Unused bits are always 0, so
 * every state has exactly one vector (the codec is canonical).
 */
import { DveError, type SourcePos } from './errors.ts';
import type { DveSystem, VarInfo } from './system.ts';

/** A field's storage: 8-bit unsigned, 16-bit signed (`int`) or 16-bit unsigned (large control states). */
export type SlotKind = 'u8' | 's16' | 'u16';

export interface Slot {
  readonly kind: SlotKind;
  /** Offset in bytes from the start of the vector. */
  readonly byte: number;
}

export interface Layout {
  /** Number of Int32 words. */
  readonly width: number;
  /** Control-state slot of each process. */
  readonly control: readonly Slot[];
  /** First element's slot of each variable (by VarInfo.id); elements follow at `size` bytes each. */
  readonly vars: readonly Slot[];
  /** The initial state vector. */
  readonly initial: Int32Array;
}

/** Upper bound on the vector (bytes); hostile files could otherwise ask for gigabytes per state. */
export const MAX_STATE_BYTES = 1 << 16;

export function slotSize(kind: SlotKind): number {
  return kind === 'u8' ? 1 : 2;
}

export function computeLayout(sys: DveSystem): Layout {
  let next = 0;
  const place = (kind: SlotKind, count: number, pos: SourcePos): Slot => {
    const size = slotSize(kind);
    if (size === 2 && next % 2 !== 0) next++;
    const slot = { kind, byte: next };
    next += size * count;
    if (next > MAX_STATE_BYTES) throw new DveError(sys.file, pos, `the state vector would exceed ${MAX_STATE_BYTES} bytes`);
    return slot;
  };
  const varSlots = new Array<Slot>(sys.vars.length);
  const placeVar = (v: VarInfo): void => {
    varSlots[v.id] = place(v.type === 'byte' ? 'u8' : 's16', v.length ?? 1, v.pos);
  };
  sys.globals.forEach(placeVar);
  const control: Slot[] = [];
  for (const p of sys.processes) {
    control.push(place(p.states.length <= 256 ? 'u8' : 'u16', 1, p.pos));
    p.vars.forEach(placeVar);
  }
  const width = Math.max(1, Math.ceil(next / 4));
  const initial = new Int32Array(width);
  for (const v of sys.vars) {
    const slot = varSlots[v.id]!;
    v.init.forEach((x, i) => writeField(initial, slot.kind, slot.byte + i * slotSize(slot.kind), x));
  }
  sys.processes.forEach((p, i) => writeField(initial, control[i]!.kind, control[i]!.byte, p.init));
  return { width, control, vars: varSlots, initial };
}

/** Reads a field (used for initial states and views; generated code inlines the same bit operations). */
export function readField(words: ArrayLike<number>, kind: SlotKind, byte: number, base = 0): number {
  const w = words[base + (byte >> 2)]! | 0;
  const sh = (byte & 3) << 3;
  if (kind === 'u8') return (w >>> sh) & 255;
  if (kind === 'u16') return (w >>> sh) & 0xffff;
  return (w << (16 - sh)) >> 16;
}

export function writeField(words: Int32Array, kind: SlotKind, byte: number, value: number): void {
  const q = byte >> 2;
  const sh = (byte & 3) << 3;
  const mask = kind === 'u8' ? 255 : 0xffff;
  words[q] = (words[q]! & ~(mask << sh)) | ((value & mask) << sh);
}
