/**
 * Syntax tree of a DVE file as written: names are still the user's text and nothing is resolved.
 * The checker turns this into the resolved form in `system.ts`; only that form reaches code generation.
 */
import type { SourcePos } from './errors.ts';

export type VarType = 'byte' | 'int';

export type UnaryOp = '-' | '~' | 'not';
export type BinaryOp =
  | 'imply' | 'or' | 'and'
  | '|' | '&' | '^'
  | '==' | '!='
  | '<' | '<=' | '>' | '>='
  | '<<' | '>>'
  | '+' | '-'
  | '*' | '/' | '%';

export type Expr =
  | { readonly kind: 'num'; readonly value: number; readonly pos: SourcePos }
  | { readonly kind: 'name'; readonly name: string; readonly pos: SourcePos }
  | { readonly kind: 'index'; readonly name: string; readonly index: Expr; readonly pos: SourcePos }
  /** `P.s`: process P is in control state s. */
  | { readonly kind: 'dot'; readonly proc: string; readonly member: string; readonly pos: SourcePos }
  | { readonly kind: 'unary'; readonly op: UnaryOp; readonly arg: Expr; readonly pos: SourcePos }
  | { readonly kind: 'binary'; readonly op: BinaryOp; readonly left: Expr; readonly right: Expr; readonly pos: SourcePos };

export interface Ident {
  readonly name: string;
  readonly pos: SourcePos;
}

export interface VarDeclItem {
  readonly name: string;
  readonly pos: SourcePos;
  /** Array length expression; absent for scalars. */
  readonly size?: Expr;
  /** A scalar initialiser, or the `{ ... }` list of an array. */
  readonly init?: Expr | { readonly list: readonly Expr[]; readonly pos: SourcePos };
}

export interface VarDecl {
  readonly isConst: boolean;
  readonly type: VarType;
  readonly items: readonly VarDeclItem[];
  readonly pos: SourcePos;
}

export interface ChannelDecl {
  readonly names: readonly Ident[];
  readonly pos: SourcePos;
}

export interface LValue {
  readonly name: string;
  readonly index?: Expr;
  readonly pos: SourcePos;
}

export interface Assign {
  readonly target: LValue;
  readonly value: Expr;
  readonly pos: SourcePos;
}

export interface SyncClause {
  readonly channel: Ident;
  readonly dir: '!' | '?';
  /** `c!e`: the value sent. */
  readonly value?: Expr;
  /** `c?x`: where the received value is stored. */
  readonly target?: LValue;
  readonly pos: SourcePos;
}

export interface TransDecl {
  readonly from: Ident;
  readonly to: Ident;
  readonly guard?: Expr;
  readonly sync?: SyncClause;
  readonly effects: readonly Assign[];
  readonly pos: SourcePos;
}

export interface ProcessDecl {
  readonly name: string;
  readonly pos: SourcePos;
  readonly vars: readonly VarDecl[];
  readonly states: readonly Ident[];
  readonly init: Ident;
  readonly commit: readonly Ident[];
  readonly accept: readonly Ident[];
  readonly trans: readonly TransDecl[];
}

export interface DveFile {
  readonly file: string;
  readonly vars: readonly VarDecl[];
  readonly channels: readonly ChannelDecl[];
  readonly processes: readonly ProcessDecl[];
  readonly system: { readonly kind: 'async'; readonly pos: SourcePos };
}
