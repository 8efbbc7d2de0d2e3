/**
 * The arithmetic of DVE values, in one place so constant folding and generated code agree
 * (README rules 5 and 6). Generated code inlines the same operations; `codegen.ts` must stay in
 * step with these functions, and the codegen tests compare the two on random operands.
 *
 * Intermediate results are JavaScript numbers, not truncated (README rule 5: only the store is).
 * Where DiVinE's C `int` arithmetic would wrap (beyond ±2^31) we keep the exact value, and past
 * 2^53 a double loses precision. Stored values are bytes or 16-bit ints, so this only matters for
 * long products of large intermediates; none of the BEEM files comes near it.
 */
import type { BinaryOp, UnaryOp, VarType } from './ast.ts';

/** `byte` stores `v & 255`; `int` stores a 16-bit signed truncation (DiVinE's sshort_int_t). */
export function truncate(type: VarType, v: number): number {
  return type === 'byte' ? v & 255 : (v << 16) >> 16;
}

/** Value of a unary operator; comparisons and logic give 0 or 1. */
export function applyUnary(op: UnaryOp, a: number): number {
  switch (op) {
    case '-':
      return 0 - a; // not `-a`: avoids -0
    case '~':
      return ~a;
    case 'not':
      return a === 0 ? 1 : 0;
  }
}

/**
 * Value of a binary operator on already evaluated operands, or `undefined` for a division or
 * remainder by zero (a runtime error in DiVinE). `and`/`or`/`imply` short-circuit in evaluation;
 * given both operands their value is the usual truth table.
 */
export function applyBinary(op: BinaryOp, a: number, b: number): number | undefined {
  switch (op) {
    case 'imply':
      return a === 0 || b !== 0 ? 1 : 0;
    case 'or':
      return a !== 0 || b !== 0 ? 1 : 0;
    case 'and':
      return a !== 0 && b !== 0 ? 1 : 0;
    case '|':
      return a | b;
    case '&':
      return a & b;
    case '^':
      return a ^ b;
    case '==':
      return a === b ? 1 : 0;
    case '!=':
      return a !== b ? 1 : 0;
    case '<':
      return a < b ? 1 : 0;
    case '<=':
      return a <= b ? 1 : 0;
    case '>':
      return a > b ? 1 : 0;
    case '>=':
      return a >= b ? 1 : 0;
    case '<<':
      return a << b;
    case '>>':
      return a >> b;
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      // C truncates toward zero; `+ 0` turns -0 into 0 so values stay small integers.
      return b === 0 ? undefined : Math.trunc(a / b) + 0;
    case '%':
      return b === 0 ? undefined : (a % b) + 0;
  }
}
