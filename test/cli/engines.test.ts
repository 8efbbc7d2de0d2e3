/** The start-up Node version check (package.json "engines": node >= 20). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
// @ts-expect-error plain .mjs without types: it must run on any Node, before TypeScript loads
import { checkNodeVersion, MIN_NODE_MAJOR } from '../../cli/engines.mjs';
import { ROOT } from './helpers.ts';

it('accepts Node 20 and later, refuses older ones with one message naming the fix', () => {
  expect(checkNodeVersion('20.0.0')).toBeUndefined();
  expect(checkNodeVersion('22.11.0')).toBeUndefined();
  const msg = checkNodeVersion('18.19.1') as string;
  expect(msg).toMatch(/^hmm-check: error: Node\.js 18\.19\.1 is too old; hmm-check needs Node\.js 20 or newer .*Fix: install Node\.js 20/);
  expect(msg).not.toContain('\n');
});

it('agrees with package.json engines', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };
  expect(pkg.engines.node).toBe(`>=${MIN_NODE_MAJOR}`);
});
