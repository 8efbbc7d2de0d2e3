/**
 * The checked, resolved form of a DVE file: every name is replaced by a numeric id, constants are
 * folded, and initial values are computed. Code generation reads only this form, so user text can
 * reach generated code only through ids and validated integers.
 */
import type { BinaryOp, UnaryOp, VarType } from './ast.ts';
import type { SourcePos } from './errors.ts';

export interface VarInfo {
  /** Index into DveSystem.vars. */
  readonly id: number;
  /** User's name, for messages and counterexample views only. */
  readonly name: string;
  readonly type: VarType;
  /** Element count for arrays, undefined for scalars. */
  readonly length: number | undefined;
  /** Initial value of every element (one entry for a scalar), already truncated to the type. */
  readonly init: readonly number[];
  /** Owning process index, or -1 for a global. */
  readonly owner: number;
  readonly pos: SourcePos;
}

export type CExpr =
  | { readonly k: 'const'; readonly value: number }
  | { readonly k: 'var'; readonly v: VarInfo }
  | { readonly k: 'elem'; readonly v: VarInfo; readonly index: CExpr; readonly pos: SourcePos }
  | { readonly k: 'inState'; readonly proc: number; readonly state: number }
  | { readonly k: 'unary'; readonly op: UnaryOp; readonly arg: CExpr }
  | { readonly k: 'binary'; readonly op: BinaryOp; readonly left: CExpr; readonly right: CExpr; readonly pos: SourcePos };

export type CLValue =
  | { readonly k: 'var'; readonly v: VarInfo }
  | { readonly k: 'elem'; readonly v: VarInfo; readonly index: CExpr; readonly pos: SourcePos };

export interface CAssign {
  readonly target: CLValue;
  readonly value: CExpr;
}

export interface CSync {
  readonly channel: number;
  readonly dir: '!' | '?';
  readonly value: CExpr | undefined;
  readonly target: CLValue | undefined;
}

export interface CTransition {
  /** Global id: position in DveSystem.transitions. */
  readonly id: number;
  readonly proc: number;
  /** Position within its process's `trans` list. */
  readonly index: number;
  readonly from: number;
  readonly to: number;
  readonly guard: CExpr | undefined;
  readonly sync: CSync | undefined;
  readonly effects: readonly CAssign[];
  readonly pos: SourcePos;
}

export interface CProcess {
  readonly id: number;
  readonly name: string;
  readonly states: readonly string[];
  readonly init: number;
  /** Recorded for later use (DiVinE's committed/accepting states); they do not change the interleaving here. */
  readonly commit: readonly number[];
  readonly accept: readonly number[];
  readonly vars: readonly VarInfo[];
  readonly transitions: readonly CTransition[];
  readonly pos: SourcePos;
}

export interface DveSystem {
  readonly file: string;
  /** All state variables: globals first, then each process's locals. */
  readonly vars: readonly VarInfo[];
  readonly globals: readonly VarInfo[];
  readonly channels: readonly string[];
  readonly processes: readonly CProcess[];
  readonly transitions: readonly CTransition[];
}
