/** Everything a VM run needs first: the Debian packages and a built (or cached) kernel. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../paths.ts';
import { ensureKernel, type KernelBuild } from './build.ts';
import { ensurePackages } from './debian.ts';

export const ASSETS = join(ROOT, 'kernel');

export async function prepareKernel(source: string | undefined, log: (s: string) => void): Promise<KernelBuild> {
  ensurePackages(log, source === undefined ? undefined : ['qemu-system-x86', 'busybox-static', 'flex', 'bison', 'libelf-dev', 'bc', 'gcc', 'make']);
  const fragment = readFileSync(join(ASSETS, 'config.fragment'), 'utf8');
  return ensureKernel(fragment, source, log);
}
