/**
 * The default of --max-memory: 80% of the memory this process may use, which is the machine's
 * (os.totalmem) or, inside a container, its cgroup limit when that is lower. The JS heap has its
 * own guard (90% of V8's heap limit, checker/search/control.ts), so a search stops as
 * `incomplete` with what it explored before either the kernel or V8 would kill it.
 */
import { readFileSync } from 'node:fs';
import { totalmem } from 'node:os';

export const DEFAULT_MEMORY_FRACTION = 0.8;

/** The cgroup (v2, then v1) memory limit in bytes, or undefined when there is none. */
function cgroupLimit(): number | undefined {
  for (const f of ['/sys/fs/cgroup/memory.max', '/sys/fs/cgroup/memory/memory.limit_in_bytes']) {
    try {
      const n = Number(readFileSync(f, 'utf8').trim());
      // v1 reports "no limit" as a huge number near 2^63
      if (Number.isSafeInteger(n) && n > 0) return n;
    } catch {
      // no such file: no limit there
    }
  }
  return undefined;
}

export function machineMemoryBytes(): number {
  const cg = cgroupLimit();
  return cg === undefined ? totalmem() : Math.min(cg, totalmem());
}

export function defaultMaxMemoryBytes(): number {
  return Math.floor(machineMemoryBytes() * DEFAULT_MEMORY_FRACTION);
}
