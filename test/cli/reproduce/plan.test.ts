import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planFromText, type Plan } from '../../../cli/reproduce/plan.ts';
import { ReproduceError } from '../../../cli/reproduce/trace.ts';
import { ROOT } from '../helpers.ts';

function plan(rel: string): Plan {
  return planFromText(readFileSync(join(ROOT, rel), 'utf8'), rel);
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.itf.json') ? [p] : [];
  });
}

const brief = (p: Plan) => p.phases.map((ph) => ({ racing: ph.racing, ops: ph.ops.map((o) => `${o.actor} ${o.kind} ${o.first}-${o.last}`) }));

// Expected plans are read off each counterexample's .md table by hand (which actor runs which
// syscall over which steps), not taken from the generator's output.
describe('planFromTrace', () => {
  it('F2: MIGRATE_TO_DEV (t0, steps 1-14) and READ (t1, steps 4-17) interleave inside the kernel: one racing phase', () => {
    const p = plan('counterexamples/hmm-dmirror/migrate-vs-device-read/s3-no-use-after-free.itf.json');
    expect(brief(p)).toEqual([{ racing: true, ops: ['dev0.t0 migrate_to_dev 1-14', 'dev0.t1 device_read 4-17'] }]);
    // neither op changes the data, so the racing READ and the final reads may only see the initial contents
    expect([...p.phases[0]!.legalReads.values()]).toEqual([[{ kind: 'init' }]]);
    expect(p.finalLegal.get(0)).toEqual([{ kind: 'init' }]);
    expect(p.approximations).toEqual([]);
  });

  it('F7: MADV_FREE, device WRITE, reclaim, CPU read run one after another; the read must see the device write', () => {
    const p = plan('counterexamples/hmm-dmirror/madv-free-vs-device-write/s5-no-lost-update.itf.json');
    expect(brief(p)).toEqual([
      { racing: false, ops: ['cpu0 madv_free 1-6'] },
      { racing: false, ops: ['dev0.t0 device_write 7-14'] },
      { racing: false, ops: ['core-mm reclaim 15-18'] },
      { racing: false, ops: ['cpu0 cpu_read 19-20'] },
    ]);
    expect(p.phases[3]!.legalReads.get(3)).toEqual([{ kind: 'write', op: 1 }]);
    expect(p.approximations.join(' ')).toMatch(/MADV_PAGEOUT/);
  });

  it('F5: MADV_DONTNEED (steps 1-8) races MIGRATE_TO_DEV (4-14); afterwards only zeroes are legal', () => {
    const p = plan('counterexamples/hmm-dmirror/dontneed-vs-migrate/s3-no-use-after-free.itf.json');
    expect(brief(p)).toEqual([{ racing: true, ops: ['cpu0 madv_dontneed 1-8', 'dev0.t0 migrate_to_dev 4-14'] }]);
    expect(p.finalLegal.get(0)).toEqual([{ kind: 'zero' }]);
  });

  it('the OOM reaper and NUMA hinting are approximated and say so', () => {
    expect(plan('counterexamples/hmm-dmirror/oom-reap-vs-migrate/s3-no-use-after-free.itf.json').approximations.join(' ')).toMatch(/OOM reaper.*MADV_DONTNEED/);
    const numa = plan('counterexamples/hmm-dmirror/numa-vs-device-private-write/s2-permission-containment.itf.json');
    expect(numa.usesNuma).toBe(true);
    expect(numa.approximations.join(' ')).toMatch(/NUMA hinting.*cannot be called from user space/);
  });

  it('rejects another spec, the model-only reference driver and a step user space cannot issue (exit-2 errors)', () => {
    expect(() => plan('counterexamples/mutex/check-then-set/mutual-exclusion.itf.json')).toThrow(/spec "mutex" is not a model of lib\/test_hmm\.c/);
    expect(() => plan('counterexamples/hmm-reference/dontneed-vs-migrate/s3-no-use-after-free.itf.json')).toThrow(/textbook driver/);
    expect(() => plan('counterexamples/hmm-dmirror/release-vs-fault-back/s3-no-use-after-free.itf.json')).toThrow(ReproduceError);
    expect(() => plan('counterexamples/hmm-dmirror/release-vs-fault-back/s3-no-use-after-free.itf.json')).toThrow(/step 14 \(dev0\.t1: migrate_device_range\)/);
  });

  describe('one device opened twice (F8: fds, actors mirror<fd>.t<n>)', () => {
    const F8 = 'counterexamples/hmm-dmirror/two-fds-one-device-migrate/s3-no-use-after-free.itf.json';
    const f8 = readFileSync(join(ROOT, F8), 'utf8');
    type Doc = { states: { '#meta': { action?: string; actor?: string }; device: unknown[] }[] };
    const edit = (f: (d: Doc) => void): string => {
      const d = JSON.parse(f8) as Doc;
      f(d);
      return JSON.stringify(d);
    };

    it('fd 0 MIGRATE_TO_DEVs (mirror0.t0, steps 1-15) while fd 1 READs (mirror1.t1, steps 5-18), both on device 0: one racing phase', () => {
      // read off the .md table: mirror0.t0 runs migrate_vma_setup … migrate_vma_finalize (1-15), mirror1.t1
      // dmirror_do_read → -ENOENT (5) … dmirror_do_fault (18); the initial state lists mirror0/1.device = dev0
      const p = plan(F8);
      expect(brief(p)).toEqual([{ racing: true, ops: ['mirror0.t0 migrate_to_dev 1-15', 'mirror1.t1 device_read 5-18'] }]);
      expect(p.ops.map((o) => ({ actor: o.actor, fd: o.fd, device: o.device }))).toEqual([
        { actor: 'mirror0.t0', fd: 0, device: 0 },
        { actor: 'mirror1.t1', fd: 1, device: 0 },
      ]);
      expect(p.devices).toBe(1);
      expect(p.finalLegal.get(0)).toEqual([{ kind: 'init' }]);
    });

    it('the twin on two devices (its S10 trace: 3 steps of fd 0 only) still opens both files, one per device', () => {
      const p = plan('counterexamples/hmm-dmirror/two-fds-two-devices-migrate/s10-protocol-discipline.itf.json');
      expect(p.trace.files).toEqual([{ fd: 0, device: 0, mm: 0 }, { fd: 1, device: 1, mm: 0 }]);
      expect(p.ops.map((o) => [o.actor, o.fd, o.device])).toEqual([['mirror0.t0', 0, 0]]);
      expect(p.devices).toBe(2);
    });

    it('without file records every device thread keeps fd = device', () => {
      const p = plan('counterexamples/hmm-dmirror/migrate-vs-device-read/s3-no-use-after-free.itf.json');
      expect(p.ops.map((o) => [o.fd, o.device])).toEqual([[0, 0], [0, 0]]);
    });

    it('an fd out of range, a dev<d> actor beside file records, a mirror actor without them: exit-2 errors naming the step', () => {
      const renamed = (to: string) => (d: Doc): void => {
        for (const s of d.states) {
          const m = s['#meta'];
          if (m.actor === 'mirror1.t1') {
            m.actor = to;
            m.action = m.action!.replace('mirror1.t1', to);
          }
        }
      };
      expect(() => planFromText(edit(renamed('mirror2.t1')), 'x.itf.json')).toThrow(/x\.itf\.json: step 5's actor "mirror2\.t1" does not fit the trace's open files: fd 2 is out of range \(the trace lists 2 open files, mirror0–mirror1\)/);
      expect(() => planFromText(edit((d) => { for (const s of d.states) s.device.pop(); }), 'x.itf.json')).toThrow(/fd 1 is out of range \(the trace lists 1 open file, mirror0\)/);
      expect(() => planFromText(edit(renamed('dev0.t1')), 'x.itf.json')).toThrow(/step 5's actor "dev0\.t1" does not fit .* named mirror<fd>\.t<n>, not dev<d>\.t<n>/);
      expect(() => planFromText(edit((d) => { for (const s of d.states) for (const e of s.device) delete (e as Record<string, unknown>)['mirror']; }), 'x.itf.json'))
        .toThrow(/step 1's actor "mirror0\.t0" does not fit .* no open-file records/);
      expect(() => planFromText(edit((d) => { for (const s of d.states) (s.device[1] as Record<string, unknown>)['mm'] = { '#bigint': '1' }; }), 'x.itf.json'))
        .toThrow(/fd 1 was opened by the fork child/);
      expect(() => planFromText(edit(renamed('mirror2.t1')), 'x.itf.json')).toThrow(ReproduceError);
    });
  });

  describe('over every committed counterexample it accepts', () => {
    const files = [...walk(join(ROOT, 'counterexamples', 'hmm-dmirror')), ...walk(join(ROOT, 'counterexamples', 'hmm-selftests'))];
    const plans = files.flatMap((f) => {
      try {
        return [{ f: relative(ROOT, f), p: planFromText(readFileSync(f, 'utf8'), f) }];
      } catch (e) {
        if (e instanceof ReproduceError) return [];
        throw e;
      }
    });
    it('accepts most of them (the rest need mprotect, munmap, RELEASE or SNAPSHOT)', () => {
      expect(plans.length).toBeGreaterThan(files.length / 2);
    });
    it('every step lies in exactly one operation of its own actor, and phases never overlap', () => {
      for (const { f, p } of plans) {
        for (const s of p.trace.steps) {
          const owners = p.ops.filter((o) => o.actor === s.actor && o.first <= s.index && s.index <= o.last);
          expect(owners, `${f} step ${s.index}`).toHaveLength(1);
        }
        for (let i = 1; i < p.phases.length; i++) {
          const prevEnd = Math.max(...p.phases[i - 1]!.ops.map((o) => o.last));
          expect(Math.min(...p.phases[i]!.ops.map((o) => o.first)), f).toBeGreaterThan(prevEnd);
        }
      }
    });
  });
});
