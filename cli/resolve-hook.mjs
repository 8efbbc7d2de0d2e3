/**
 * Node module-resolution hook: `hmm-check` → <root>/checker/index.ts and `hmm-check/<path>` →
 * <root>/<path>, so a spec file anywhere on disk can import the checker and the HMM model by
 * package name, whether or not it sits inside this repository. (Type-checking applies the
 * same mapping through `paths`, see cli/typecheck.ts.)
 *
 * It also makes every `.ts` file outside node_modules an ES module, wherever it sits: a spec
 * written in /tmp or a home directory has no `"type": "module"` above it (or a `"type":
 * "commonjs"` one), and tsx would otherwise compile it, or a local helper it imports, as CommonJS,
 * which cannot import our ESM checker. tsx marks the URLs it means to load as CommonJS with query
 * parameters; those are dropped so the file loads once, as ESM.
 */
import { pathToFileURL } from 'node:url';

let root = '';

export function initialize(data) {
  root = data.root.endsWith('/') ? data.root : `${data.root}/`;
}

export async function resolve(specifier, context, nextResolve) {
  let r;
  if (specifier === 'hmm-check') r = await nextResolve(`${root}checker/index.ts`, context);
  else if (specifier.startsWith('hmm-check/')) r = await nextResolve(root + specifier.slice('hmm-check/'.length), context);
  else r = await nextResolve(specifier, context);
  if (!r.url.startsWith('file:')) return r;
  const url = new URL(r.url);
  // tsx percent-encodes its query into the path as well (helper.ts%3Ftsx-…?tsx-…)
  const path = decodeURIComponent(url.pathname).replace(/\?.*$/, '');
  if (!/\.tsx?$/.test(path) || path.includes('/node_modules/')) return r;
  return { ...r, url: pathToFileURL(path).href, format: 'module' };
}
