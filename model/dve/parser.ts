/**
 * Recursive-descent parser for the DVE subset of DiVinE 2 (see shared/beem/README.md). It builds the
 * syntax tree in `ast.ts` and reports the first error as `file:line:col`. Precedence follows the
 * DiVinE 2 grammar, which is not C's: `and`/`or` share one level, as do `|`, `&` and `^`.
 */
import type { Assign, BinaryOp, ChannelDecl, DveFile, Expr, Ident, LValue, ProcessDecl, SyncClause, TransDecl, VarDecl, VarDeclItem } from './ast.ts';
import { DveError, type SourcePos } from './errors.ts';
import { tokenize, type Token } from './lexer.ts';

/** Bounds the syntax tree's height so later recursive passes cannot overflow the stack on hostile input. */
export const MAX_EXPR_HEIGHT = 400;

// Binary levels, lowest precedence first; all left-associative.
const LEVELS: readonly (readonly BinaryOp[])[] = [
  ['imply'],
  ['or', 'and'],
  ['|', '&', '^'],
  ['==', '!='],
  ['<', '<=', '>', '>='],
  ['<<', '>>'],
  ['+', '-'],
  ['*', '/', '%'],
];

const SPELLING: Readonly<Record<string, BinaryOp>> = { '||': 'or', '&&': 'and' };

export function parseDve(source: string, file: string): DveFile {
  return new Parser(tokenize(source, file), file).file();
}

/** One expression on its own (a property given on the command line); `where` names it in errors. */
export function parseDveExpression(source: string, where: string): Expr {
  return new Parser(tokenize(source, where), where).wholeExpression();
}

class Parser {
  private readonly toks: Token[];
  private readonly fileName: string;
  private i = 0;

  constructor(toks: Token[], fileName: string) {
    this.toks = toks;
    this.fileName = fileName;
  }

  private get tok(): Token {
    return this.toks[this.i]!;
  }

  private fail(pos: SourcePos, msg: string): never {
    throw new DveError(this.fileName, pos, msg);
  }

  private unexpected(what: string): never {
    const t = this.tok;
    const seen = t.kind === 'eof' ? 'end of file' : `'${t.text}'`;
    this.fail(t.pos, `expected ${what}, found ${seen}`);
  }

  private is(text: string): boolean {
    const t = this.tok;
    return (t.kind === 'op' || t.kind === 'kw') && t.text === text;
  }

  private accept(text: string): boolean {
    if (!this.is(text)) return false;
    this.i++;
    return true;
  }

  private expect(text: string): Token {
    if (!this.is(text)) this.unexpected(`'${text}'`);
    return this.toks[this.i++]!;
  }

  private ident(what = 'an identifier'): Ident {
    const t = this.tok;
    if (t.kind !== 'id') {
      if (t.kind === 'kw') this.fail(t.pos, `expected ${what}, found keyword '${t.text}'`);
      this.unexpected(what);
    }
    this.i++;
    return { name: t.text, pos: t.pos };
  }

  private identList(what: string): Ident[] {
    const out = [this.ident(what)];
    while (this.accept(',')) out.push(this.ident(what));
    return out;
  }

  file(): DveFile {
    const vars: VarDecl[] = [];
    const channels: ChannelDecl[] = [];
    const processes: ProcessDecl[] = [];
    for (;;) {
      const t = this.tok;
      if (this.is('byte') || this.is('int') || this.is('const')) vars.push(this.varDecl());
      else if (this.is('channel')) channels.push(this.channelDecl());
      else if (this.is('process')) processes.push(this.process());
      else if (this.is('system')) {
        this.i++;
        if (this.is('sync')) this.fail(this.tok.pos, 'synchronous systems (`system sync`) are not supported; use `system async`');
        this.expect('async');
        if (this.is('property')) this.fail(this.tok.pos, 'property processes are not supported');
        this.expect(';');
        if (this.tok.kind !== 'eof') this.unexpected('end of file after the system declaration');
        return { file: this.fileName, vars, channels, processes, system: { kind: 'async', pos: t.pos } };
      } else if (t.kind === 'eof') this.fail(t.pos, 'missing `system async;` declaration at end of file');
      else this.unexpected('a declaration (byte, int, const, channel, process or system)');
    }
  }

  private varDecl(): VarDecl {
    const pos = this.tok.pos;
    const isConst = this.accept('const');
    let type: 'byte' | 'int';
    if (this.accept('byte')) type = 'byte';
    else if (this.accept('int')) type = 'int';
    else this.unexpected("a type ('byte' or 'int')");
    const items: VarDeclItem[] = [];
    do items.push(this.varItem());
    while (this.accept(','));
    this.expect(';');
    return { isConst, type, items, pos };
  }

  private varItem(): VarDeclItem {
    const id = this.ident('a variable name');
    let size: Expr | undefined;
    if (this.accept('[')) {
      size = this.expr();
      this.expect(']');
    }
    let init: VarDeclItem['init'];
    if (this.accept('=')) {
      if (this.is('{')) {
        const lpos = this.expect('{').pos;
        const list: Expr[] = [];
        if (!this.is('}')) {
          do list.push(this.expr());
          while (this.accept(','));
        }
        this.expect('}');
        init = { list, pos: lpos };
      } else {
        init = this.expr();
      }
    }
    return { name: id.name, pos: id.pos, ...(size ? { size } : {}), ...(init ? { init } : {}) };
  }

  private channelDecl(): ChannelDecl {
    const pos = this.expect('channel').pos;
    if (this.is('{')) this.fail(this.tok.pos, 'typed (buffered) channels are not supported; only `channel name;` rendezvous channels are');
    const names: Ident[] = [];
    do {
      names.push(this.ident('a channel name'));
      if (this.is('[')) this.fail(this.tok.pos, 'channel arrays and buffered channels are not supported');
    } while (this.accept(','));
    this.expect(';');
    return { names, pos };
  }

  private process(): ProcessDecl {
    const pos = this.expect('process').pos;
    const name = this.ident('a process name');
    if (this.is(':')) this.fail(this.tok.pos, 'process templates are not supported');
    this.expect('{');
    const vars: VarDecl[] = [];
    while (this.is('byte') || this.is('int') || this.is('const')) vars.push(this.varDecl());
    if (this.is('channel')) this.fail(this.tok.pos, 'channels must be declared globally');
    this.expect('state');
    const states = this.identList('a state name');
    this.expect(';');
    this.expect('init');
    const init = this.ident('the initial state name');
    this.expect(';');
    const commit: Ident[] = [];
    const accept: Ident[] = [];
    for (;;) {
      // a loop, not push(...list): a list of many thousand names would overflow the stack
      if (this.accept('commit')) for (const n of this.identList('a state name')) commit.push(n);
      else if (this.accept('accept')) for (const n of this.identList('a state name')) accept.push(n);
      else if (this.is('assert')) this.fail(this.tok.pos, '`assert` is not supported');
      else break;
      this.expect(';');
    }
    const trans: TransDecl[] = [];
    if (this.accept('trans')) {
      do trans.push(this.transition());
      while (this.accept(','));
      this.expect(';');
    }
    this.expect('}');
    return { name: name.name, pos, vars, states, init, commit, accept, trans };
  }

  private transition(): TransDecl {
    const from = this.ident('a source state');
    this.expect('->');
    const to = this.ident('a target state');
    this.expect('{');
    let guard: Expr | undefined;
    let sync: SyncClause | undefined;
    const effects: Assign[] = [];
    if (this.accept('guard')) {
      guard = this.expr();
      this.expect(';');
    }
    if (this.is('sync')) {
      sync = this.sync();
      this.expect(';');
    }
    if (this.accept('effect')) {
      if (!this.is(';')) {
        do effects.push(this.assign());
        while (this.accept(','));
      }
      this.expect(';');
    }
    if (!this.is('}')) this.unexpected("'}' (a transition body is `guard ...; sync ...; effect ...;` in that order)");
    this.i++;
    return { from, to, effects, pos: from.pos, ...(guard ? { guard } : {}), ...(sync ? { sync } : {}) };
  }

  private sync(): SyncClause {
    const pos = this.expect('sync').pos;
    const channel = this.ident('a channel name');
    if (this.is('[')) this.fail(this.tok.pos, 'channel arrays are not supported');
    if (this.accept('!')) {
      if (this.is(';')) return { channel, dir: '!', pos };
      return { channel, dir: '!', value: this.expr(), pos };
    }
    if (this.accept('?')) {
      if (this.is(';')) return { channel, dir: '?', pos };
      return { channel, dir: '?', target: this.lvalue(), pos };
    }
    this.unexpected("'!' or '?' after the channel name");
  }

  private lvalue(): LValue {
    const id = this.ident('a variable to assign');
    if (this.accept('[')) {
      const index = this.expr();
      this.expect(']');
      return { name: id.name, index, pos: id.pos };
    }
    return { name: id.name, pos: id.pos };
  }

  private assign(): Assign {
    const target = this.lvalue();
    const pos = this.expect('=').pos;
    return { target, value: this.expr(), pos };
  }

  wholeExpression(): Expr {
    const e = this.expr();
    if (this.tok.kind !== 'eof') this.unexpected('end of the expression');
    return e;
  }

  /** A full expression, with its height checked (see MAX_EXPR_HEIGHT). */
  private expr(): Expr {
    const start = this.tok.pos;
    const e = this.binary(0, 0);
    if (height(e) > MAX_EXPR_HEIGHT) this.fail(start, `expression nested too deeply (more than ${MAX_EXPR_HEIGHT} levels)`);
    return e;
  }

  private binary(level: number, depth: number): Expr {
    if (level >= LEVELS.length) return this.unary(depth);
    const ops = LEVELS[level]!;
    let left = this.binary(level + 1, depth);
    for (;;) {
      const t = this.tok;
      if (t.kind !== 'op' && t.kind !== 'kw') return left;
      const op = SPELLING[t.text] ?? (t.text as BinaryOp);
      if (!ops.includes(op)) return left;
      this.i++;
      const right = this.binary(level + 1, depth);
      left = { kind: 'binary', op, left, right, pos: t.pos };
    }
  }

  private unary(depth: number): Expr {
    const t = this.tok;
    // Nesting only grows through unary operators and parentheses; each costs a few stack frames.
    if (depth > MAX_EXPR_HEIGHT) this.fail(t.pos, `expression nested too deeply (more than ${MAX_EXPR_HEIGHT} levels)`);
    if (this.accept('-')) return { kind: 'unary', op: '-', arg: this.unary(depth + 1), pos: t.pos };
    if (this.accept('~')) return { kind: 'unary', op: '~', arg: this.unary(depth + 1), pos: t.pos };
    if (this.accept('not')) return { kind: 'unary', op: 'not', arg: this.unary(depth + 1), pos: t.pos };
    if (this.is('!')) this.fail(t.pos, "'!' is not negation in DVE; use 'not'");
    return this.primary(depth);
  }

  private primary(depth: number): Expr {
    const t = this.tok;
    if (t.kind === 'num') {
      this.i++;
      return { kind: 'num', value: t.value, pos: t.pos };
    }
    if (this.accept('true')) return { kind: 'num', value: 1, pos: t.pos };
    if (this.accept('false')) return { kind: 'num', value: 0, pos: t.pos };
    if (this.accept('(')) {
      const e = this.binary(0, depth + 1);
      this.expect(')');
      return e;
    }
    if (t.kind === 'id') {
      this.i++;
      if (this.accept('[')) {
        const index = this.binary(0, depth + 1);
        this.expect(']');
        return { kind: 'index', name: t.text, index, pos: t.pos };
      }
      if (this.accept('.')) {
        const member = this.ident('a state name after \'.\'');
        return { kind: 'dot', proc: t.text, member: member.name, pos: t.pos };
      }
      if (this.is('->')) this.fail(this.tok.pos, 'references to another process\'s variables (`P->x`) are not supported');
      return { kind: 'name', name: t.text, pos: t.pos };
    }
    this.unexpected('an expression');
  }
}

/** Height of an expression tree, computed without recursion (the tree may be hostile). */
export function height(root: Expr): number {
  let max = 0;
  const stack: [Expr, number][] = [[root, 1]];
  while (stack.length > 0) {
    const [e, h] = stack.pop()!;
    if (h > max) max = h;
    if (e.kind === 'unary') stack.push([e.arg, h + 1]);
    else if (e.kind === 'index') stack.push([e.index, h + 1]);
    else if (e.kind === 'binary') stack.push([e.left, h + 1], [e.right, h + 1]);
  }
  return max;
}
