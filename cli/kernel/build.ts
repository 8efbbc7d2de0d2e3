/**
 * Unpacks the kernel source (once), configures it as `make tinyconfig` plus kernel/config.fragment,
 * builds bzImage and generates the UAPI headers (make headers), all under the cache directory. A finished build
 * leaves a stamp holding its measured times; the next run reuses it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic.ts';
import { buildDirFor, buildKey, DEBIAN_TARBALL, sourceDirFor, tarballKey, treeKey } from './cache.ts';
import { KernelSetupError } from './errors.ts';

export interface KernelBuild {
  readonly key: string;
  readonly src: string;
  readonly out: string;
  readonly bzImage: string;
  readonly headers: string;
  readonly version: string;
  /** seconds the build took when it was made (unpack excluded) */
  readonly buildSeconds: number;
  /** true when this run reused a cached build */
  readonly cached: boolean;
}

const STAMP = '.hmm-check-build.json';

export function fragmentLines(fragment: string): string[] {
  return fragment.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
}

/** Lines of the fragment that .config does not hold after olddefconfig (a dependency is missing). */
export function missingConfig(fragment: string, dotConfig: string): string[] {
  const have = new Set(dotConfig.split('\n').map((l) => l.trim()));
  return fragmentLines(fragment).filter((l) => !have.has(l));
}

function run(cmd: string, args: readonly string[], log: (s: string) => void, what: string, cwd?: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('nice', ['-n', '19', cmd, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    const keep = (b: Buffer): void => {
      tail = (tail + b.toString()).slice(-4000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (e) => reject(new KernelSetupError(`${what} could not start ${cmd}: ${e.message}`, 'install the build tools (npm run kernel installs them on Debian)')));
    child.on('close', (code) => {
      if (code === 0) resolvePromise();
      else {
        log(tail);
        reject(new KernelSetupError(`${what} failed (${cmd} exit ${code}); its last output is printed above`, 'fix the tree or the config fragment (kernel/config.fragment), then re-run'));
      }
    });
  });
}

export async function unpackDebianSource(log: (s: string) => void): Promise<{ src: string; key: string }> {
  if (!existsSync(DEBIAN_TARBALL)) throw new KernelSetupError(`${DEBIAN_TARBALL} is missing`, 'apt-get install linux-source-6.1');
  const key = tarballKey();
  const dir = sourceDirFor(key);
  const src = join(dir, 'linux-source-6.1');
  if (!existsSync(join(src, 'Makefile'))) {
    log(`unpacking ${DEBIAN_TARBALL} into ${dir}`);
    const tmp = `${dir}.tmp`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    await run('tar', ['xf', DEBIAN_TARBALL, '-C', tmp], log, 'unpacking the kernel source');
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
  }
  return { src, key };
}

export function kernelVersion(src: string): string {
  const mk = readFileSync(join(src, 'Makefile'), 'utf8');
  return ['VERSION', 'PATCHLEVEL', 'SUBLEVEL'].map((k) => new RegExp(`^${k} = (\\S*)`, 'm').exec(mk)?.[1] ?? '?').join('.');
}

export async function ensureKernel(fragment: string, sourceDir: string | undefined, log: (s: string) => void): Promise<KernelBuild> {
  const { src, key: srcKey } = sourceDir === undefined ? await unpackDebianSource(log) : { src: sourceDir, key: treeKey(sourceDir) };
  const key = buildKey(fragment, srcKey);
  const base = buildDirFor(key);
  const out = join(base, 'build');
  // `make headers` leaves the sanitised UAPI headers in O/usr/include (headers_install would only
  // rsync them elsewhere)
  const headers = join(out, 'usr');
  const bzImage = join(out, 'arch', 'x86', 'boot', 'bzImage');
  const version = kernelVersion(src);
  const stampPath = join(out, STAMP);
  // a --source tree may change under us: make is incremental there, so it always runs
  if (sourceDir === undefined && existsSync(stampPath) && existsSync(bzImage)) {
    const stamp = JSON.parse(readFileSync(stampPath, 'utf8')) as { buildSeconds: number };
    return { key, src, out, bzImage, headers, version, buildSeconds: stamp.buildSeconds, cached: true };
  }
  mkdirSync(out, { recursive: true });
  writeFileSync(join(base, 'fragment'), fragment);
  const t0 = Date.now();
  const make = (args: string[], what: string): Promise<void> => run('make', ['-C', src, `O=${out}`, 'ARCH=x86_64', ...args], log, what);
  log(`configuring Linux ${version} in ${out} (tinyconfig + kernel/config.fragment)`);
  await make(['tinyconfig'], 'make tinyconfig');
  await run(join(src, 'scripts', 'kconfig', 'merge_config.sh'), ['-m', '-O', out, join(out, '.config'), join(base, 'fragment')], log, 'merging kernel/config.fragment');
  await make(['olddefconfig'], 'make olddefconfig');
  const missing = missingConfig(fragment, readFileSync(join(out, '.config'), 'utf8'));
  if (missing.length > 0) {
    throw new KernelSetupError(`the kernel config does not hold ${missing.join(', ')} after olddefconfig (a dependency of it is off, or this tree lacks it)`, 'add the missing dependency to kernel/config.fragment, or use a tree that has the option (--source DIR)');
  }
  log(`building bzImage (nice -n 19 make -j2; about 6 minutes on 2 idle cores, longer when they are shared)`);
  await make(['-j2', 'bzImage'], 'building bzImage');
  await make(['headers'], 'make headers');
  const buildSeconds = Math.round((Date.now() - t0) / 100) / 10;
  writeFileAtomic(stampPath, `${JSON.stringify({ buildSeconds, version })}\n`);
  return { key, src, out, bzImage, headers, version, buildSeconds, cached: false };
}

/** gcc, static: the binaries run in an initramfs with no libc. */
export function gccStatic(args: readonly string[], what: string): void {
  const r = spawnSync('gcc', ['-static', '-O2', '-pthread', ...args], { encoding: 'utf8' });
  if (r.status !== 0) {
    throw new KernelSetupError(`${what} did not compile: ${(r.stderr || '').trim().split('\n').slice(0, 6).join(' ')}`, 'install gcc and the kernel headers (npm run kernel does both), or report the generated C as a bug');
  }
}
