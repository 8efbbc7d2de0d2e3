/**
 * `hmm-check reproduce TRACE.itf.json`: turn an hmm-dmirror counterexample into a C program and
 * run it on a real kernel (QEMU, KASAN) — or, with --emit-only, just write the C.
 *
 * Exit 0: reproduced. 1: not reproduced within the budget (or the VM gave no result).
 * 2: bad input — not an HMM trace of lib/test_hmm.c, or a step user space cannot issue.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError } from '../errors.ts';
import { display } from '../paths.ts';
import { describeOp } from '../reproduce/emit-c.ts';
import { runReproducer, writeReproducerSource } from '../reproduce/run.ts';
import { ReproduceError } from '../reproduce/trace.ts';
import { ASSETS, prepareKernel } from '../kernel/prepare.ts';

export const REPRODUCE_USAGE = `Usage: hmm-check reproduce TRACE.itf.json [--budget SECONDS] [--out DIR] [--emit-only] [--source DIR] [--json]
  Generates a C program from an hmm-dmirror counterexample (dmirror ioctls, madvise, CPU accesses;
  reclaim and NUMA hinting approximated), boots the KASAN kernel of \`npm run kernel\` in QEMU and runs it.
  --budget     seconds the program races interleavings that lie inside the kernel (default 60)
  --out        where repro.c, console.log and result.json go (default kernel-out/reproduce/<config>-<property>)
  --emit-only  write the C program and stop (no kernel, no VM)
  Exit codes: 0 reproduced, 1 not reproduced within the budget, 2 bad input.`;

function parse(argv: readonly string[]) {
  try {
    return parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: { budget: { type: 'string' }, out: { type: 'string' }, 'emit-only': { type: 'boolean' }, source: { type: 'string' }, json: { type: 'boolean' }, debug: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (e) {
    throw new UsageError((e as Error).message.split('\n')[0]!.replace(/\.$/, ''), 'run `npx hmm-check reproduce --help`');
  }
}

export async function reproduceCommand(argv: readonly string[]): Promise<number> {
  const { values: v, positionals } = parse(argv);
  if (v.help) {
    process.stdout.write(`${REPRODUCE_USAGE}\n`);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError(`reproduce takes exactly one trace file, got ${positionals.length}`, 'run e.g. `npx hmm-check reproduce counterexamples/hmm-dmirror/migrate-vs-device-read/s3-no-use-after-free.itf.json`');
  const file = resolve(positionals[0]!);
  if (!existsSync(file)) throw new ReproduceError(`trace file ${positionals[0]} does not exist`, 'pass a counterexample .itf.json (counterexamples/<spec>/<config>/<property>.itf.json)');
  const budget = v.budget === undefined ? 60 : Number(v.budget);
  if (!Number.isInteger(budget) || budget <= 0) throw new UsageError(`--budget expects a positive whole number of seconds, got "${v.budget}"`, 'write e.g. --budget 120');
  const shown = display(file);
  const outDir = resolve(v.out ?? join('kernel-out', 'reproduce', `${basename(dirname(file))}-${basename(file, '.itf.json')}`));
  const log = (s: string): void => {
    if (!v.json) process.stderr.write(`${s}\n`);
  };
  if (v['emit-only']) {
    const plan = writeReproducerSource(file, shown, ASSETS, outDir);
    if (v.json) process.stdout.write(`${JSON.stringify({ ok: true, c: join(outDir, 'repro.c'), operations: plan.ops.map(describeOp), approximations: plan.approximations }, null, 2)}\n`);
    else {
      process.stdout.write(`${display(join(outDir, 'repro.c'))}: ${plan.ops.length} operations in ${plan.phases.length} phases (${plan.phases.filter((p) => p.racing).length} racing)\n`);
      for (const op of plan.ops) process.stdout.write(`  ${describeOp(op)}\n`);
      for (const a of plan.approximations) process.stdout.write(`  approximation: ${a}\n`);
    }
    return 0;
  }
  // check the trace before spending minutes on a kernel
  writeReproducerSource(file, shown, ASSETS, outDir);
  const kernel = await prepareKernel(v.source === undefined ? undefined : resolve(v.source), log);
  const o = await runReproducer(file, shown, ASSETS, outDir, kernel, budget, log);
  if (v.json) process.stdout.write(`${JSON.stringify({ ok: true, kernel: kernel.version, ...o }, null, 2)}\n`);
  else {
    const what = o.status === 'reproduced' ? 'REPRODUCED' : o.status === 'not-reproduced' ? `not reproduced within ${budget} s` : 'no result';
    process.stdout.write(`${shown} on Linux ${kernel.version} (KASAN, QEMU TCG): ${what} — ${o.rounds ?? '?'} rounds, program ${o.programSeconds ?? '?'} s, wall ${o.wallSeconds} s\n`);
    for (const e of o.evidence) process.stdout.write(`  ${e}\n`);
    for (const a of o.approximations) process.stdout.write(`  approximation: ${a}\n`);
    process.stdout.write(`  files: ${display(o.directory)}/{repro.c,console.log,result.json}\n`);
  }
  return o.status === 'reproduced' ? 0 : 1;
}
