/**
 * Name resolution, typing and constant evaluation: turns the syntax tree into the resolved
 * `DveSystem`. Every rejection is a DveError at the offending `file:line:col`. Symbol tables are Maps,
 * never plain objects, so names like `__proto__` or `constructor` are ordinary names.
 */
import type { Assign, DveFile, Expr, Ident, LValue, ProcessDecl, VarDecl } from './ast.ts';
import { DveError, type SourcePos } from './errors.ts';
import { applyBinary, applyUnary, truncate } from './semantics.ts';
import type { CAssign, CExpr, CLValue, CProcess, CSync, CTransition, DveSystem, VarInfo } from './system.ts';

/** Largest array we accept; bounds memory and generated code on hostile input. */
export const MAX_ARRAY_LENGTH = 65536;
/** Control states are stored in 16 bits at most. */
export const MAX_STATES_PER_PROCESS = 65536;
export const MAX_PROCESSES = 4096;
export const MAX_TRANSITIONS = 200_000;

type Entry =
  | { readonly kind: 'var'; readonly v: VarInfo }
  | { readonly kind: 'const'; readonly value: number; readonly pos: SourcePos }
  | { readonly kind: 'channel'; readonly id: number; readonly pos: SourcePos };

interface ProcInfo {
  readonly index: number;
  readonly decl: ProcessDecl;
  readonly states: Map<string, number>;
}

interface ChannelUse {
  withValue: boolean;
  pos: SourcePos;
}

export function checkDve(ast: DveFile): DveSystem {
  return new Checker(ast).run();
}

class Checker {
  private readonly ast: DveFile;
  private readonly file: string;
  private readonly vars: VarInfo[] = [];
  private readonly globals = new Map<string, Entry>();
  private readonly procs = new Map<string, ProcInfo>();
  private readonly channelNames: string[] = [];
  private readonly channelUse = new Map<number, ChannelUse>();

  constructor(ast: DveFile) {
    this.ast = ast;
    this.file = ast.file;
  }

  private fail(pos: SourcePos, msg: string): never {
    throw new DveError(this.file, pos, msg);
  }

  run(): DveSystem {
    const ast = this.ast;
    for (const d of ast.vars) this.declareVars(d, this.globals, -1);
    for (const c of ast.channels) {
      for (const id of c.names) {
        this.noDuplicate(this.globals, id);
        this.globals.set(id.name, { kind: 'channel', id: this.channelNames.length, pos: id.pos });
        this.channelNames.push(id.name);
      }
    }
    if (ast.processes.length === 0) this.fail(ast.system.pos, 'the system has no processes');
    if (ast.processes.length > MAX_PROCESSES) this.fail(ast.processes[MAX_PROCESSES]!.pos, `more than ${MAX_PROCESSES} processes`);

    // Processes and their states first: `P.s` may name a process declared later.
    ast.processes.forEach((p, index) => {
      if (this.procs.has(p.name)) this.fail(p.pos, `duplicate process '${p.name}'`);
      if (p.states.length > MAX_STATES_PER_PROCESS) this.fail(p.pos, `process '${p.name}' has more than ${MAX_STATES_PER_PROCESS} states`);
      const states = new Map<string, number>();
      p.states.forEach((s, i) => {
        if (states.has(s.name)) this.fail(s.pos, `duplicate state '${s.name}' in process '${p.name}'`);
        states.set(s.name, i);
      });
      this.procs.set(p.name, { index, decl: p, states });
    });

    const globalVars = this.vars.slice();
    const processes: CProcess[] = [];
    const transitions: CTransition[] = [];
    for (const info of this.procs.values()) processes.push(this.process(info, transitions));
    return { file: this.file, vars: this.vars, globals: globalVars, channels: this.channelNames, processes, transitions };
  }

  private noDuplicate(scope: Map<string, Entry>, id: Ident): void {
    const prev = scope.get(id.name);
    if (prev) {
      const at = prev.kind === 'var' ? prev.v.pos : prev.pos;
      this.fail(id.pos, `'${id.name}' is already declared at ${this.file}:${at.line}:${at.col}`);
    }
  }

  private declareVars(d: VarDecl, scope: Map<string, Entry>, owner: number, outer?: Map<string, Entry>): VarInfo[] {
    const out: VarInfo[] = [];
    const lookupScope = (name: string): Entry | undefined => scope.get(name) ?? outer?.get(name);
    for (const item of d.items) {
      this.noDuplicate(scope, item);
      const length = item.size === undefined ? undefined : this.constInt(item.size, lookupScope, 'array size');
      if (length !== undefined && (length < 1 || length > MAX_ARRAY_LENGTH)) {
        this.fail(item.size!.pos, `array size ${length} is out of range (1..${MAX_ARRAY_LENGTH})`);
      }
      if (d.isConst) {
        if (length !== undefined) this.fail(item.pos, 'constant arrays are not supported');
        if (item.init === undefined) this.fail(item.pos, `constant '${item.name}' needs an initialiser`);
        if ('list' in item.init) this.fail(item.init.pos, 'a scalar constant cannot have a { ... } initialiser');
        const value = truncate(d.type, this.constInt(item.init, lookupScope, 'constant initialiser'));
        scope.set(item.name, { kind: 'const', value, pos: item.pos });
        continue;
      }
      const init: number[] = new Array<number>(length ?? 1).fill(0);
      if (item.init !== undefined) {
        if ('list' in item.init) {
          if (length === undefined) this.fail(item.init.pos, `scalar '${item.name}' cannot have a { ... } initialiser`);
          if (item.init.list.length > length) {
            this.fail(item.init.pos, `initialiser of '${item.name}' has ${item.init.list.length} values but the array has ${length} elements`);
          }
          item.init.list.forEach((e, i) => {
            init[i] = truncate(d.type, this.constInt(e, lookupScope, 'initialiser'));
          });
        } else {
          if (length !== undefined) this.fail(item.init.pos, `array '${item.name}' needs a { ... } initialiser`);
          init[0] = truncate(d.type, this.constInt(item.init, lookupScope, 'initialiser'));
        }
      }
      const v: VarInfo = { id: this.vars.length, name: item.name, type: d.type, length, init, owner, pos: item.pos };
      this.vars.push(v);
      scope.set(item.name, { kind: 'var', v });
      out.push(v);
    }
    return out;
  }

  /** Evaluates a constant expression (literals and `const` names only). */
  private constInt(e: Expr, lookup: (name: string) => Entry | undefined, what: string): number {
    const c = this.expr(e, lookup, true);
    if (c.k !== 'const') this.fail(e.pos, `${what} must be a constant expression`);
    return c.value;
  }

  private process(info: ProcInfo, all: CTransition[]): CProcess {
    const p = info.decl;
    const scope = new Map<string, Entry>();
    const locals: VarInfo[] = [];
    for (const d of p.vars) for (const v of this.declareVars(d, scope, info.index, this.globals)) locals.push(v);
    const lookup = (name: string): Entry | undefined => scope.get(name) ?? this.globals.get(name);
    const stateOf = (id: Ident): number => {
      const s = info.states.get(id.name);
      if (s === undefined) this.fail(id.pos, `unknown state '${id.name}' in process '${p.name}'`);
      return s;
    };
    const init = stateOf(p.init);
    const commit = p.commit.map(stateOf);
    // DiVinE lets only committed processes move while any process is in a committed state; we do
    // not implement that restriction, and ignoring it would silently give wrong state counts.
    if (p.commit.length > 0) {
      this.fail(p.commit[0]!.pos, `committed states are not supported (process '${p.name}'): they restrict the interleaving, which this checker does not implement; remove the commit declaration only if the model does not rely on it`);
    }
    const accept = p.accept.map(stateOf);
    const transitions: CTransition[] = [];
    p.trans.forEach((t, index) => {
      if (all.length >= MAX_TRANSITIONS) this.fail(t.pos, `more than ${MAX_TRANSITIONS} transitions`);
      const guard = t.guard === undefined ? undefined : this.expr(t.guard, lookup, false);
      let sync: CSync | undefined;
      if (t.sync) {
        const entry = this.globals.get(t.sync.channel.name);
        if (entry?.kind !== 'channel') {
          this.fail(t.sync.channel.pos, entry ? `'${t.sync.channel.name}' is not a channel` : `unknown channel '${t.sync.channel.name}'`);
        }
        const withValue = t.sync.value !== undefined || t.sync.target !== undefined;
        const prev = this.channelUse.get(entry.id);
        if (prev && prev.withValue !== withValue) {
          this.fail(t.sync.pos, `channel '${t.sync.channel.name}' is used ${withValue ? 'with' : 'without'} a value here but ${prev.withValue ? 'with' : 'without'} one at ${this.file}:${prev.pos.line}:${prev.pos.col}`);
        }
        if (!prev) this.channelUse.set(entry.id, { withValue, pos: t.sync.pos });
        sync = {
          channel: entry.id,
          dir: t.sync.dir,
          value: t.sync.value === undefined ? undefined : this.expr(t.sync.value, lookup, false),
          target: t.sync.target === undefined ? undefined : this.lvalue(t.sync.target, lookup),
        };
      }
      const effects = t.effects.map((a: Assign): CAssign => ({ target: this.lvalue(a.target, lookup), value: this.expr(a.value, lookup, false) }));
      const ct: CTransition = { id: all.length, proc: info.index, index, from: stateOf(t.from), to: stateOf(t.to), guard, sync, effects, pos: t.pos };
      all.push(ct);
      transitions.push(ct);
    });
    return { id: info.index, name: p.name, states: p.states.map((s) => s.name), init, commit, accept, vars: locals, transitions, pos: p.pos };
  }

  private lvalue(l: LValue, lookup: (name: string) => Entry | undefined): CLValue {
    const entry = lookup(l.name);
    if (!entry) this.fail(l.pos, `unknown variable '${l.name}'`);
    if (entry.kind === 'const') this.fail(l.pos, `cannot assign to constant '${l.name}'`);
    if (entry.kind === 'channel') this.fail(l.pos, `cannot assign to channel '${l.name}'`);
    const v = entry.v;
    if (l.index === undefined) {
      if (v.length !== undefined) this.fail(l.pos, `array '${l.name}' must be indexed`);
      return { k: 'var', v };
    }
    if (v.length === undefined) this.fail(l.pos, `'${l.name}' is not an array`);
    return { k: 'elem', v, index: this.expr(l.index, lookup, false), pos: l.index.pos };
  }

  /**
   * Resolves and folds an expression. With `constOnly`, variables and `P.s` are errors (sizes and
   * initialisers); otherwise folding keeps runtime semantics: short-circuit operators fold only when
   * the left operand decides, and division by a constant zero is left for runtime to report.
   */
  private expr(e: Expr, lookup: (name: string) => Entry | undefined, constOnly: boolean): CExpr {
    switch (e.kind) {
      case 'num':
        return { k: 'const', value: e.value };
      case 'name': {
        const entry = lookup(e.name);
        if (!entry) this.fail(e.pos, `unknown name '${e.name}'`);
        if (entry.kind === 'const') return { k: 'const', value: entry.value };
        if (entry.kind === 'channel') this.fail(e.pos, `channel '${e.name}' cannot be used as a value`);
        if (constOnly) this.fail(e.pos, `variable '${e.name}' cannot be used in a constant expression`);
        if (entry.v.length !== undefined) this.fail(e.pos, `array '${e.name}' cannot be used without an index`);
        return { k: 'var', v: entry.v };
      }
      case 'index': {
        const entry = lookup(e.name);
        if (!entry) this.fail(e.pos, `unknown name '${e.name}'`);
        if (entry.kind !== 'var' || entry.v.length === undefined) this.fail(e.pos, `'${e.name}' is not an array`);
        if (constOnly) this.fail(e.pos, `variable '${e.name}' cannot be used in a constant expression`);
        return { k: 'elem', v: entry.v, index: this.expr(e.index, lookup, false), pos: e.index.pos };
      }
      case 'dot': {
        if (constOnly) this.fail(e.pos, 'a process state cannot be used in a constant expression');
        const proc = this.procs.get(e.proc);
        if (!proc) this.fail(e.pos, `unknown process '${e.proc}'`);
        const state = proc.states.get(e.member);
        if (state === undefined) this.fail(e.pos, `process '${e.proc}' has no state '${e.member}'`);
        return { k: 'inState', proc: proc.index, state };
      }
      case 'unary': {
        const arg = this.expr(e.arg, lookup, constOnly);
        if (arg.k === 'const') return { k: 'const', value: applyUnary(e.op, arg.value) };
        return { k: 'unary', op: e.op, arg };
      }
      case 'binary': {
        const left = this.expr(e.left, lookup, constOnly);
        const right = this.expr(e.right, lookup, constOnly);
        if (left.k === 'const') {
          const a = left.value;
          if (e.op === 'and' && a === 0) return { k: 'const', value: 0 };
          if (e.op === 'or' && a !== 0) return { k: 'const', value: 1 };
          if (e.op === 'imply' && a === 0) return { k: 'const', value: 1 };
          if (right.k === 'const') {
            const v = applyBinary(e.op, a, right.value);
            if (v !== undefined && Number.isSafeInteger(v)) return { k: 'const', value: v };
            if (constOnly) this.fail(e.pos, v === undefined ? 'division by zero in a constant expression' : 'constant expression overflows');
          }
        }
        return { k: 'binary', op: e.op, left, right, pos: e.pos };
      }
    }
  }
}
