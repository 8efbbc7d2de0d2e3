/**
 * The npm tarball, as a user gets it: `npm pack`, install it into a fresh project outside the
 * checkout (a `"type": "commonjs"` one, npm's default), and run a spec file there with the
 * installed `hmm-check` binary. The project has no TypeScript, so the CLI must say that it did not
 * type-check, and it must write nothing into its own install folder (temporary files go to the
 * OS temp dir).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, ROOT, tempDir } from './helpers.ts';

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env }, timeout: 240_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

describe('npm pack → install anywhere → run', () => {
  it('runs a spec under a "type": "commonjs" package.json with the installed binary, and replays its counterexample', () => {
    const packDir = tempDir('hmm-check-pack-');
    const pack = run('npm', ['pack', '--silent', '--pack-destination', packDir], ROOT);
    expect(pack.code, pack.stderr).toBe(0);
    const tgz = join(packDir, pack.stdout.trim().split('\n').pop()!);
    const contents = run('tar', ['tzf', tgz], packDir).stdout;
    expect(contents).toContain('package/bin/hmm-check.mjs');
    expect(contents).not.toContain('package/test/');

    const project = tempDir('hmm-check-user-');
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'user-project', version: '1.0.0', type: 'commonjs' }));
    const install = run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tgz], project);
    expect(install.code, install.stderr).toBe(0);
    const installed = join(project, 'node_modules', 'hmm-check');
    const before = listFiles(installed);

    mkdirSync(join(project, 'models'));
    const spec = join(project, 'models', 'my-mutex.spec.ts');
    copyFileSync(join(FIXTURES, 'outside-user.spec.ts.txt'), spec);
    const bin = join(project, 'node_modules', '.bin', 'hmm-check');
    const r = run(bin, ['models/my-mutex.spec.ts', '--quiet', '--json'], project);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { outcome: string; results: { config: string; property: string; verdict: string }[] };
    expect(doc.outcome).toBe('ok');
    expect(doc.results).toContainEqual(expect.objectContaining({ config: 'flag-no-turn', property: 'deadlock-free', verdict: 'violated' }));
    // no TypeScript in this project: said, not skipped silently
    expect(r.stderr).toMatch(/warning: TypeScript \(tsc\) is not installed here, so models\/my-mutex\.spec\.ts ran without a type-check/);

    const itf = join(project, 'counterexamples', 'my-mutex', 'flag-no-turn', 'deadlock-free.itf.json');
    expect(JSON.parse(readFileSync(itf, 'utf8'))['#meta'].replay).toBe('0/0/1');
    // a trace is data: replay runs the spec the user names, not the file the trace names
    const rep = run(bin, ['replay', '--spec', spec, itf, '--no-typecheck'], project);
    expect(rep.code, rep.stderr).toBe(0);
    expect(listFiles(installed)).toEqual(before);
  }, 300_000);
});
