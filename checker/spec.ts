/**
 * What a spec file exports (default export or `spec`): a model factory, named configurations,
 * properties, and the verdict each property is expected to have in each configuration.
 * `npm run check` runs every spec under specs/; `npx hmm-check file.ts` runs one.
 */
import type { CheckConfig } from './config.ts';
import type { Model } from './model.ts';
import type { Property } from './property.ts';
import type { TraceView } from './report/view.ts';

export type ExpectedVerdict = 'holds' | 'violated';

export interface SpecConfig<C> {
  /** the model parameters handed to createModel/properties */
  readonly params: C;
  /** search bounds and options for this configuration (strategy, maxStates, deadlock, ...) */
  readonly check?: CheckConfig;
  /** expected verdict per property name (include 'deadlock-free' when deadlock is checked) */
  readonly expect: Readonly<Record<string, ExpectedVerdict>>;
  /** one line shown in reports */
  readonly description?: string;
  /** excluded from `npm run check` unless named with --config (large benchmark configurations) */
  readonly benchOnly?: boolean;
  /**
   * The violations this configuration expects are findings about the system as it is (the real
   * kernel or driver), not a deliberately broken variant: the report lists them first.
   */
  readonly finding?: boolean;
}

export interface CheckSpec<C, S, A> {
  /** short id used in paths: counterexamples/<id>/<config>/<property>.* */
  readonly id: string;
  readonly title?: string;
  readonly configs: Readonly<Record<string, SpecConfig<C>>>;
  createModel(params: C, configName: string): Model<S, A>;
  properties(params: C): readonly Property<S, A>[];
  /** How traces read; a function when the presentation depends on the config (actor names, layout). */
  readonly view?: TraceView<S, A> | ((params: C) => TraceView<S, A>);
  /**
   * A section of its own for `npm run report` (Markdown starting with a level-2 heading), built
   * from every run of the report; return '' when there is nothing to say (e.g. its configs did
   * not run). The v12-vs-upstream comparison is one.
   */
  readonly reportSection?: (runs: readonly ReportRunSummary[]) => string;
  /**
   * Progress actions (SPIN's progress labels): the transitions that complete a request. With
   * `check: { nonProgress: true }` a fair cycle that takes none of them is reported.
   */
  readonly progress?: (a: A) => boolean;
}

/** What a spec's report section sees of each run of the report. */
export interface ReportRunSummary {
  readonly spec: string;
  readonly config: string;
  readonly status?: string;
  readonly stats: { readonly distinct: number; readonly seconds?: number };
  readonly rows: readonly {
    readonly property: string;
    readonly verdict: string;
    readonly expected?: string;
    readonly trace?: { readonly steps: readonly unknown[] };
  }[];
}

/** The view for one configuration's params. */
export function viewFor<C, S, A>(spec: CheckSpec<C, S, A>, params: C): TraceView<S, A> | undefined {
  return typeof spec.view === 'function' ? spec.view(params) : spec.view;
}

/** Identity helper that gives spec authors type inference and checking in one place. */
export function defineSpec<C, S, A>(spec: CheckSpec<C, S, A>): CheckSpec<C, S, A> {
  return spec;
}
