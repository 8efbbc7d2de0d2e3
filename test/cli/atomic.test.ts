/** Atomic writes: a crash at any point leaves the old file or the new one, never a partial file. */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../cli/util/atomic.ts';
import { ROOT, tempDir } from './helpers.ts';

describe('writeFileAtomic', () => {
  it('a failure before the rename leaves the old content and no temporary file', () => {
    const dir = tempDir();
    const f = join(dir, 'x.itf.json');
    writeFileSync(f, 'old');
    expect(() =>
      writeFileAtomic(f, 'new content', {
        beforeRename: () => {
          throw new Error('simulated crash');
        },
      }),
    ).toThrow('simulated crash');
    expect(readFileSync(f, 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['x.itf.json']);
  });

  it('creates directories and skips identical content', () => {
    const f = join(tempDir(), 'a', 'b', 'c.md');
    expect(writeFileAtomic(f, 'x')).toBe(true);
    expect(writeFileAtomic(f, 'x')).toBe(false);
    expect(readFileSync(f, 'utf8')).toBe('x');
  });

  it('a process killed (SIGKILL) while rewriting a file never leaves a partial file', async () => {
    const dir = tempDir();
    const f = join(dir, 'big.txt');
    const a = 'A'.repeat(4 << 20);
    const b = 'B'.repeat(4 << 20);
    writeFileSync(f, a);
    const script = `
      import { writeFileAtomic } from ${JSON.stringify(join(ROOT, 'cli/util/atomic.ts'))};
      const a = 'A'.repeat(4 << 20), b = 'B'.repeat(4 << 20);
      process.stdout.write('ready\\n');
      for (let i = 0; ; i++) writeFileAtomic(${JSON.stringify(f)}, i % 2 ? a : b);
    `;
    for (let round = 0; round < 3; round++) {
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
      await new Promise((r) => setTimeout(r, 150 + round * 70));
      child.kill('SIGKILL');
      await new Promise((r) => child.on('close', r));
      const content = readFileSync(f, 'utf8');
      expect(content === a || content === b).toBe(true);
    }
    expect(existsSync(f)).toBe(true);
  });
});
