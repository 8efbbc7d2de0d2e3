import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emitC } from '../../../cli/reproduce/emit-c.ts';
import { planFromText, type Plan } from '../../../cli/reproduce/plan.ts';
import { ReproduceError } from '../../../cli/reproduce/trace.ts';
import { ROOT, tempDir } from '../helpers.ts';

const ASSETS = join(ROOT, 'kernel');

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.itf.json') ? [p] : [];
  });
}

function dirWithHeaders(): string {
  const d = tempDir('hmm-check-c-');
  for (const h of ['repro.h', 'dmirror-uapi.h']) copyFileSync(join(ASSETS, h), join(d, h));
  return d;
}

function gcc(args: string[]): { status: number | null; stderr: string } {
  const r = spawnSync('gcc', args, { encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr };
}

const plans: { name: string; plan: Plan }[] = [...walk(join(ROOT, 'counterexamples', 'hmm-dmirror')), ...walk(join(ROOT, 'counterexamples', 'hmm-selftests'))].flatMap((f) => {
  try {
    return [{ name: relative(ROOT, f), plan: planFromText(readFileSync(f, 'utf8'), relative(ROOT, f)) }];
  } catch (e) {
    if (e instanceof ReproduceError) return [];
    throw e;
  }
});

describe('emitC', () => {
  it('the reproducer of every accepted committed counterexample compiles (gcc -fsyntax-only -Wall -Werror, system headers)', () => {
    const d = dirWithHeaders();
    plans.forEach(({ name, plan }, i) => {
      const c = join(d, `r${i}.c`);
      writeFileSync(c, emitC(plan));
      const r = gcc(['-fsyntax-only', '-Wall', '-Werror', '-I', d, c]);
      expect(r.stderr, name).toBe('');
      expect(r.status, name).toBe(0);
    });
  });

  it('builds static and, outside the VM, stops with one line naming the missing dmirror device', () => {
    const d = dirWithHeaders();
    const f7 = 'counterexamples/hmm-dmirror/madv-free-vs-device-write/s5-no-lost-update.itf.json';
    writeFileSync(join(d, 'repro.c'), emitC(planFromText(readFileSync(join(ROOT, f7), 'utf8'), f7)));
    expect(gcc(['-static', '-O2', '-pthread', '-Wall', '-I', d, join(d, 'repro.c'), '-o', join(d, 'repro')]).status).toBe(0);
    const run = spawnSync(join(d, 'repro'), ['1'], { encoding: 'utf8', timeout: 20_000 });
    expect(run.stdout).toMatch(/^@@REPRO error open \/dev\/hmm_dmirror0: /m);
    expect(run.status).toBe(3);
  });

  it('a trace is data: text from the trace lands only inside the leading comment', () => {
    const f2 = 'counterexamples/hmm-dmirror/migrate-vs-device-read/s3-no-use-after-free.itf.json';
    const doc = JSON.parse(readFileSync(join(ROOT, f2), 'utf8')) as { '#meta': Record<string, string> };
    doc['#meta']['description'] = '*/ int main(void) { system("reboot"); } /*\n#include "/etc/passwd"';
    doc['#meta']['config'] = 'x */ #error injected';
    const c = emitC(planFromText(JSON.stringify(doc), 'evil */.itf.json'));
    const afterComment = c.slice(c.indexOf('*/') + 2);
    expect(afterComment).not.toMatch(/system|passwd|injected|reboot/);
    const d = dirWithHeaders();
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, 'evil.c'), c);
    expect(gcc(['-fsyntax-only', '-Wall', '-Werror', '-I', d, join(d, 'evil.c')]).status).toBe(0);
  });

  it('orders sequential phases with barriers and jitters only racing ones', () => {
    const f7 = 'counterexamples/hmm-dmirror/madv-free-vs-device-write/s5-no-lost-update.itf.json';
    const seq = emitC(planFromText(readFileSync(join(ROOT, f7), 'utf8'), f7));
    expect(seq).toContain('#define RACING 0');
    expect(seq).not.toMatch(/jitter\(/);
    const f2 = 'counterexamples/hmm-dmirror/migrate-vs-device-read/s3-no-use-after-free.itf.json';
    const race = emitC(planFromText(readFileSync(join(ROOT, f2), 'utf8'), f2));
    expect(race).toContain('#define RACING 1');
    expect(race.match(/jitter\(0\);/g)).toHaveLength(2);
  });

  describe('one device opened twice (F8)', () => {
    const F8 = 'counterexamples/hmm-dmirror/two-fds-one-device-migrate/s3-no-use-after-free.itf.json';
    const c = emitC(planFromText(readFileSync(join(ROOT, F8), 'utf8'), F8));
    const body = (fn: string): string => {
      const at = c.indexOf(`${fn}(`);
      return c.slice(at, c.indexOf('\n}\n', at));
    };

    it('opens /dev/hmm_dmirror0 once per fd of the trace, in its order, instead of once per device', () => {
      expect(c).toContain('#define NFDS 2');
      expect(c).toContain('open_fds(NFDS, (const int[]){ 0, 0 });');
      expect(c).not.toContain('open_devices(');
    });

    it('issues the MIGRATE on fd 0 (A) and the READs on fd 1 (B), as the trace names them', () => {
      // op_*(fd, page, first trace step, …): the .md has mirror0.t0's migrate from step 1, mirror1.t1's read from step 5
      const a = body('thread_mirror0_t0');
      const b = body('thread_mirror1_t1');
      expect(a).toContain('op_migrate_to_dev(0, 0, 1);');
      expect(a).not.toMatch(/op_device_read/);
      expect(b).toContain('op_device_read(1, 0, 5, (const uint64_t[]){ V_INIT }, 1);');
      expect(b).not.toMatch(/op_migrate_to_dev/);
      // afterwards the page is read back through both files: B's stale entry is invisible through A
      const fin = body('final_checks');
      expect(fin).toContain('op_device_read(0, 0, 0, (const uint64_t[]){ V_INIT }, 1);');
      expect(fin).toContain('op_device_read(1, 0, 0, (const uint64_t[]){ V_INIT }, 1);');
    });

    it('the twin on two devices opens one file on each', () => {
      const f = 'counterexamples/hmm-dmirror/two-fds-two-devices-migrate/s10-protocol-discipline.itf.json';
      expect(emitC(planFromText(readFileSync(join(ROOT, f), 'utf8'), f))).toContain('open_fds(NFDS, (const int[]){ 0, 1 });');
    });

    it('a trace without file records keeps opening each device once', () => {
      const f2 = 'counterexamples/hmm-dmirror/migrate-vs-device-read/s3-no-use-after-free.itf.json';
      const c2 = emitC(planFromText(readFileSync(join(ROOT, f2), 'utf8'), f2));
      expect(c2).toContain('open_devices(NDEVICES);');
      expect(c2).not.toMatch(/NFDS|open_fds/);
    });

    it('builds static and, outside the VM, stops with one line naming the missing device and the file', () => {
      const d = dirWithHeaders();
      writeFileSync(join(d, 'repro.c'), c);
      expect(gcc(['-static', '-O2', '-pthread', '-Wall', '-I', d, join(d, 'repro.c'), '-o', join(d, 'repro')]).status).toBe(0);
      const run = spawnSync(join(d, 'repro'), ['1'], { encoding: 'utf8', timeout: 20_000 });
      expect(run.stdout).toMatch(/^@@REPRO error open \/dev\/hmm_dmirror0 \(file 0\): /m);
      expect(run.status).toBe(3);
    });
  });
});
