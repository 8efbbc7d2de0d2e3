/**
 * A CheckConfig written by hand (in a spec, or passed to check()) is checked key by key: an
 * unknown key (`maxstates`), a value outside its domain (`deadlock: 'maybe'`, `walks: -3`,
 * `walks: Infinity`) would otherwise be ignored or loop forever, silently.
 */
import type { CheckConfig } from './config.ts';
import { ConfigError } from './errors.ts';

type Rule = { readonly test: (v: unknown) => boolean; readonly domain: string };

const positiveInt: Rule = { test: (v) => Number.isSafeInteger(v) && (v as number) > 0, domain: 'a positive whole number' };
const oneOf = (...xs: readonly string[]): Rule => ({ test: (v) => xs.includes(v as string), domain: `one of ${xs.map((x) => `'${x}'`).join(', ')}` });

const RULES: Readonly<Record<keyof CheckConfig, Rule>> = {
  strategy: oneOf('bfs', 'dfs', 'simulation'),
  maxStates: positiveInt,
  maxDepth: positiveInt,
  timeoutMs: { test: (v) => typeof v === 'number' && Number.isFinite(v) && v > 0, domain: 'a finite number of milliseconds > 0' },
  deadlock: oneOf('violation', 'count'),
  stopWhen: oneOf('first', 'all'),
  seed: { test: (v) => Number.isSafeInteger(v), domain: 'a whole number' },
  walks: positiveInt,
  walkDepth: positiveInt,
  progressMs: { test: (v) => typeof v === 'number' && Number.isFinite(v) && v >= 0, domain: 'a finite number of milliseconds ≥ 0' },
  maxMemoryBytes: positiveInt,
  // the shape of a fairness record is checked against the model's actors by the liveness search
  fairness: { test: (v) => typeof v === 'object' && v !== null && !Array.isArray(v), domain: "a record of 'none' | 'weak' | 'strong' per actor (or actor:kind)" },
  nonProgress: { test: (v) => typeof v === 'boolean', domain: 'true or false' },
};

const show = (v: unknown): string => (typeof v === 'string' ? `'${v}'` : typeof v === 'number' || typeof v === 'boolean' || v === null || v === undefined ? String(v) : typeof v);

/** Throws a ConfigError for the first bad key; `where` names it for the message ("config \"x\" of spec \"y\""). */
export function validateCheckConfig(c: unknown, where = 'the check config'): void {
  if (c === undefined) return;
  if (c === null || typeof c !== 'object' || Array.isArray(c)) {
    throw new ConfigError(`${where}: check must be an object, got ${show(c)}`, "write e.g. check: { maxStates: 100000, deadlock: 'count' }");
  }
  const known = Object.keys(RULES);
  for (const key of Object.keys(c)) {
    if (!Object.hasOwn(RULES, key)) {
      const near = known.find((k) => k.toLowerCase() === key.toLowerCase());
      throw new ConfigError(
        `${where}: unknown check option "${key}"`,
        near ? `did you mean "${near}"?` : `the options are ${known.join(', ')}`,
      );
    }
    const v = (c as Record<string, unknown>)[key];
    if (v === undefined) continue;
    const rule = RULES[key as keyof CheckConfig];
    if (!rule.test(v)) throw new ConfigError(`${where}: check.${key} is ${show(v)}`, `${key} must be ${rule.domain}`);
  }
}
