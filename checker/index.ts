/**
 * hmm-check engine: the public surface. Everything not exported here is internal.
 *
 * @example
 * ```ts
 * import { check, always } from './checker/index.ts';
 * const result = check(model, [always('mutex', (s) => !(s.a === 'cs' && s.b === 'cs'))]);
 * for (const p of result.properties) console.log(p.name, p.verdict, p.trace?.replay);
 * ```
 */
export type { ActionIndex, Emit, Model, PackedModel, PackedSink } from './model.ts';
export { WordReader, WordWriter, type StateCodec } from './state/codec.ts';
export {
  always, alwaysStep, sometimes, sometimesAll, eventually, leadsTo, alwaysEventually, isLiveness, DEADLOCK_PROPERTY, NON_PROGRESS_PROPERTY,
  type LivenessKind, type LivenessProperty, type Property, type PropertyKind,
} from './property.ts';
export type { FairnessLevel, FairnessSpec } from './liveness/fairness.ts';
export { resolveConfig, type CheckConfig, type ResolvedCheckConfig, type Strategy } from './config.ts';
export type { CheckResult, IncompleteReason, PropertyOutcome, Stats, Verdict } from './result.ts';
export { encodeLassoPath, encodeReplayPath, parseReplayPath, parseReplayToken, type ReplayPath, type Trace, type TraceStep } from './trace.ts';
export { silentReporter, type CheckEvent, type Reporter } from './events.ts';
export { CheckerError, ConfigError, ModelContractError, ReplayMismatchError, SpecLoadError } from './errors.ts';
export { defineSpec, viewFor, type CheckSpec, type ReportRunSummary, type ExpectedVerdict, type SpecConfig } from './spec.ts';
export type { Explanation, ItfValue, SourceLink, TraceArrow, TraceView } from './report/view.ts';
export type { CheckOptions } from './search/options.ts';
export type { AbortFlag } from './search/control.ts';
export { check } from './check.ts';
export { replay, type ReplayResult } from './trace/replay-api.ts';
export { fingerprint, fpOut, collisionProbability } from './state/fingerprint.ts';
export { VisitedStore } from './state/visited-store.ts';
