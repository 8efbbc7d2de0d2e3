/**
 * Boots the kernel in QEMU with TCG (KVM hangs on the machines this was written on) and a
 * busybox initramfs carrying a payload: files plus a run.sh that /init runs before powering off.
 * Output lines starting "@@" are markers for the host; everything else is the serial console.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KernelSetupError } from './errors.ts';
import { type CpioEntry, initramfs } from './initramfs.ts';

export const BUSYBOX = '/bin/busybox';

export interface PayloadFile {
  readonly name: string;
  readonly data: Buffer;
  readonly executable: boolean;
}

export function buildInitramfs(assetsDir: string, files: readonly PayloadFile[], runScript: string, busybox = BUSYBOX): Buffer {
  if (!existsSync(busybox)) throw new KernelSetupError(`${busybox} is missing`, 'apt-get install busybox-static');
  const entries: CpioEntry[] = [
    { path: 'bin' }, { path: 'dev' }, { path: 'proc' }, { path: 'sys' }, { path: 'tmp' }, { path: 'payload' },
    { path: 'bin/busybox', data: readFileSync(busybox), mode: 0o755 },
    { path: 'bin/sh', link: 'busybox' },
    { path: 'init', data: readFileSync(join(assetsDir, 'init.sh')), mode: 0o755 },
    ...files.map((f) => ({ path: `payload/${f.name}`, data: f.data, mode: f.executable ? 0o755 : 0o644 })),
    { path: 'payload/run.sh', data: Buffer.from(runScript), mode: 0o755 },
  ];
  return initramfs(entries);
}

export interface BootOptions {
  readonly bzImage: string;
  readonly initrd: string;
  readonly timeoutSeconds: number;
  readonly smp?: number;
  readonly memoryMiB?: number;
  readonly extraCmdline?: readonly string[];
  /** where the whole serial console goes (for the report) */
  readonly consoleLog: string;
  readonly onLine?: (line: string) => void;
}

export interface BootResult {
  readonly lines: readonly string[];
  /** seconds from QEMU start to the "@@VM booted" marker, or null if it never came */
  readonly bootSeconds: number | null;
  readonly totalSeconds: number;
  readonly timedOut: boolean;
  readonly finished: boolean;
}

export function qemuArgs(o: BootOptions): string[] {
  const cmdline = ['console=ttyS0', 'panic=-1', 'kasan_multi_shot', 'printk.devkmsg=on', 'transparent_hugepage=madvise', ...(o.extraCmdline ?? [])];
  return [
    '-accel', 'tcg', '-smp', String(o.smp ?? 2), '-m', String(o.memoryMiB ?? 2048),
    '-kernel', o.bzImage, '-initrd', o.initrd, '-append', cmdline.join(' '),
    '-display', 'none', '-serial', 'stdio', '-monitor', 'none', '-no-reboot',
  ];
}

export function boot(o: BootOptions): Promise<BootResult> {
  return new Promise((resolvePromise, reject) => {
    const t0 = Date.now();
    const child = spawn('qemu-system-x86_64', qemuArgs(o), { stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: string[] = [];
    let partial = '';
    let bootSeconds: number | null = null;
    let finished = false;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, o.timeoutSeconds * 1000);
    const take = (b: Buffer): void => {
      partial += b.toString('utf8');
      const parts = partial.split(/\r?\n/);
      partial = parts.pop()!;
      for (const raw of parts) {
        const line = raw.replace(/\r/g, '');
        lines.push(line);
        if (line.startsWith('@@VM booted') && bootSeconds === null) bootSeconds = Math.round((Date.now() - t0) / 100) / 10;
        // an oops kills the program's thread mid-barrier: nothing more will come, stop waiting
        if (/\] (Oops: |Kernel panic)/.test(line)) setTimeout(() => child.kill('SIGKILL'), 10000).unref();
        if (line.startsWith('@@VM done') && !finished) {
          finished = true;
          // the guest reboots (QEMU exits); should it only halt, end QEMU ourselves
          setTimeout(() => child.kill('SIGKILL'), 5000).unref();
        }
        o.onLine?.(line);
      }
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new KernelSetupError(`could not start qemu-system-x86_64: ${e.message}`, 'apt-get install qemu-system-x86'));
    });
    child.on('close', () => {
      clearTimeout(timer);
      if (partial !== '') lines.push(partial);
      writeFileSync(o.consoleLog, `${lines.join('\n')}\n`);
      resolvePromise({ lines, bootSeconds, totalSeconds: Math.round((Date.now() - t0) / 100) / 10, timedOut, finished });
    });
  });
}

/**
 * Each kernel report (KASAN, WARN, BUG, oops) on the console, shortened for the evidence: its
 * first line, the access line, and the first frames of its call trace.
 */
export function kernelReports(lines: readonly string[], frames = 6): string[][] {
  const strip = (l: string): string => l.replace(/^\[\s*\d+\.\d+\]\s?/, '').trimEnd();
  // an "Oops:" line belongs to the BUG or general protection fault line before it
  const trigger = /BUG: KASAN|^WARNING:|^BUG:|general protection fault/;
  const reports: string[][] = [];
  let i = 0;
  while (i < lines.length) {
    const first = strip(lines[i]!);
    if (!trigger.test(first)) {
      i++;
      continue;
    }
    const r = [first];
    let inTrace = 0;
    for (i++; i < lines.length; i++) {
      const l = strip(lines[i]!);
      if (trigger.test(l) || /^=+$/.test(l) || l.startsWith('---[ end trace') || l.startsWith('@@')) break;
      if (/^(Call Trace:|<TASK>|<\/TASK>)$/.test(l.trim())) {
        if (l.trim() === 'Call Trace:') inTrace = 1;
        continue;
      }
      if (inTrace > 0) {
        if (inTrace <= frames && !/dump_stack|print_report|kasan_report|kasan_check|__warn|report_bug|handle_bug|exc_invalid_op|asm_exc/.test(l)) {
          r.push(`  ${l.trim()}`);
          inTrace++;
        }
      } else if (/^(Read|Write) of size|^RIP:|^Modules linked|^CPU: /.test(l) && !l.startsWith('CPU: ')) {
        r.push(l);
      }
    }
    reports.push(r);
  }
  return reports;
}
