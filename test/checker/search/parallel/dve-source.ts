/**
 * A ModelSource for tests: a BEEM .dve file rebuilt in each search worker, with state and step
 * properties described as data (word index and value) so every thread builds the same ones, and
 * coverage by process.
 */
import { type DveAction, loadDve } from '../../../../model/dve/index.ts';
import type { Property } from '../../../../checker/index.ts';
import type { LoadedSearchModel, ModelSource } from '../../../../checker/search/parallel/index.ts';

export interface WordProperty {
  readonly kind: 'always' | 'sometimes' | 'step';
  readonly name: string;
  /**
   * always: s[word] !== value; sometimes: s[word] === value && s[word2] === value2 (two named
   * conjuncts); step: no transition makes s[word] become value
   */
  readonly word: number;
  readonly value: number;
  readonly word2?: number;
  readonly value2?: number;
}

export interface DveArgs {
  readonly file: string;
  readonly properties: readonly WordProperty[];
}

export function dveSource(args: DveArgs): ModelSource {
  return { module: import.meta.url, args };
}

export function wordProperties(props: readonly WordProperty[]): Property<Int32Array, unknown>[] {
  return props.map((p): Property<Int32Array, unknown> => {
    if (p.kind === 'always') return { kind: 'always', name: p.name, holds: (s) => s[p.word] !== p.value };
    if (p.kind === 'step') return { kind: 'alwaysStep', name: p.name, holds: (s, _a, t) => s[p.word] === p.value || t[p.word] !== p.value };
    const first = (s: Int32Array): boolean => s[p.word] === p.value;
    const second = (s: Int32Array): boolean => s[p.word2!] === p.value2;
    return { kind: 'sometimes', name: p.name, holds: (s) => first(s) && second(s), conjuncts: { first, second } };
  });
}

/** Coverage of a DVE run in these tests: transitions per process. */
export function processOf(a: unknown): string {
  return (a as DveAction).process;
}

export async function loadSearchModel(raw: unknown): Promise<LoadedSearchModel> {
  const args = raw as DveArgs;
  const c = loadDve(args.file);
  return { model: c.model as LoadedSearchModel['model'], properties: wordProperties(args.properties) as LoadedSearchModel['properties'], coverage: processOf };
}
