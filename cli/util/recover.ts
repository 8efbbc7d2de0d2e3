/**
 * Temporaries left by a run that was killed (SIGKILL, a second Ctrl-C, a power cut) while it
 * wrote files with cli/util/atomic.ts. A later run calls recoverTemporaries on its output
 * directory before writing: a group with a commit marker was complete on disk and is renamed
 * into place (rolled forward); every other temporary of a dead process is deleted (rolled back).
 * Temporaries of a live process (another run sharing --out) are left alone.
 */
import { existsSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { diskError } from './disk-error.ts';

// `<target>.<pid>x<hex>.tmp`, and `<target>.<pid>.<hex>.tmp` from earlier versions
const TEMP = /\.(\d+)[.x][0-9a-f]+\.tmp$/;
const MARKER = /^\.((\d+)x[0-9a-f]+)\.commit\.tmp$/;

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === 'EPERM';
  }
}

export interface Recovered {
  /** targets completed from a committed group */
  readonly rolledForward: string[];
  /** temporaries deleted */
  readonly removed: string[];
}

/** Recovers every directory under `root` (which need not exist). `own`: treat this process's temporaries as stale too. */
export function recoverTemporaries(root: string, own = false): Recovered {
  const out: Recovered = { rolledForward: [], removed: [] };
  if (!existsSync(root)) return out;
  const stale = (pid: number): boolean => (own && pid === process.pid) || !alive(pid);
  const walk = (dir: string): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      throw diskError(e, 'read', dir);
    }
    for (const e of entries) if (e.isDirectory()) walk(join(dir, e.name));
    try {
      for (const e of entries) {
        const m = MARKER.exec(e.name);
        if (!m || !e.isFile() || !stale(Number(m[2]))) continue;
        const token = m[1]!;
        let names: unknown;
        try {
          names = JSON.parse(readFileSync(join(dir, e.name), 'utf8'));
        } catch {
          names = [];
        }
        for (const n of Array.isArray(names) ? names : []) {
          if (typeof n !== 'string' || n.includes('/') || n.includes('\\')) continue;
          const tmp = join(dir, `${n}.${token}.tmp`);
          if (existsSync(tmp)) {
            renameSync(tmp, join(dir, n));
            out.rolledForward.push(join(dir, n));
          }
        }
        rmSync(join(dir, e.name), { force: true });
      }
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const m = TEMP.exec(e.name);
        if (!m || !e.isFile() || !stale(Number(m[1]))) continue;
        rmSync(join(dir, e.name), { force: true });
        out.removed.push(join(dir, e.name));
      }
    } catch (e) {
      throw diskError(e, 'write', dir);
    }
  };
  walk(root);
  return out;
}
