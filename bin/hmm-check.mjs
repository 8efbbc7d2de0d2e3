#!/usr/bin/env node
/**
 * Entry point of `npx hmm-check` / `npm run check|report`.
 *
 * Node 20 cannot strip TypeScript types itself, so this file registers tsx's loader hooks and our
 * `hmm-check` specifier hook (so a spec file anywhere can `import … from 'hmm-check'`), then
 * hands over to cli/main.ts. Kept as plain .mjs so it runs before any TypeScript can, and checks
 * package.json's `engines` first: an older Node would fail later with an obscure loader error.
 */
import { checkNodeVersion } from '../cli/engines.mjs';

const problem = checkNodeVersion(process.versions.node);
if (problem !== undefined) {
  process.stderr.write(`${problem}\n`);
  process.exit(2);
}
const { setup } = await import('../cli/bootstrap.mjs');
await setup();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
