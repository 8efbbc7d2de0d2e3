/** The tutorial's worked example is the file the CLI tests run, so the docs cannot rot. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { FIXTURES, ROOT } from './helpers.ts';

it('specs/README.md embeds test/cli/fixtures/outside-user.spec.ts.txt verbatim', () => {
  const readme = readFileSync(join(ROOT, 'specs', 'README.md'), 'utf8');
  const block = /<!-- tutorial-example[^>]*-->\n```ts\n([\s\S]*?)```/.exec(readme);
  expect(block).not.toBeNull();
  expect(block![1]).toBe(readFileSync(join(FIXTURES, 'outside-user.spec.ts.txt'), 'utf8'));
});
