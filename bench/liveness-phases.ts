/**
 * Where a liveness check's time goes: building the state graph (what `--workers` partitions)
 * against the fair-SCC search and the lasso (which stay on one thread), best of 3, on the two
 * leads-to cases of `npm run bench:beem` (at.3) and the largest HMM liveness configuration.
 * Usage: `node --import tsx bench/liveness-phases.ts`. The build's share bounds the speed-up
 * workers can give (Amdahl): 1 / (1 - share + share / workers).
 */
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveConfig } from '../checker/config.ts';
import { silentReporter } from '../checker/events.ts';
import type { Model } from '../checker/index.ts';
import { checkLiveness, type LivenessOptions } from '../checker/liveness/check-liveness.ts';
import type { LivenessProperty } from '../checker/property.ts';
import { SearchControl } from '../checker/search/control.ts';
import { resolveView } from '../checker/report/present.ts';
import { viewFor } from '../checker/spec.ts';
import { spec as reference } from '../specs/hmm/reference.spec.ts';
import { dveLeadsTo } from './dve-liveness-source.ts';

const BEEM = resolve(dirname(fileURLToPath(import.meta.url)), '../../shared/beem');

interface Case {
  readonly name: string;
  readonly model: Model<unknown, unknown>;
  readonly properties: readonly LivenessProperty<unknown>[];
  readonly options: LivenessOptions<unknown>;
  readonly check: Parameters<typeof resolveConfig>[0];
}

function cases(): Case[] {
  const out: Case[] = [];
  for (const [p, q] of [['P_0.p4', 'P_0.p5'], ['P_0.p3', 'P_0.CS']] as const) {
    const { compiled, prop, actorOf } = dveLeadsTo({ file: join(BEEM, 'dve', 'at.3.dve'), p, q, fairness: 'weak' });
    out.push({ name: `at.3 ${p}~>${q}`, model: compiled.model as Model<unknown, unknown>, properties: [prop as LivenessProperty<unknown>], options: { actorOf: actorOf as (a: unknown) => string }, check: { strategy: 'bfs', deadlock: 'count' } });
  }
  const name = 'liveness-release-vs-fault-back';
  const cfg = reference.configs[name]!;
  const view = resolveView(viewFor(reference, cfg.params));
  const properties = reference.properties(cfg.params).filter((p) => p.kind === 'eventually' || p.kind === 'leadsTo' || p.kind === 'alwaysEventually') as LivenessProperty<unknown>[];
  out.push({
    name: `hmm-reference ${name}`, model: reference.createModel(cfg.params, name) as Model<unknown, unknown>, properties,
    options: { actorOf: (a) => view.actor(a as never), actionKindOf: (a) => view.kind(a as never), isProgress: reference.progress as (a: unknown) => boolean },
    check: { ...cfg.check },
  });
  return out;
}

for (const c of cases()) {
  const rc = resolveConfig(c.check ?? {});
  const req = { properties: c.properties, fairness: rc.fairness, nonProgress: rc.nonProgress };
  let best = { build: Infinity, all: Infinity, load: 0, states: 0 };
  for (let r = 0; r < 3; r++) {
    const load = loadavg()[0]!;
    const t = performance.now();
    const run = checkLiveness(c.model, req, c.options, rc, new SearchControl(rc, silentReporter, undefined));
    const all = performance.now() - t;
    if (all < best.all) best = { build: run.graphMs, all, load, states: run.graph.n };
  }
  const share = Math.min(1, best.build / best.all);
  console.log(
    `${c.name}: ${best.states} states; check ${(best.all / 1000).toFixed(2)} s, of which the graph ${(best.build / 1000).toFixed(2)} s = ${(100 * share).toFixed(0)}% ` +
      `(load ${best.load.toFixed(2)}); ceiling with 2 workers ${(1 / (1 - share + share / 2)).toFixed(2)}x, 4: ${(1 / (1 - share + share / 4)).toFixed(2)}x`,
  );
}
