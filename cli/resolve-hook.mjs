/**
 * Node module-resolution hook: `hmm-check` → <root>/checker/index.ts and `hmm-check/<path>` →
 * <root>/<path>, so a spec file anywhere on disk can import the checker and the HMM model by
 * package name, whether or not it sits inside this repository. (Type-checking applies the
 * same mapping through `paths`, see cli/typecheck.ts.)
 *
 * It also makes `.ts` files outside node_modules ES modules unless the nearest package.json
 * says `"type": "module"` already: a spec written in /tmp or a home directory has no package.json
 * above it, and one inside a `"type": "commonjs"` project (the npm default) would otherwise be
 * compiled as CommonJS, which cannot import our ESM checker. Specs are ES modules (they use
 * `import`); a `.cts` file stays CommonJS, as its extension says.
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
  if (r.url.startsWith('file:') && /\.m?tsx?$/.test(r.url) && !r.url.includes('/node_modules/')) {
    if (packageType(dirname(fileURLToPath(r.url))) !== 'module') return { ...r, format: 'module' };
  }
  return r;
}
