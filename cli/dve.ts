/**
 * `npx hmm-check model.dve`: a DVE (BEEM) model presented as a spec with one configuration,
 * `default`, no properties beyond deadlock freedom (expected to hold), and a trace view that
 * shows processes as participants and DVE variables by name.
 */
import { basename } from 'node:path';
import { SpecLoadError } from '../checker/errors.ts';
import type { Model } from '../checker/model.ts';
import type { TraceView } from '../checker/report/view.ts';
import { toItf } from '../checker/report/values.ts';
import type { CheckSpec } from '../checker/spec.ts';
import { compileDveExpression, type CompiledDve, type DveAction, type DveState, dveVars, loadDve } from '../model/dve/index.ts';
import { leadsTo, type Property } from '../checker/property.ts';
import type { FairnessLevel } from '../checker/liveness/fairness.ts';
import { display } from './paths.ts';

function compile(file: string): CompiledDve {
  try {
    return loadDve(file);
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    if (err.name === 'DveError') {
      throw new SpecLoadError(`${display(file)} is not a valid DVE model: ${err.message.replace(`${file}:`, 'line ')}`, 'fix the DVE text at that position');
    }
    throw err;
  }
}

function kindOf(a: DveAction): string {
  const own = `${a.process}#${a.transition} ${a.label}`;
  return a.partner ? `${own} ⇄ ${a.partner.process}#${a.partner.transition}` : own;
}

export function dveView(c: CompiledDve): TraceView<DveState, DveAction> {
  const kinds: string[] = [];
  const seen = new Set<string>();
  for (const a of c.actions) {
    const k = kindOf(a);
    if (!seen.has(k)) {
      seen.add(k);
      kinds.push(k);
    }
  }
  return {
    vars: (s) => {
      // No prototype: a DVE variable named __proto__ must stay a plain key.
      const out: Record<string, ReturnType<typeof toItf>> = Object.create(null) as Record<string, ReturnType<typeof toItf>>;
      for (const [k, v] of Object.entries(dveVars(c, s))) out[k] = toItf(v);
      return out;
    },
    label: (a) => (a.partner ? `${a.label} ⇄ ${a.partner.process}: ${a.partner.label}` : a.label),
    actor: (a) => a.process,
    arrow: (a) => ({ from: a.process, to: a.partner?.process ?? a.process, text: `${a.label} (line ${a.line})` }),
    participants: c.system.processes.map((p) => p.name),
    actionKind: kindOf,
    actionKinds: kinds,
  };
}

/** A leads-to property from the command line, with the fairness of every process. */
export interface DveLiveness {
  readonly leadsTo: readonly [string, string];
  readonly fairness: FairnessLevel;
}

/** The property's name contains `leads-to` (what --json consumers look for). */
export const DVE_LEADS_TO = 'leads-to';

function leadsToProperty(file: string, compiled: CompiledDve, l: DveLiveness): Property<DveState, DveAction> {
  const expr = (text: string, which: string) => {
    try {
      return compileDveExpression(compiled, text, `--leads-to ${which}`);
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      if (err.name !== 'DveError') throw err;
      throw new SpecLoadError(
        `${err.message.replace(/:1:(\d+):/, ' (column $1):')} — in the expression "${text}" for ${display(file)}`,
        "write a DVE expression over the model's globals and Process.state, e.g. 'P_0.CS' or 'x == 1 and P_1.wait'",
      );
    }
  };
  const from = expr(l.leadsTo[0], 'P');
  const to = expr(l.leadsTo[1], 'Q');
  return leadsTo<DveState>(DVE_LEADS_TO, from, to, {
    description: `${l.leadsTo[0]} leads to ${l.leadsTo[1]} (${l.fairness} fairness for every process)`,
    fairness: { '*': l.fairness },
  });
}

export function dveSpec(file: string, liveness?: DveLiveness): CheckSpec<Record<string, never>, DveState, DveAction> {
  const compiled = compile(file);
  const props = liveness ? [leadsToProperty(file, compiled, liveness)] : [];
  // The id becomes a directory under --out: it must start with a letter or digit, or `...dve` would
  // give `..` and write the counterexamples outside it.
  const stem = basename(file).replace(/\.dve$/, '').replace(/[^A-Za-z0-9._-]/g, '_');
  const id = /^[A-Za-z0-9]/.test(stem) ? stem : `_${stem}`;
  return {
    id,
    title: `DVE model ${basename(file)}`,
    // BEEM counts deadlocks as part of the state space (counts.json): count them, and report them
    // as violations only when asked (--deadlock).
    configs: { default: { params: {}, check: { deadlock: 'count' }, expect: {}, description: 'the model as written; states without successors are counted as deadlocks (--deadlock makes them violations)' } },
    createModel: (): Model<DveState, DveAction> => compiled.model,
    properties: () => props,
    view: dveView(compiled),
  };
}
