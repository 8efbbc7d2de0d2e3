/** Public surface of the DVE (BEEM) front-end. */
export { compileDve, loadDve, type CompileOptions, type CompiledDve, type DveAction, type DveState, type DveTransitionRef } from './compile.ts';
export { DveError, DveRuntimeError } from './errors.ts';
export { compileDveExpression } from './expression.ts';
export { dveVars, type DveValue } from './vars.ts';
