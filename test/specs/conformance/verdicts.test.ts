/**
 * specs/conformance: every configuration meets its expected verdicts, and the violated
 * `-outcome` properties are violated for the reason the config's description gives.
 */
import { describe, expect, it } from 'vitest';
import { check } from '../../../checker/index.ts';
import { spec } from '../../../specs/conformance/selftests.spec.ts';
import { makeCtx } from '../../../model/hmm/index.ts';
import { requestResult } from '../../../model/hmm/selftest/index.ts';

describe('hmm-selftests: every config meets its expectations', () => {
  for (const [name, cfg] of Object.entries(spec.configs)) {
    it(name, () => {
      const r = check(spec.createModel(cfg.params, name), spec.properties(cfg.params), { strategy: 'bfs', deadlock: 'violation' });
      expect(r.status).toBe('exhaustive');
      expect(Object.fromEntries(r.properties.map((p) => [p.name, p.verdict]))).toEqual(cfg.expect);
    });
  }
});

describe('why the outcome is violated', () => {
  const run = (name: string, prop: string) => {
    const cfg = spec.configs[name]!;
    const r = check(spec.createModel(cfg.params, name), spec.properties(cfg.params), { strategy: 'bfs' });
    const o = r.properties.find((p) => p.name === prop)!;
    const last = o.trace!.steps[o.trace!.steps.length - 1]!.state;
    return { c: makeCtx(cfg.params.model), s: last, kinds: o.trace!.steps.map((st) => st.action?.kind) };
  };

  it('anon-teardown + reclaim: READ succeeds with correct data but faults twice', () => {
    const { c, s, kinds } = run('anon-teardown-reclaim', 'anon-teardown-outcome');
    const rd = requestResult(c, s, 1, 0);
    expect(rd).toMatchObject({ rc: 0, cpages: 2, faults: 2 });
    expect(rd.data).toEqual([1, 1]);
    expect(kinds).toContain('try_to_unmap');
  });

  it('migrate-fault: the CPU fault-back before the read-back makes MIGRATE_TO_DEV return -ENOENT', () => {
    const { c, s, kinds } = run('migrate-fault', 'migrate-fault-rc');
    const rcs = [requestResult(c, s, 1, 0).rc, requestResult(c, s, 1, 1).rc];
    expect(rcs).toContain(-2);
    expect(kinds).toContain('dmirror_devmem_fault_alloc_and_copy');
  });
});
