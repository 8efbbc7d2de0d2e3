/**
 * Trace → C → static binary → VM → outcome. The outcome is what the program and the kernel log
 * showed: reproduced (a KASAN report, a WARN or BUG, a wrong value read back, or an ioctl failing
 * with EFAULT), or not reproduced within the budget; approximations of background actors are
 * carried along so the report can say what was, and was not, what the trace did.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic.ts';
import { gccStatic, type KernelBuild } from '../kernel/build.ts';
import { boot, buildInitramfs, kernelReports } from '../kernel/vm.ts';
import { emitC } from './emit-c.ts';
import { planFromText, type Plan } from './plan.ts';

export type ReproStatus = 'reproduced' | 'not-reproduced' | 'error';

export interface ReproOutcome {
  readonly trace: string;
  readonly status: ReproStatus;
  /** the program's own verdict line, then the first kernel report's first lines */
  readonly evidence: readonly string[];
  readonly approximations: readonly string[];
  readonly rounds: number | null;
  readonly programSeconds: number | null;
  readonly bootSeconds: number | null;
  readonly wallSeconds: number;
  readonly budgetSeconds: number;
  readonly directory: string;
}

export const C_ASSETS = ['repro.h', 'dmirror-uapi.h'] as const;

/** Writes repro.c and the headers it includes into dir; returns the plan. */
export function writeReproducerSource(traceFile: string, shownName: string, assetsDir: string, dir: string): Plan {
  const plan = planFromText(readFileSync(traceFile, 'utf8'), shownName);
  mkdirSync(dir, { recursive: true });
  for (const a of C_ASSETS) copyFileSync(join(assetsDir, a), join(dir, a));
  writeFileAtomic(join(dir, 'repro.c'), emitC(plan));
  return plan;
}

export function compileReproducer(dir: string, headers: string | null): string {
  const bin = join(dir, 'repro');
  gccStatic(['-Wall', '-I', dir, ...(headers ? ['-idirafter', join(headers, 'include')] : []), join(dir, 'repro.c'), '-o', bin], 'the generated reproducer');
  return bin;
}

export function parseProgramResult(lines: readonly string[]): { status: 'reproduced' | 'not-reproduced'; rounds: number; seconds: number; detail: string } | null {
  for (const l of lines) {
    const m = /^@@REPRO result (reproduced|not-reproduced) rounds=(\d+) seconds=([\d.]+)\s*(.*)$/.exec(l);
    if (m) return { status: m[1] as 'reproduced' | 'not-reproduced', rounds: Number(m[2]), seconds: Number(m[3]), detail: m[4] ?? '' };
  }
  return null;
}

export async function runReproducer(traceFile: string, shownName: string, assetsDir: string, dir: string, kernel: KernelBuild, budgetSeconds: number, log: (s: string) => void): Promise<ReproOutcome> {
  const t0 = Date.now();
  const plan = writeReproducerSource(traceFile, shownName, assetsDir, dir);
  const bin = compileReproducer(dir, kernel.headers);
  const initrd = join(dir, 'initramfs.cpio.gz');
  writeFileSync(initrd, buildInitramfs(assetsDir, [{ name: 'repro', data: readFileSync(bin), executable: true }], `./repro ${budgetSeconds} 2>&1\necho "@@VM exit $?"\n`));
  log(`booting ${kernel.version} for ${shownName} (budget ${budgetSeconds} s)`);
  const r = await boot({
    bzImage: kernel.bzImage,
    initrd,
    timeoutSeconds: budgetSeconds + 300,
    consoleLog: join(dir, 'console.log'),
    extraCmdline: plan.usesNuma ? ['numa=fake=2'] : [],
    onLine: (l) => {
      if (l.startsWith('@@REPRO')) log(`  ${l}`);
    },
  });
  const prog = parseProgramResult(r.lines);
  // reports from boot (before /init ran the program) are not the program's doing
  const booted = r.lines.findIndex((l) => l.startsWith('@@VM booted'));
  const reports = kernelReports(booted < 0 ? r.lines : r.lines.slice(booted));
  const evidence: string[] = [];
  if (prog?.detail) evidence.push(prog.detail);
  if (reports[0]) evidence.push(...reports[0]);
  let status: ReproStatus;
  if (prog) status = prog.status === 'reproduced' || reports.length > 0 ? 'reproduced' : 'not-reproduced';
  else {
    status = reports.length > 0 ? 'reproduced' : 'error';
    evidence.push(r.timedOut ? `the VM did not finish within ${budgetSeconds + 300} s` : 'the program printed no result (see console.log)');
  }
  const outcome: ReproOutcome = {
    trace: shownName,
    status,
    evidence,
    approximations: plan.approximations,
    rounds: prog?.rounds ?? null,
    programSeconds: prog?.seconds ?? null,
    bootSeconds: r.bootSeconds,
    wallSeconds: Math.round((Date.now() - t0) / 100) / 10,
    budgetSeconds,
    directory: dir,
  };
  writeFileAtomic(join(dir, 'result.json'), `${JSON.stringify(outcome, null, 2)}\n`);
  return outcome;
}
