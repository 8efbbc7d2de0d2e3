/**
 * Progress and verdict events (TLC's EC codes): tests and the CLI subscribe a Reporter instead
 * of parsing stdout.
 */
import type { Stats } from './result.ts';

export type CheckEvent =
  | { readonly code: 'check.started'; readonly modelId: string; readonly strategy: string }
  | { readonly code: 'check.progress'; readonly stats: Stats; readonly depth: number }
  | { readonly code: 'property.violated'; readonly property: string; readonly depth: number }
  | { readonly code: 'property.example'; readonly property: string; readonly depth: number }
  | { readonly code: 'check.finished'; readonly status: string; readonly stats: Stats };

export interface Reporter {
  onEvent(e: CheckEvent): void;
}

export const silentReporter: Reporter = { onEvent() {} };
