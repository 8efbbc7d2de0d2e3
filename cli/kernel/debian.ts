/**
 * What the kernel runs need from Debian, and installing it with apt-get. Nothing else is
 * downloaded: the kernel source is Debian's linux-source-6.1 package.
 */
import { spawnSync } from 'node:child_process';
import { KernelSetupError } from './errors.ts';

export const DEBIAN_PACKAGES = [
  'linux-source-6.1', 'qemu-system-x86', 'busybox-static', 'flex', 'bison', 'libelf-dev', 'bc', 'cpio',
  'libssl-dev', 'gcc', 'make', 'xz-utils',
] as const;

export function missingPackages(pkgs: readonly string[] = DEBIAN_PACKAGES): string[] {
  return pkgs.filter((p) => {
    const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', p], { encoding: 'utf8' });
    return r.status !== 0 || !r.stdout.includes('install ok installed');
  });
}

/** Installs what is missing (apt-get update only if the first attempt fails); throws one paragraph if it cannot. */
export function ensurePackages(log: (s: string) => void, pkgs: readonly string[] = DEBIAN_PACKAGES): void {
  const missing = missingPackages(pkgs);
  if (missing.length === 0) return;
  const manual = `apt-get install ${missing.join(' ')}`;
  if (spawnSync('sh', ['-c', 'command -v apt-get'], { encoding: 'utf8' }).status !== 0) {
    throw new KernelSetupError(`the kernel run needs the Debian packages ${missing.join(', ')}, and this machine has no apt-get`, `run it on Debian 12 (bookworm) or install the equivalents, then re-run npm run kernel`);
  }
  log(`installing from Debian: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () => spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { encoding: 'utf8', env });
  let r = install();
  if (r.status !== 0) {
    spawnSync('apt-get', ['update'], { encoding: 'utf8', env });
    r = install();
  }
  const still = missingPackages(missing);
  if (r.status !== 0 || still.length > 0) {
    const why = (r.stderr || r.stdout || '').trim().split('\n').slice(-2).join(' ');
    throw new KernelSetupError(`could not install the Debian packages ${still.join(', ')} the kernel run needs (apt-get said: ${why || `exit ${r.status}`})`, `run \`apt-get update && ${manual}\` as root, then re-run npm run kernel`);
  }
}
