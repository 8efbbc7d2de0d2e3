/**
 * Compiles a checked DVE system to JavaScript over the packed Int32 state (no interpreter):
 * `expand(src, off, sink)` calls a few generated functions, each covering a group of processes:
 * per process a switch on its control state, then each transition's guard and effects as
 * straight-line code over the state's words held in locals, writing successors into `sink.next`.
 *
 * Security: the DVE file is untrusted. Generated text is assembled only from our own fixed
 * fragments, our own names (w3, c1, t0, ...) and integers that `lit` checks are safe integers. No
 * identifier, comment or other text from the file is ever placed into the source; messages are
 * produced outside it, by `fail`, from a transition id.
 *
 * Semantics follow shared/beem/README.md: guards read the source state; effects apply left to right
 * to the copy (each read sees earlier writes); short-circuit `and`/`or`/`imply`; C-style `/` and `%`;
 * division by zero and out-of-range indices call `fail`, which throws.
 */
import type { BinaryOp } from './ast.ts';
import type { SourcePos } from './errors.ts';
import { type Layout, type Slot, slotSize } from './layout.ts';
import type { CAssign, CExpr, CLValue, CTransition, DveSystem, VarInfo } from './system.ts';

/** Runtime failure codes passed to `fail`. */
export const FAIL_DIV_ZERO = 0;
export const FAIL_MOD_ZERO = 1;
export const FAIL_INDEX = 2;

/** `fail(code, transitionId, line, col, value)`: throws; generated code calls it only on error. */
export type FailFn = (code: number, transition: number, line: number, col: number, value: number) => never;

/**
 * Processes are packed into one generated function until its source reaches this many characters
 * (see `Gen.run`). Measured (expand alone, warm, at.3): one function 23 M states/s, groups of 6000
 * characters 21 M, one function per process 17 M; but a 40 kB function (telephony.3) was
 * re-optimised five times at ~250 ms each as new transitions first fired. End to end the choice is
 * within noise (expand is ~5% of a BFS); 6000 bounds the worst case.
 */
export const GROUP_SOURCE_SIZE = 6000;

/** Above this width the state is read from `src` directly instead of being unpacked into locals. */
export const UNPACK_LIMIT = 64;

/**
 * The emission order, shared by both generated variants and by the action table: for each process in
 * declaration order, each of its transitions in declaration order; a `c!` transition expands into one
 * step per enabled `c?` transition of every other process (process order, then transition order),
 * and `c?` transitions never fire alone (DiVinE 2's rendezvous, README "Not needed here").
 */
export interface Step {
  /** Index into the generated action table. */
  readonly id: number;
  readonly trans: CTransition;
  readonly partner: CTransition | undefined;
}

export function enumerateSteps(sys: DveSystem): Step[] {
  const steps: Step[] = [];
  for (const p of sys.processes) {
    for (const t of p.transitions) {
      if (t.sync === undefined) steps.push({ id: steps.length, trans: t, partner: undefined });
      else if (t.sync.dir === '!') {
        for (const q of sys.processes) {
          if (q.id === p.id) continue;
          for (const r of q.transitions) {
            if (r.sync?.dir === '?' && r.sync.channel === t.sync.channel) steps.push({ id: steps.length, trans: t, partner: r });
          }
        }
      }
    }
  }
  return steps;
}

/**
 * Source of a factory `(fail, trunc) => expand`. `mode` 'packed' calls `sink.emit(k)`; 'object'
 * calls `sink.emit(k, stepId)` so the object path can name the action. Both come from the same
 * walk, so they emit in the same order.
 */
export function generateExpand(sys: DveSystem, layout: Layout, steps: readonly Step[], mode: 'packed' | 'object', groupSize = GROUP_SOURCE_SIZE): string {
  return new Gen(sys, layout, steps, mode, groupSize).run();
}

/** Renders an integer for generated code; refuses anything that is not a safe integer. */
export function lit(n: number): string {
  if (!Number.isSafeInteger(n)) throw new Error(`internal error: non-integer literal in generated code`);
  return n < 0 ? `(${n})` : String(n);
}

class Gen {
  private readonly sys: DveSystem;
  private readonly layout: Layout;
  private readonly steps: readonly Step[];
  private readonly mode: 'packed' | 'object';
  private readonly unpack: boolean;
  private readonly out: string[] = [];
  private maxTemps = 0;
  private temps = 0;
  /** Transition whose code is being generated (for `fail`). */
  private tid = 0;
  /** Words already modified for the current successor (in nx, or in u<q> when `local`). */
  private written = new Set<number>();
  /** Words where a variable was written (later field reads must see the new word, not w<q>). */
  private varDirty = new Set<number>();

  private readonly groupSize: number;

  constructor(sys: DveSystem, layout: Layout, steps: readonly Step[], mode: 'packed' | 'object', groupSize: number) {
    this.groupSize = groupSize;
    this.sys = sys;
    this.layout = layout;
    this.steps = steps;
    this.mode = mode;
    this.unpack = layout.width <= UNPACK_LIMIT;
  }

  run(): string {
    const { width } = this.layout;
    const bySender = new Map<number, Step[]>();
    for (const s of this.steps) {
      const list = bySender.get(s.trans.id);
      if (list) list.push(s);
      else bySender.set(s.trans.id, [s]);
    }
    // Processes are grouped into functions of bounded size. V8 compiles code that has never run
    // as a deoptimisation point, so the first firing of a transition late in the search deoptimises
    // its function; small functions keep each re-optimisation cheap, where one huge function would
    // be recompiled (hundreds of ms each time) again and again. Groups rather than one function per
    // process save a call per process and state on models made of many small processes.
    const fns: string[] = [];
    const calls: string[] = [];
    let group: string[] = [];
    let groupSize = 0;
    this.resetFunction();
    const flush = (): void => {
      if (group.length === 0) return;
      const name = `p${lit(fns.length)}`;
      const head: string[] = ['  const nx = sink.next;'];
      if (this.unpack) {
        for (let q = 0; q < width; q++) head.push(`  const w${lit(q)} = src[off + ${lit(q)}] | 0;`);
      }
      for (const i of [...this.controls].sort((a, b) => a - b)) {
        head.push(`  const c${lit(i)} = ${this.readSlot(this.layout.control[i]!, 0, 'src')};`);
      }
      const temps = Array.from({ length: this.maxTemps }, (_, i) => `t${lit(i)} = 0`);
      if (this.usedLocals) for (let q = 0; q < width; q++) temps.push(`u${lit(q)} = 0`);
      if (temps.length > 0) head.push(`  let ${temps.join(', ')};`);
      fns.push([`function ${name}(src, off, sink, k) {`, ...head, ...group, '  return k;', '}'].join('\n'));
      calls.push(`  k = ${name}(src, off, sink, k);`);
      group = [];
      groupSize = 0;
      this.resetFunction();
    };
    for (const p of this.sys.processes) {
      const byState = new Map<number, CTransition[]>();
      for (const t of p.transitions) {
        if (t.sync?.dir === '?') continue;
        const list = byState.get(t.from);
        if (list) list.push(t);
        else byState.set(t.from, [t]);
      }
      if (byState.size === 0) continue;
      this.out.length = 0;
      this.controls.add(p.id);
      for (const [from, ts] of byState) {
        this.out.push(`    case ${lit(from)}: {`);
        for (const t of ts) this.transition(t, bySender.get(t.id) ?? []);
        this.out.push('      break;', '    }');
      }
      const text = [`  switch (c${lit(p.id)}) {`, ...this.out, '  }'];
      // not group.push(...text): spreading a process of many thousand lines overflows the stack
      for (const line of text) group.push(line);
      groupSize += text.reduce((n, line) => n + line.length + 1, 0);
      if (groupSize >= this.groupSize) flush();
    }
    flush();
    return ['"use strict";', ...fns, 'return function expand(src, off, sink) {', '  let k = 0;', ...calls, '};'].join('\n');
  }

  private resetFunction(): void {
    this.maxTemps = 0;
    this.usedLocals = false;
    this.controls = new Set();
  }

  /** Whether the current successor keeps modified words in u<q> locals (see `successor`). */
  private local = false;
  private usedLocals = false;

  /** Control states read by the function being generated (its own, `P.s` targets, rendezvous partners). */
  private controls = new Set<number>();

  private control(proc: number): string {
    this.controls.add(proc);
    return `c${lit(proc)}`;
  }

  private emitLine(s: string): void {
    this.out.push(`      ${s}`);
  }

  private temp(): string {
    const t = `t${lit(this.temps++)}`;
    if (this.temps > this.maxTemps) this.maxTemps = this.temps;
    return t;
  }

  private transition(t: CTransition, pairs: readonly Step[]): void {
    this.temps = 0;
    this.tid = t.id;
    const guard = t.guard === undefined ? 'true' : this.cond(t.guard, 'src');
    if (t.sync === undefined) {
      const step = pairs[0]!;
      this.emitLine(`if (${guard}) {`);
      this.successor(step, undefined);
      this.emitLine('}');
      return;
    }
    if (pairs.length === 0) return; // a send nobody can receive never fires
    this.emitLine(`if (${guard}) {`);
    for (const step of pairs) {
      const r = step.partner!;
      this.tid = r.id;
      const rGuard = r.guard === undefined ? '' : ` && ${this.cond(r.guard, 'src')}`;
      this.emitLine(`if (${this.control(r.proc)} === ${lit(r.from)}${rGuard}) {`);
      let value: string | undefined;
      if (t.sync.value !== undefined) {
        this.tid = t.id;
        value = this.temp();
        this.emitLine(`${value} = ${this.val(t.sync.value, 'src')};`);
      }
      this.successor(step, value);
      this.emitLine('}');
    }
    this.emitLine('}');
  }

  /** Copy, effects (receiver's first, then sender's), control moves, emit. */
  private successor(step: Step, value: string | undefined): void {
    const { width, control } = this.layout;
    const t = step.trans;
    const r = step.partner;
    this.written = new Set();
    this.varDirty = new Set();
    // Control moves are folded into the copy: effects never assign control states, and `P.s`
    // reads the source state through the c<i> locals.
    const moves = new Map<number, { and: number; or: number }>();
    const addMove = (proc: number, to: number): void => {
      const slot = control[proc]!;
      const q = slot.byte >> 2;
      const sh = (slot.byte & 3) << 3;
      const mask = (slot.kind === 'u8' ? 255 : 0xffff) << sh;
      const m = moves.get(q) ?? { and: -1, or: 0 };
      moves.set(q, { and: m.and & ~mask, or: (m.or & ~mask) | ((to << sh) & mask) });
    };
    addMove(t.proc, t.to);
    if (r) addMove(r.proc, r.to);
    // Common case: effects write words at constant positions. Then modified words live in u<q>
    // locals and each successor word is stored exactly once at the end. Computed-index writes (and
    // computed-index reads of arrays the list also writes) need a real copy in nx instead.
    this.local = this.unpack && !this.needsCopy(step);
    if (this.local) {
      this.usedLocals = true;
    } else if (this.unpack) {
      for (let q = 0; q < width; q++) {
        const m = moves.get(q);
        this.emitLine(m ? `nx[${lit(q)}] = (w${lit(q)} & ${lit(m.and | 0)}) | ${lit(m.or | 0)};` : `nx[${lit(q)}] = w${lit(q)};`);
      }
      for (const q of moves.keys()) this.written.add(q);
    } else {
      this.emitLine(`for (let i = 0; i < ${lit(width)}; i++) nx[i] = src[off + i];`);
      for (const [q, m] of moves) this.emitLine(`nx[${lit(q)}] = (nx[${lit(q)}] & ${lit(m.and | 0)}) | ${lit(m.or | 0)};`);
      for (const q of moves.keys()) this.written.add(q);
    }
    if (r) {
      this.tid = r.id;
      if (r.sync?.target !== undefined && value !== undefined) this.assign(r.sync.target, value, undefined);
      for (const a of r.effects) this.effect(a);
    }
    this.tid = t.id;
    for (const a of t.effects) this.effect(a);
    if (this.local) {
      for (let q = 0; q < width; q++) {
        const cur = this.written.has(q) ? `u${lit(q)}` : `w${lit(q)}`;
        const m = moves.get(q);
        this.emitLine(m ? `nx[${lit(q)}] = (${cur} & ${lit(m.and | 0)}) | ${lit(m.or | 0)};` : `nx[${lit(q)}] = ${cur};`);
      }
    }
    this.emitLine(this.mode === 'packed' ? 'sink.emit(k++);' : `sink.emit(k++, ${lit(step.id)});`);
  }

  /** Whether a step's effects need nx as a full working copy (see `successor`). */
  private needsCopy(step: Step): boolean {
    const lists: CLValue[] = [];
    const exprs: CExpr[] = [];
    const r = step.partner;
    if (r?.sync?.target !== undefined) lists.push(r.sync.target);
    for (const a of [...(r?.effects ?? []), ...step.trans.effects]) {
      lists.push(a.target);
      exprs.push(a.value);
    }
    // Words, not variables: a computed-index read must see writes to any field sharing its words.
    const written = new Set<number>();
    for (const l of lists) {
      if (l.k === 'elem') {
        if (l.index.k !== 'const') return true;
        exprs.push(l.index);
      }
      for (const q of this.arrayWords(l.v, this.layout.vars[l.v.id]!)) written.add(q);
    }
    const dynamicReadOfWritten = (e: CExpr): boolean => {
      switch (e.k) {
        case 'elem':
          return (e.index.k !== 'const' && this.arrayWords(e.v, this.layout.vars[e.v.id]!).some((q) => written.has(q))) || dynamicReadOfWritten(e.index);
        case 'unary':
          return dynamicReadOfWritten(e.arg);
        case 'binary':
          return dynamicReadOfWritten(e.left) || dynamicReadOfWritten(e.right);
        default:
          return false;
      }
    };
    return exprs.some(dynamicReadOfWritten);
  }

  private effect(a: CAssign): void {
    this.assign(a.target, this.val(a.value, 'nx'), a.value.k === 'const' ? a.value.value : undefined);
  }

  /** Stores `value` (JS source, evaluated against the successor so far; `constant` if known) into an lvalue. */
  private assign(target: CLValue, value: string, constant: number | undefined): void {
    const v = target.v;
    const slot = this.layout.vars[v.id]!;
    const size = slotSize(slot.kind);
    const mask = slot.kind === 'u8' ? 255 : 0xffff;
    if (target.k === 'var' || target.index.k === 'const') {
      let byte = slot.byte;
      if (target.k === 'elem') {
        const i = (target.index as { value: number }).value;
        if (i < 0 || i >= v.length!) {
          this.emitLine(`${this.failCall(FAIL_INDEX, target.pos, lit(i))};`);
          return;
        }
        byte += i * size;
      }
      const q = byte >> 2;
      const sh = (byte & 3) << 3;
      if (this.local) {
        const cur = this.written.has(q) ? `u${lit(q)}` : `w${lit(q)}`;
        const bits = constant !== undefined ? lit(((constant & mask) << sh) | 0)
          : sh + 8 * slotSize(slot.kind) === 32 ? `((${value}) << ${lit(sh)})`
          : sh === 0 ? `((${value}) & ${lit(mask)})` : `(((${value}) & ${lit(mask)}) << ${lit(sh)})`;
        this.emitLine(`u${lit(q)} = (${cur} & ${lit(~(mask << sh))}) | ${bits};`);
        this.written.add(q);
        this.varDirty.add(q);
        return;
      }
      const base = this.written.has(q) || !this.unpack ? `nx[${lit(q)}]` : `w${lit(q)}`;
      const tv = this.temp();
      this.emitLine(`${tv} = ${value};`);
      this.emitLine(`nx[${lit(q)}] = (${base} & ${lit(~(mask << sh))}) | ((${tv} & ${lit(mask)}) << ${lit(sh)});`);
      this.written.add(q);
      this.varDirty.add(q);
      return;
    }
    const ti = this.temp();
    const tv = this.temp();
    const tb = this.temp();
    this.emitLine(`${ti} = ${this.val(target.index, 'nx')};`);
    this.emitLine(`if (${ti} < 0 || ${ti} >= ${lit(v.length!)}) ${this.failCall(FAIL_INDEX, target.pos, ti)};`);
    this.emitLine(`${tv} = ${value};`);
    this.emitLine(`${tb} = ${lit(slot.byte)} + ${size === 1 ? ti : `(${ti} << 1)`};`);
    // A computed index writes through nx; afterwards every word of the array must be read from nx.
    this.emitLine(`nx[${tb} >> 2] = (nx[${tb} >> 2] & ~(${lit(mask)} << ((${tb} & 3) << 3))) | ((${tv} & ${lit(mask)}) << ((${tb} & 3) << 3));`);
    for (const q of this.arrayWords(v, slot)) {
      this.written.add(q);
      this.varDirty.add(q);
    }
  }

  private arrayWords(v: VarInfo, slot: Slot): number[] {
    const first = slot.byte >> 2;
    const last = (slot.byte + (v.length ?? 1) * slotSize(slot.kind) - 1) >> 2;
    const out: number[] = [];
    for (let q = first; q <= last; q++) out.push(q);
    return out;
  }

  /** A word of the state, as JS source. `where` is 'src' (guards) or 'nx' (effects, sees earlier writes). */
  private word(q: number, where: 'src' | 'nx'): string {
    if (where === 'nx' && this.varDirty.has(q)) return this.local ? `u${lit(q)}` : `nx[${lit(q)}]`;
    return this.unpack ? `w${lit(q)}` : `src[off + ${lit(q)}]`;
  }

  private readSlot(slot: Slot, index: number, where: 'src' | 'nx'): string {
    const byte = slot.byte + index * slotSize(slot.kind);
    const w = this.word(byte >> 2, where);
    const sh = (byte & 3) << 3;
    switch (slot.kind) {
      case 'u8':
        return sh === 0 ? `(${w} & 255)` : sh === 24 ? `(${w} >>> 24)` : `((${w} >>> ${lit(sh)}) & 255)`;
      case 'u16':
        return sh === 0 ? `(${w} & 65535)` : `(${w} >>> 16)`;
      case 's16':
        return sh === 0 ? `((${w} << 16) >> 16)` : `(${w} >> 16)`;
    }
  }

  private failCall(code: number, pos: SourcePos, value: string): string {
    return `fail(${lit(code)}, ${lit(this.tid)}, ${lit(pos.line)}, ${lit(pos.col)}, ${value})`;
  }

  /** An expression's value (a JS number). */
  private val(e: CExpr, where: 'src' | 'nx'): string {
    switch (e.k) {
      case 'const':
        return lit(e.value);
      case 'var':
        return this.readSlot(this.layout.vars[e.v.id]!, 0, where);
      case 'elem': {
        const slot = this.layout.vars[e.v.id]!;
        const len = e.v.length!;
        if (e.index.k === 'const') {
          const i = e.index.value;
          return i >= 0 && i < len ? this.readSlot(slot, i, where) : this.failCall(FAIL_INDEX, e.pos, lit(i));
        }
        const t = this.temp();
        const idx = this.val(e.index, where);
        const b = slotSize(slot.kind) === 1 ? `(${lit(slot.byte)} + ${t})` : `(${lit(slot.byte)} + (${t} << 1))`;
        const dirty = where === 'nx' && this.arrayWords(e.v, slot).some((q) => this.varDirty.has(q));
        if (dirty && this.local) throw new Error('internal error: computed-index read of a modified array in local mode');
        const w = dirty ? `nx[${b} >> 2]` : `src[off + (${b} >> 2)]`;
        const sh = `((${b} & 3) << 3)`;
        const read = slot.kind === 'u8' ? `((${w} >>> ${sh}) & 255)` : `((${w} << (16 - ${sh})) >> 16)`;
        return `(((${t} = ${idx}) >= 0 && ${t} < ${lit(len)}) ? ${read} : ${this.failCall(FAIL_INDEX, e.pos, t)})`;
      }
      case 'inState':
        return `(${this.control(e.proc)} === ${lit(e.state)} ? 1 : 0)`;
      case 'unary':
        if (e.op === 'not') return `(${this.cond(e.arg, where)} ? 0 : 1)`;
        return e.op === '-' ? `(0 - ${this.val(e.arg, where)})` : `(~${this.val(e.arg, where)})`;
      case 'binary':
        return this.binary(e.op, e.left, e.right, e.pos, where);
    }
  }

  private binary(op: BinaryOp, left: CExpr, right: CExpr, pos: SourcePos, where: 'src' | 'nx'): string {
    switch (op) {
      case '+': case '-': case '*': case '|': case '&': case '^': case '<<': case '>>':
        return `(${this.val(left, where)} ${op} ${this.val(right, where)})`;
      case '/': case '%': {
        const a = this.temp();
        const b = this.temp();
        const code = op === '/' ? FAIL_DIV_ZERO : FAIL_MOD_ZERO;
        const result = op === '/' ? `(trunc(${a} / ${b}) + 0)` : `((${a} % ${b}) + 0)`;
        return `((${a} = ${this.val(left, where)}), (${b} = ${this.val(right, where)}), ${b} === 0 ? ${this.failCall(code, pos, a)} : ${result})`;
      }
      default:
        return `(${this.condBinary(op, left, right, where)!} ? 1 : 0)`;
    }
  }

  /** An expression as a JS boolean (for guards and logic); non-zero is true. */
  private cond(e: CExpr, where: 'src' | 'nx'): string {
    switch (e.k) {
      case 'const':
        return e.value !== 0 ? 'true' : 'false';
      case 'inState':
        return `(${this.control(e.proc)} === ${lit(e.state)})`;
      case 'unary':
        if (e.op === 'not') return `!${this.cond(e.arg, where)}`;
        break;
      case 'binary': {
        const c = this.condBinary(e.op, e.left, e.right, where);
        if (c !== undefined) return c;
        break;
      }
      default:
        break;
    }
    return `(${this.val(e, where)} !== 0)`;
  }

  private condBinary(op: BinaryOp, left: CExpr, right: CExpr, where: 'src' | 'nx'): string | undefined {
    switch (op) {
      case 'and':
        return `(${this.cond(left, where)} && ${this.cond(right, where)})`;
      case 'or':
        return `(${this.cond(left, where)} || ${this.cond(right, where)})`;
      case 'imply':
        return `(!${this.cond(left, where)} || ${this.cond(right, where)})`;
      case '==':
        return `(${this.val(left, where)} === ${this.val(right, where)})`;
      case '!=':
        return `(${this.val(left, where)} !== ${this.val(right, where)})`;
      case '<': case '<=': case '>': case '>=':
        return `(${this.val(left, where)} ${op} ${this.val(right, where)})`;
      default:
        return undefined;
    }
  }
}
