/** One measured run in its own process (so peak RSS belongs to it): prints a JSON line. */
import { check, WordWriter, type CheckSpec, type Model } from '../checker/index.ts';
import { countersModel } from './counters-model.ts';

const [mode, dimsS, maxS, specFile, configName = 'bench-large'] = process.argv.slice(2);
const dims = Number(dimsS);
const max = Number(maxS);
// With a spec file (HMM benchmarks), the model is that spec's configuration named by the fifth
// argument (default 'bench-large', the larger configuration per design of issue 3).
const model = (specFile === undefined ? countersModel(dims, max) : await specModel(specFile)) as Model<Int32Array, unknown>;

async function specModel(file: string): Promise<Model<unknown, unknown>> {
  const mod = (await import(file)) as { spec: CheckSpec<unknown, unknown, unknown> };
  const cfg = mod.spec.configs[configName];
  if (!cfg) throw new Error(`${file} has no ${configName} config`);
  return mod.spec.createModel(cfg.params, configName);
}
const t0 = performance.now();
let states = 0;
let transitions = 0;
let bytesPerState = 0;
if (mode === 'naive') {
  // The peer: what a straightforward TS checker does — a Set of string keys and an array queue.
  const seen = new Set<string>();
  const w = new WordWriter();
  const key = (st: Int32Array): string => {
    w.reset();
    model.codec.encode(st, w);
    return w.toArray().join(',');
  };
  let level = model.initialStates().slice();
  level.forEach((s) => seen.add(key(s)));
  while (level.length) {
    const next: Int32Array[] = [];
    for (const s of level) {
      model.successors(s, (_a, t) => {
        transitions++;
        const k = key(t);
        if (!seen.has(k)) {
          seen.add(k);
          next.push(t);
        }
      });
    }
    level = next;
  }
  states = seen.size;
} else {
  const m = mode === 'object' ? { ...model, packed: undefined } : model;
  const { packed, ...rest } = m;
  const r = check(mode === 'object' ? rest : model, [], { deadlock: 'count' });
  states = r.stats.distinct;
  transitions = r.stats.transitions;
  bytesPerState = r.stats.bytesPerState;
  void packed;
}
const seconds = (performance.now() - t0) / 1000;
console.log(JSON.stringify({
  mode, states, transitions, seconds, statesPerSecond: states / seconds, bytesPerState,
  peakRssBytes: process.resourceUsage().maxRSS * 1024,
}));
