/**
 * Node module-resolution hook: `hmm-check` → <root>/checker/index.ts and `hmm-check/<path>` →
 * <root>/<path>, so a spec file anywhere on disk can import the checker and the HMM model by
 * package name, whether or not it sits inside this repository. (Type-checking applies the
 * same mapping through `paths`, see cli/typecheck.ts.)
 *
 * It also makes `.ts` files ES modules when no package.json says otherwise: a spec written in
 * /tmp or a home directory has no `"type": "module"` above it, and tsx would otherwise
 * compile it as CommonJS, which cannot import our ESM checker.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root = '';

export function initialize(data) {
  root = data.root.endsWith('/') ? data.root : `${data.root}/`;
}

const typeCache = new Map();
/** "module" | "commonjs" | undefined: the `type` of the nearest package.json above `dir`. */
function packageType(dir) {
  if (typeCache.has(dir)) return typeCache.get(dir);
  let result;
  try {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    result = pkg.type === 'module' ? 'module' : 'commonjs';
  } catch {
    const parent = dirname(dir);
    result = parent === dir ? undefined : packageType(parent);
  }
  typeCache.set(dir, result);
  return result;
}

export async function resolve(specifier, context, nextResolve) {
  let r;
  if (specifier === 'hmm-check') r = await nextResolve(`${root}checker/index.ts`, context);
  else if (specifier.startsWith('hmm-check/')) r = await nextResolve(root + specifier.slice('hmm-check/'.length), context);
  else r = await nextResolve(specifier, context);
  if (r.url.startsWith('file:') && /\.tsx?$/.test(r.url) && !r.url.includes('/node_modules/')) {
    if (packageType(dirname(fileURLToPath(r.url))) === undefined) return { ...r, format: 'module' };
  }
  return r;
}
