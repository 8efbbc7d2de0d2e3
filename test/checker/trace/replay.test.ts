import { describe, expect, it } from 'vitest';
import {
  always, check, ModelContractError, replay, ReplayMismatchError, type Model,
} from '../../../checker/index.ts';
import { dieHard } from '../../fixtures/models/die-hard.ts';

describe('replay', () => {
  it('re-derives a counterexample from its token and names what it demonstrates', () => {
    const props = [always<{ small: number; big: number }>('big-not-4', (s) => s.big !== 4)];
    const r = check(dieHard, props);
    const token = r.properties[0]!.trace!.replay;
    expect(token).toBe('0/1/5/2/5/1/5');
    const rep = replay(dieHard, token, props);
    expect(rep.steps.at(-1)!.state).toEqual({ small: 3, big: 4 });
    expect(rep.demonstrated).toEqual(['big-not-4']);
  });

  it('says at which step a path cannot be followed', () => {
    expect(() => replay(dieHard, '0/1/9')).toThrow(/diverged at step 2: the path takes transition #9 but the model emitted only 6/);
    expect(() => replay(dieHard, '3')).toThrow(ReplayMismatchError);
    expect(() => replay(dieHard, '0/x')).toThrow(/not a list of action indices/);
  });
});

describe('model contract violations are errors, not verdicts', () => {
  it('a nondeterministic model is caught with a hint', () => {
    let calls = 0;
    const flaky: Model<number, string> = {
      id: 'flaky',
      initialStates: () => [0],
      successors(s, emit) {
        calls++;
        if (s < 3) emit('step', s + 1);
        if (calls % 2 === 0 && s === 0) emit('sometimes', 9);
      },
      codec: { encode: (s, w) => w.push(s) },
    };
    expect(() => check(flaky, [])).toThrow(ReplayMismatchError);
    try {
      check(flaky, []);
    } catch (e) {
      expect((e as ReplayMismatchError).message).toMatch(/nondeterministic/);
      expect((e as ReplayMismatchError).hint).toMatch(/Math.random/);
    }
  });

  it('a throwing model is reported with the replay path of the state that made it throw', () => {
    const broken: Model<number, string> = {
      id: 'broken',
      initialStates: () => [0],
      successors(s, emit) {
        if (s === 2) throw new Error('boom');
        emit('inc', s + 1);
      },
      codec: { encode: (s, w) => w.push(s) },
    };
    expect(() => check(broken, [])).toThrow(ModelContractError);
    expect(() => check(broken, [])).toThrow(/successors\(\) threw at the state reached by replay path 0\/0\/0: boom/);
    try {
      check(broken, []);
    } catch (e) {
      expect(((e as ModelContractError).cause as Error).message).toBe('boom');
    }
  });

  it('an error that carries its own hint keeps it as the fix', () => {
    const hinted: Model<number, string> = {
      id: 'hinted',
      initialStates: () => [0],
      successors() {
        throw Object.assign(new Error('division by zero'), { hint: 'guard the divisor at m.dve:3:9' });
      },
      codec: { encode: (s, w) => w.push(s) },
    };
    try {
      check(hinted, []);
      expect.unreachable();
    } catch (e) {
      expect((e as ModelContractError).hint).toBe('guard the divisor at m.dve:3:9');
    }
  });

  it('reserved, duplicate and non-file-safe property names are rejected', () => {
    const p = (name: string) => always<number>(name, () => true);
    expect(() => check(dieHard as never, [p('deadlock-free')])).toThrow(/reserved/);
    expect(() => check(dieHard as never, [p('a'), p('a')])).toThrow(/two properties/);
    expect(() => check(dieHard as never, [p('../x')])).toThrow(/plain identifier/);
  });
});
