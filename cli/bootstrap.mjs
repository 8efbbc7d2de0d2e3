/**
 * Loader setup shared by the main thread (bin/hmm-check.mjs) and the check worker
 * (cli/worker-entry.mjs): tsx for TypeScript, then our resolve hook for the `hmm-check`
 * specifier. Hooks registered later run first, so ours sees `hmm-check/…` before tsx does.
 */
import { register as registerNodeHook } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { register as registerTsx } from 'tsx/esm/api';

/** The repository root (the directory holding package.json, checker/, specs/). */
export const ROOT = fileURLToPath(new URL('..', import.meta.url));

let done = false;
export async function setup() {
  if (done) return;
  done = true;
  registerTsx();
  registerNodeHook(new URL('./resolve-hook.mjs', import.meta.url), {
    data: { root: pathToFileURL(ROOT).href },
  });
}
