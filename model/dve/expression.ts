/**
 * A DVE boolean expression over a compiled model's state, for properties given on the command
 * line (`--leads-to 'P_0.p3' 'P_0.CS'`): globals by name (arrays indexed), `Process.state` for a
 * control state, `Process.var` for a process's local. Names are resolved once, here, so a typo is
 * a DveError naming it and the names the model has; evaluation is a tree of closures over
 * readField, with DVE's own operator semantics.
 */
import type { Expr } from './ast.ts';
import type { CompiledDve, DveState } from './compile.ts';
import { DveError } from './errors.ts';
import { readField, slotSize } from './layout.ts';
import { parseDveExpression } from './parser.ts';
import { applyBinary, applyUnary } from './semantics.ts';

type Eval = (s: DveState) => number;

export function compileDveExpression(c: Pick<CompiledDve, 'system' | 'layout'>, source: string, where: string): (s: DveState) => boolean {
  const e = build(c, parseDveExpression(source, where), where);
  return (s) => e(s) !== 0;
}

function build(c: Pick<CompiledDve, 'system' | 'layout'>, e: Expr, where: string): Eval {
  const { system, layout } = c;
  const fail = (msg: string): never => {
    throw new DveError(where, e.pos, msg);
  };
  const read = (id: number, index: Eval | undefined, length: number | undefined): Eval => {
    const slot = layout.vars[id]!;
    const size = slotSize(slot.kind);
    if (index === undefined) return (s) => readField(s, slot.kind, slot.byte);
    return (s) => {
      const i = index(s);
      if (i < 0 || i >= length!) throw new DveError(where, e.pos, `array index ${i} out of range`);
      return readField(s, slot.kind, slot.byte + i * size);
    };
  };
  switch (e.kind) {
    case 'num': {
      const v = e.value;
      return () => v;
    }
    case 'name':
    case 'index': {
      const v = system.globals.find((g) => g.name === e.name);
      if (!v) return fail(`unknown name '${e.name}' (globals: ${system.globals.map((g) => g.name).join(', ') || 'none'}; write Process.state for a control state)`);
      if (e.kind === 'name' && v.length !== undefined) return fail(`array '${e.name}' needs an index`);
      if (e.kind === 'index' && v.length === undefined) return fail(`'${e.name}' is not an array`);
      return read(v.id, e.kind === 'index' ? build(c, e.index, where) : undefined, v.length);
    }
    case 'dot': {
      const pi = system.processes.findIndex((p) => p.name === e.proc);
      if (pi < 0) return fail(`unknown process '${e.proc}' (processes: ${system.processes.map((p) => p.name).join(', ')})`);
      const p = system.processes[pi]!;
      const st = p.states.indexOf(e.member);
      if (st >= 0) {
        const slot = layout.control[pi]!;
        return (s) => (readField(s, slot.kind, slot.byte) === st ? 1 : 0);
      }
      const local = p.vars.find((v) => v.name === e.member);
      if (local && local.length === undefined) return read(local.id, undefined, undefined);
      return fail(`process '${e.proc}' has no state or scalar variable '${e.member}' (states: ${p.states.join(', ')})`);
    }
    case 'unary': {
      const a = build(c, e.arg, where);
      const op = e.op;
      return (s) => applyUnary(op, a(s));
    }
    case 'binary': {
      const l = build(c, e.left, where);
      const r = build(c, e.right, where);
      const op = e.op;
      if (op === 'and') return (s) => (l(s) !== 0 && r(s) !== 0 ? 1 : 0);
      if (op === 'or') return (s) => (l(s) !== 0 || r(s) !== 0 ? 1 : 0);
      if (op === 'imply') return (s) => (l(s) === 0 || r(s) !== 0 ? 1 : 0);
      return (s) => {
        const v = applyBinary(op, l(s), r(s));
        if (v === undefined) throw new DveError(where, e.pos, 'division by zero');
        return v;
      };
    }
  }
}
