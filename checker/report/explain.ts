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
    .with('eventually', 'leadsTo', 'alwaysEventually', 'nonProgress', () => lassoSentence(t))
    .exhaustive();
}

/** What a lasso shows: where the loop starts and what never happens along it. */
export function lassoSentence(t: PresentedTrace): string {
  const last = t.steps.length - 1;
  const p = t.property;
  const loop = t.loopIndex ?? last;
  const forever = loop === last ? `after step ${last} nothing can move and the run stays there for ever` : `steps ${loop + 1}…${last} repeat for ever (step ${last} returns to the state after step ${loop})`;
  return match(t.propertyKind)
    .with('leadsTo', () => `${forever}, and ${t.triggerIndex === undefined ? 'a request' : `the request made at step ${t.triggerIndex}`} is never answered (${p})`)
    .with('nonProgress', () => `${forever} without any progress action`)
    .otherwise(() => `${forever} and ${p} never holds`);
}

export function headline(t: PresentedTrace): string {
  const n = t.steps.length - 1;
  const what = t.classification === 'example' ? 'witnessed' : 'violated';
  return `${t.propertyKind} "${t.property}" ${what}: ${t.classification}, ${n} step${n === 1 ? '' : 's'}`;
}
