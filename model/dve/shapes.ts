/**
 * The engine's model interfaces, copied here on purpose: model/ must never import checker/ (a
 * layering test enforces it), so DVE models satisfy checker/model.ts structurally. Keep in step
 * with that file.
 */

export interface WordSink {
  push(v: number): void;
}

export interface WordSource {
  next(): number;
}

export interface Codec<S> {
  encode(s: S, w: WordSink): void;
  decode?(r: WordSource): S;
}

export interface PackedSink {
  readonly next: Int32Array;
  emit(actionIndex: number): void;
}

export interface PackedModel {
  readonly width: number;
  initial(i: number, out: Int32Array): number;
  expand(src: Int32Array, off: number, sink: PackedSink): void;
  readonly expandSteps?: (src: Int32Array, off: number, sink: PackedStepSink) => void;
  readonly stepActions?: readonly unknown[];
}

export interface PackedStepSink {
  readonly next: Int32Array;
  emit(actionIndex: number, step: number): void;
}

export interface ModelShape<S, A> {
  readonly id: string;
  initialStates(): readonly S[];
  successors(s: S, emit: (action: A, next: S) => void): void;
  inBounds?(s: S): boolean;
  readonly codec: Codec<S>;
  readonly packed?: PackedModel;
}
