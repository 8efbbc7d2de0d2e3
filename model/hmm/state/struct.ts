// Follows: Linux v6.19 — (no kernel file: the state's declaration and its typed views)
/**
 * The little language the state schema (schema.ts) is written in: a struct is an ordered list of
 * members, each one Int32 word, an optional word, or an array (of words or of a nested struct)
 * whose length is a dimension of the configuration (pages, requests, devices, …). Offsets are
 * computed from the order of the members, so the declaration IS the word order of the packed
 * state: nothing else numbers a word.
 */

/** a one-word member */
export interface WordMember<N extends string = string> {
  readonly name: N;
  readonly doc: string;
  readonly kind: 'word';
}
/** a word present only when a dimension is 1 (absent: no word, reads as 0) */
export interface OptionalMember<N extends string = string> {
  readonly name: N;
  readonly doc: string;
  readonly kind: 'optional';
  readonly when: string;
}
/** `length` elements, each one word (`of` undefined) or one nested struct */
export interface ArrayMember<N extends string = string, E extends StructDecl | undefined = StructDecl | undefined> {
  readonly name: N;
  readonly doc: string;
  readonly kind: 'array';
  readonly length: string;
  readonly of: E;
}
export type Member = WordMember | OptionalMember | ArrayMember;

export interface StructDecl<M extends readonly Member[] = readonly Member[]> {
  readonly name: string;
  readonly members: M;
}

/** the configuration's dimensions a struct's size depends on (e.g. { pages: 3, requests: 2 }) */
export type Dims = Readonly<Record<string, number>>;

export const word = <N extends string>(name: N, doc = ''): WordMember<N> => ({ name, doc, kind: 'word' });
export const optional = <N extends string>(name: N, when: string, doc = ''): OptionalMember<N> =>
  ({ name, doc, kind: 'optional', when });
export const array = <N extends string, E extends StructDecl | undefined = undefined>(
  name: N, length: string, of?: E, doc = ''): ArrayMember<N, E> => ({ name, doc, kind: 'array', length, of: of as E });
export function struct<const M extends readonly Member[]>(name: string, members: M): StructDecl<M> {
  const seen = new Set<string>();
  for (const m of members) {
    // cursor.ts keeps its own fields under '$' names; set* names the setters of word arrays
    if (!/^[a-z][A-Za-z0-9]*$/.test(m.name) || seen.has(m.name)) throw new RangeError(`state schema: bad or repeated member name ${name}.${m.name}`);
    seen.add(m.name);
  }
  return { name, members };
}

function dim(d: Dims, name: string, struct: string): number {
  const n = d[name];
  if (n === undefined || !Number.isInteger(n) || n < 0) throw new RangeError(`state schema: struct ${struct} needs dimension '${name}' (got ${String(n)})`);
  return n;
}

/** number of words of one instance */
export function sizeOf(s: StructDecl, d: Dims): number {
  let n = 0;
  for (const m of s.members) n += memberWords(s, m, d);
  return n;
}

function memberWords(s: StructDecl, m: Member, d: Dims): number {
  switch (m.kind) {
    case 'word':
      return 1;
    case 'optional': {
      const w = dim(d, m.when, s.name);
      if (w > 1) throw new RangeError(`state schema: optional ${s.name}.${m.name} needs '${m.when}' to be 0 or 1`);
      return w;
    }
    case 'array':
      return dim(d, m.length, s.name) * (m.of === undefined ? 1 : sizeOf(m.of, d));
  }
}

/** Where each member starts inside one instance (-1: an absent optional word), and its length. */
export interface Placement {
  readonly offset: number;
  /** elements of an array (1 for a word, 0 or 1 for an optional word) */
  readonly length: number;
  /** words per element */
  readonly stride: number;
}

export function placements(s: StructDecl, d: Dims): Readonly<Record<string, Placement>> {
  const out: Record<string, Placement> = Object.create(null) as Record<string, Placement>;
  let off = 0;
  for (const m of s.members) {
    const words = memberWords(s, m, d);
    const stride = m.kind === 'array' && m.of !== undefined ? sizeOf(m.of, d) : 1;
    out[m.name] = { offset: m.kind === 'optional' && words === 0 ? -1 : off, length: words / (stride || 1), stride };
    off += words;
  }
  return out;
}

type WordNames<M extends readonly Member[]> = Extract<M[number], WordMember>['name'];

/**
 * The offsets of the words that open a struct, before its first optional word or array: the same
 * for every configuration, so the model's step code uses them as constants (layout.ts).
 */
export function leadingWordOffsets<M extends readonly Member[]>(s: StructDecl<M>): { readonly [K in WordNames<M>]: number } {
  const out: Record<string, number> = {};
  let off = 0;
  let fixed = true;
  for (const m of s.members) {
    if (m.kind !== 'word') fixed = false;
    else if (!fixed) throw new RangeError(`state schema: word ${s.name}.${m.name} follows a variable-length member; give it no constant`);
    else out[m.name] = off++;
  }
  return out as { readonly [K in WordNames<M>]: number };
}
