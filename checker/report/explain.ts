/**
 * One sentence per property kind saying what the last step of a counterexample shows, shared by
 * the text, Markdown and Mermaid writers so they never disagree.
 */
import { match } from 'ts-pattern';
import type { PresentedTrace } from './present.ts';

export function violationSentence(t: PresentedTrace): string {
  const generic = genericSentence(t);
  return t.explanation === undefined ? generic : `${generic}: ${t.explanation}`;
}

function genericSentence(t: PresentedTrace): string {
  const last = t.steps.length - 1;
  const p = t.property;
  return match(t.propertyKind)
    .with('always', () => `the state after step ${last} breaks the invariant ${p}`)
    .with('alwaysStep', () => `step ${last} is a transition that ${p} forbids`)
    .with('deadlock', () => `after step ${last} no action is enabled, yet the model does not count this state as finished`)
    .with('sometimes', () => `step ${last} reaches a state where ${p} holds (a witness, not a bug)`)
    .exhaustive();
}

export function headline(t: PresentedTrace): string {
  const n = t.steps.length - 1;
  const what = t.classification === 'example' ? 'witnessed' : 'violated';
  return `${t.propertyKind} "${t.property}" ${what}: ${t.classification}, ${n} step${n === 1 ? '' : 's'}`;
}
