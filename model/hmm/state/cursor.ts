// Follows: Linux v6.19 — (no kernel file: the state's declaration and its typed views)
/**
 * Typed cursors over a packed state, generated from a struct declaration (struct.ts): a cursor
 * has one getter per word (`frame.refcount`), one method per array (`device.pt(a)`,
 * `mm.pte(a).kind`) and, when writable, setters (`frame.refcount = 2`, `device.setPt(a, e)`).
 *
 * Internal fields start with '$', which no schema name may (struct.ts).
 *
 * Cursors are built once per model context, one per struct instance (every page of every mm, every
 * frame, …), and all read the state last given to their view's `at(s)`: reading a state allocates
 * nothing, and two cursors never alias each other.
 */
import type { ArrayMember, Dims, Member, OptionalMember, StructDecl, WordMember } from './struct.ts';
import { placements } from './struct.ts';

/** offsets of the words that open a struct (before any array or optional word) */
function leadingWords(decl: StructDecl): Readonly<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const [i, m] of decl.members.entries()) {
    if (m.kind !== 'word') break;
    out[m.name] = i;
  }
  return out;
}

/** the state the cursors of one view read (set by the view's `at`) */
export interface Source {
  s: Int32Array;
}

type ElementOf<A> = A extends ArrayMember<string, infer E> ? E : never;

/** read-only cursor type of struct S */
export type Reader<S extends StructDecl> = {
  readonly [W in Extract<S['members'][number], WordMember | OptionalMember> as W['name']]: number;
} & {
  readonly [A in Extract<S['members'][number], ArrayMember> as A['name']]:
    ElementOf<A> extends StructDecl ? (i: number) => Reader<ElementOf<A>> : (i: number) => number;
};

/** writable cursor type of struct S (tests build states with it; specs read with Reader) */
export type Writer<S extends StructDecl> = {
  -readonly [W in Extract<S['members'][number], WordMember | OptionalMember> as W['name']]: number;
} & {
  readonly [A in Extract<S['members'][number], ArrayMember> as A['name']]:
    ElementOf<A> extends StructDecl ? (i: number) => Writer<ElementOf<A>> : (i: number) => number;
} & {
  readonly [A in Extract<S['members'][number], ArrayMember> as ElementOf<A> extends StructDecl ? never : `set${Capitalize<A['name']>}`]:
    (i: number, v: number) => void;
};

/** what every generated cursor object holds: its source, its first word, and per member where it starts */
interface CursorBase {
  readonly $src: Source;
  readonly $o: number;
  /** per array member (in declaration order): offset, length, element cursors */
  readonly $at: readonly number[];
  readonly $len: readonly number[];
  readonly $el: readonly (readonly object[] | undefined)[];
}

const protos = new WeakMap<StructDecl, object>();

/** one prototype per struct: getters/setters read `this.$src.s[this.$o + k]` */
function protoOf(decl: StructDecl): object {
  const cached = protos.get(decl);
  if (cached !== undefined) return cached;
  const proto: Record<string, unknown> = {};
  let word = 0;
  let arr = 0;
  for (const m of decl.members) defineMember(proto, decl, m, m.kind === 'array' ? arr++ : word++);
  protos.set(decl, proto);
  return proto;
}

function defineMember(proto: object, decl: StructDecl, m: Member, j: number): void {
  if (m.kind === 'array') {
    const name = m.name;
    if (m.of !== undefined) {
      Object.defineProperty(proto, name, {
        value(this: CursorBase, i: number): object {
          const e = this.$el[j]![i];
          if (e === undefined) throw new RangeError(`${decl.name}.${name}(${i}): index out of range (length ${this.$len[j]})`);
          return e;
        },
      });
      return;
    }
    Object.defineProperty(proto, name, {
      value(this: CursorBase, i: number): number {
        if (!(i >= 0 && i < this.$len[j]!)) throw new RangeError(`${decl.name}.${name}(${i}): index out of range (length ${this.$len[j]})`);
        return this.$src.s[this.$o + this.$at[j]! + i]!;
      },
    });
    Object.defineProperty(proto, `set${name[0]!.toUpperCase()}${name.slice(1)}`, {
      value(this: CursorBase, i: number, v: number): void {
        if (!(i >= 0 && i < this.$len[j]!)) throw new RangeError(`${decl.name}.${name}(${i}): index out of range (length ${this.$len[j]})`);
        this.$src.s[this.$o + this.$at[j]! + i] = v;
      },
    });
    return;
  }
  const name = m.name;
  const fixed = leadingWords(decl);
  const k = fixed[name];
  if (k !== undefined) {
    // a word before any array or optional word: the same offset in every instance (hot path)
    Object.defineProperty(proto, name, {
      get(this: CursorBase): number {
        return this.$src.s[this.$o + k]!;
      },
      set(this: CursorBase, v: number): void {
        this.$src.s[this.$o + k] = v;
      },
    });
    return;
  }
  // other words and optional words: `$w` (per instance) holds the offset, -1 for an absent optional
  Object.defineProperty(proto, name, {
    get(this: CursorBase & { readonly $w: readonly number[] }): number {
      const k = this.$w[j]!;
      return k < 0 ? 0 : this.$src.s[this.$o + k]!;
    },
    set(this: CursorBase & { readonly $w: readonly number[] }, v: number): void {
      const k = this.$w[j]!;
      if (k < 0) throw new RangeError(`${decl.name}.${name} is not in this configuration's state`);
      this.$src.s[this.$o + k] = v;
    },
  });
}

/** Build the cursor of one instance of `decl` starting at word `o`, with its nested element cursors. */
export function buildCursor<S extends StructDecl>(decl: S, src: Source, o: number, d: Dims): Writer<S> {
  const p = placements(decl, d);
  const w: number[] = [];
  const at: number[] = [];
  const len: number[] = [];
  const el: (object[] | undefined)[] = [];
  for (const m of decl.members) {
    const pl = p[m.name]!;
    if (m.kind !== 'array') {
      w.push(pl.offset);
      continue;
    }
    at.push(pl.offset);
    len.push(pl.length);
    const of = m.of;
    el.push(of === undefined ? undefined : Array.from({ length: pl.length }, (_, i) => buildCursor(of, src, o + pl.offset + i * pl.stride, d)));
  }
  const c = Object.create(protoOf(decl)) as Record<string, unknown>;
  Object.assign(c, { $src: src, $o: o, $w: w, $at: at, $len: len, $el: el });
  return c as Writer<S>;
}
