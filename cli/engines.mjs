/**
 * package.json says `"engines": { "node": ">=20" }`, but npm only warns about it. Checked at
 * start-up, before any loader hook, with one clear message (exit 2, bad input: the environment).
 * Plain JavaScript with no syntax newer than ES2015, so an old Node can still run it.
 */
export const MIN_NODE_MAJOR = 20;

/** undefined when `version` (e.g. "20.19.1") is new enough, else the message to print. */
export function checkNodeVersion(version) {
  const major = Number(String(version).split('.')[0]);
  if (major >= MIN_NODE_MAJOR) return undefined;
  return (
    'hmm-check: error: Node.js ' + version + ' is too old; hmm-check needs Node.js ' + MIN_NODE_MAJOR +
    ' or newer (package.json "engines"). Fix: install Node.js ' + MIN_NODE_MAJOR + ' or later (e.g. `nvm install ' +
    MIN_NODE_MAJOR + '`) and run it again.'
  );
}
