/** Packing of DVE states into Int32 words (hand-computed layouts). */
import { describe, expect, it } from 'vitest';
import { computeLayout, readField, writeField } from '../../../model/dve/layout.ts';
import { compile } from './helpers.ts';

describe('computeLayout', () => {
  it('packs bytes and control states four per word, ints as aligned halves', () => {
    // Bytes: a@0, b[3]@1..3; int c@4 (aligned); P's control@6; local d@7; int e@8; Q's control@10.
    const c = compile('byte a = 1, b[3] = {2, 3, 4};\nint c = 0 - 2;\nprocess P { byte d = 5; int e = 300; state s, t; init t; }\nprocess Q { state u; init u; }\nsystem async;');
    const l = c.layout;
    expect(l.vars.map((s) => [s.kind, s.byte])).toEqual([['u8', 0], ['u8', 1], ['s16', 4], ['u8', 7], ['s16', 8]]);
    expect(l.control.map((s) => [s.kind, s.byte])).toEqual([['u8', 6], ['u8', 10]]);
    expect(l.width).toBe(3);
    // Word 0 = a | b0<<8 | b1<<16 | b2<<24; word 1 = (c & 0xffff) | P=1 <<16 | d=5 <<24; word 2 = 300 | Q=0 <<16.
    expect(Array.from(computeLayout(c.system).initial)).toEqual([(4 << 24) | (3 << 16) | (2 << 8) | 1, (5 << 24) | (1 << 16) | 0xfffe, 300]);
  });

  it('reads and writes fields without disturbing neighbours', () => {
    const w = new Int32Array(2);
    writeField(w, 'u8', 3, 255);
    writeField(w, 's16', 4, -1);
    writeField(w, 'u16', 6, 65535);
    writeField(w, 'u8', 0, 0x1ff);
    expect([readField(w, 'u8', 3), readField(w, 's16', 4), readField(w, 'u16', 6), readField(w, 'u8', 0), readField(w, 'u8', 1)]).toEqual([255, -1, 65535, 255, 0]);
    expect(Array.from(w)).toEqual([(255 << 24) | 255, -1]);
  });

  it('always has at least one word', () => {
    expect(compile('process P { state s; init s; }\nsystem async;').layout.width).toBe(1);
  });
});
