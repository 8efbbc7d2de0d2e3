/**
 * `npm run kernel`: the model's findings and conformance checked on a real kernel. Installs what
 * it needs from Debian, builds (or reuses) a KASAN kernel with lib/test_hmm.c, boots it in QEMU,
 * runs the kernel's hmm-tests next to the model's verdict for each, runs the reproducers of the
 * findings, and writes kernel-results.json.
 *
 * Exit 0: the VM ran and every result is in the file (whatever the results are). 1: the VM gave
 * no selftest results. 2: bad input or a setup failure (one paragraph says which and the fix).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError } from '../errors.ts';
import { display, ROOT } from '../paths.ts';
import { writeFileAtomic } from '../util/atomic.ts';
import { FINDING_TRACES } from '../kernel/findings.ts';
import { runModelConformance } from '../kernel/model-verdicts.ts';
import { ASSETS, prepareKernel } from '../kernel/prepare.ts';
import { buildHmmTests, countResults, parseTap, type SelftestOutcome } from '../kernel/selftests.ts';
import { boot, buildInitramfs } from '../kernel/vm.ts';
import { runReproducer, type ReproOutcome } from '../reproduce/run.ts';
import { ReproduceError } from '../reproduce/trace.ts';

export const KERNEL_USAGE = `Usage: npm run kernel -- [--smoke] [--out DIR] [--source DIR] [--budget SECONDS] [--selftest-timeout SECONDS] [--json]
  Builds (once, cached in ~/.cache/hmm-check/kernel) Debian's Linux 6.1 with KASAN and lib/test_hmm.c,
  boots it in QEMU (TCG), runs hmm-tests next to the model's conformance verdicts and the reproducers
  of the findings, and writes DIR/kernel-results.json (default DIR: kernel-out).
  --smoke             boot, the first selftest and one reproducer (F7) only
  --source DIR        build that kernel tree instead of Debian's linux-source-6.1
  --budget            seconds each finding's reproducer races (default 60; 20 with --smoke)
  --selftest-timeout  per-test timeout compiled into hmm-tests (default 120; the harness's own is 30)`;

function parse(argv: readonly string[]) {
  try {
    return parseArgs({
      args: [...argv],
      allowPositionals: false,
      strict: true,
      options: {
        smoke: { type: 'boolean' }, out: { type: 'string' }, source: { type: 'string' }, budget: { type: 'string' },
        'selftest-timeout': { type: 'string' }, json: { type: 'boolean' }, debug: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message.split('\n')[0]!.replace(/\.$/, ''), 'run `npm run kernel -- --help`');
  }
}

function seconds(name: string, v: string | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--${name} expects a positive whole number of seconds, got "${v}"`, `write e.g. --${name} 60`);
  return n;
}

export async function kernelCommand(argv: readonly string[]): Promise<number> {
  const { values: v } = parse(argv);
  if (v.help) {
    process.stdout.write(`${KERNEL_USAGE}\n`);
    return 0;
  }
  const smoke = v.smoke === true;
  const budget = seconds('budget', v.budget, smoke ? 20 : 60);
  const selftestTimeout = seconds('selftest-timeout', v['selftest-timeout'], 120);
  const out = resolve(v.out ?? 'kernel-out');
  mkdirSync(out, { recursive: true });
  const log = (s: string): void => {
    process.stderr.write(`${s}\n`);
  };

  const kernel = await prepareKernel(v.source === undefined ? undefined : resolve(v.source), log);
  log(`kernel ${kernel.version} ${kernel.cached ? 'cached' : 'built'} (${kernel.buildSeconds} s when built): ${display(kernel.bzImage)}`);

  const work = join(out, 'selftests');
  mkdirSync(work, { recursive: true });
  const bin = buildHmmTests(kernel.src, kernel.headers, work, selftestTimeout);
  // --smoke stops after the first test's result line
  const runTests = smoke ? `./hmm-tests 2>&1 | awk '{ print } /^(not )?ok [0-9]+ / { exit }'` : './hmm-tests 2>&1';
  const initrd = join(work, 'initramfs.cpio.gz');
  writeFileSync(initrd, buildInitramfs(ASSETS, [{ name: 'hmm-tests', data: readFileSync(bin), executable: true }], `${runTests}\necho "@@VM exit $?"\n`));
  log(`booting for hmm-tests (${smoke ? 'first test only' : `every test, ${selftestTimeout} s timeout each`})`);
  const t0 = Date.now();
  const vm = await boot({
    bzImage: kernel.bzImage, initrd, timeoutSeconds: smoke ? 600 : 7200, consoleLog: join(work, 'console.log'),
    onLine: (l) => {
      if (/^(not )?ok \d+ /.test(l)) log(`  ${l}`);
    },
  });
  const testsSeconds = Math.round((Date.now() - t0) / 100) / 10;
  const selftests: SelftestOutcome[] = parseTap(vm.lines);
  log(`hmm-tests: ${selftests.length} results in ${testsSeconds} s (boot ${vm.bootSeconds ?? '?'} s)`);

  log('running the model\'s conformance suite (test/conformance) for its verdicts');
  const model = runModelConformance(ROOT);

  const findings: { id: string; status: string; evidence: string[]; trace: string; approximations: readonly string[]; versionGap: string; rounds: number | null; wallSeconds: number | null }[] = [];
  for (const f of smoke ? FINDING_TRACES.filter((x) => x.id === 'F7') : FINDING_TRACES) {
    let o: ReproOutcome | null = null;
    try {
      o = await runReproducer(join(ROOT, f.trace), f.trace, ASSETS, join(out, 'reproduce', f.id), kernel, budget, log);
    } catch (e) {
      if (!(e instanceof ReproduceError)) throw e;
      findings.push({ id: f.id, status: 'not-reproducible', evidence: [e.message], trace: f.trace, approximations: [], versionGap: f.versionGap, rounds: null, wallSeconds: null });
      continue;
    }
    findings.push({ id: f.id, status: o.status, evidence: [...o.evidence], trace: f.trace, approximations: o.approximations, versionGap: f.versionGap, rounds: o.rounds, wallSeconds: o.wallSeconds });
    log(`${f.id}: ${o.status} (${o.rounds ?? '?'} rounds, ${o.wallSeconds} s wall)`);
  }

  const rows = selftests.map((s) => ({ name: s.name, result: s.result, model: model.get(s.name) ?? 'not modelled' }));
  const results = {
    kernel: { version: kernel.version, config: kernel.key, cached: kernel.cached, buildSeconds: kernel.buildSeconds, bzImage: kernel.bzImage },
    vm: { accel: 'tcg', smp: 2, memoryMiB: 2048, bootSeconds: vm.bootSeconds, selftestSeconds: testsSeconds, finished: vm.finished, timedOut: vm.timedOut },
    smoke,
    selftestTimeoutSeconds: selftestTimeout,
    counts: countResults(selftests),
    selftests: rows,
    findings,
  };
  const file = join(out, 'kernel-results.json');
  writeFileAtomic(file, `${JSON.stringify(results, null, 2)}\n`);
  if (v.json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  else {
    const w = Math.max(10, ...rows.map((r) => r.name.length));
    process.stdout.write(`\n${'selftest'.padEnd(w)}  kernel ${kernel.version}  model\n`);
    for (const r of rows) process.stdout.write(`${r.name.padEnd(w)}  ${r.result.padEnd(13)}  ${r.model}\n`);
    const c = results.counts;
    process.stdout.write(`\n${c.pass} pass, ${c.fail} fail, ${c.timeout} timeout, ${c.skip} skip; boot ${vm.bootSeconds ?? '?'} s, hmm-tests ${testsSeconds} s\n\n`);
    for (const f of findings) {
      process.stdout.write(`${f.id} ${f.status}${f.rounds === null ? '' : ` (${f.rounds} rounds, ${f.wallSeconds} s)`}: ${f.evidence[0] ?? ''}\n`);
      for (const e of f.evidence.slice(1)) process.stdout.write(`     ${e}\n`);
    }
    process.stdout.write(`\nwrote ${display(file)}\n`);
  }
  return selftests.length > 0 ? 0 : 1;
}
