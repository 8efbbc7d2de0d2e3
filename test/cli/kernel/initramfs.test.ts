import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { cpioNewc } from '../../../cli/kernel/initramfs.ts';
import { buildInitramfs } from '../../../cli/kernel/vm.ts';
import { ROOT, tempDir } from '../helpers.ts';

/** Names in a newc archive, read by the format's definition (Documentation/driver-api/early-userspace/buffer-format.rst). */
function names(archive: Buffer): string[] {
  const out: string[] = [];
  let off = 0;
  for (;;) {
    expect(archive.subarray(off, off + 6).toString()).toBe('070701');
    const field = (i: number) => parseInt(archive.subarray(off + 6 + i * 8, off + 14 + i * 8).toString(), 16);
    const size = field(6);
    const nameSize = field(11);
    const name = archive.subarray(off + 110, off + 110 + nameSize - 1).toString();
    off += 110 + nameSize;
    off += (4 - (off % 4)) % 4;
    off += size;
    off += (4 - (off % 4)) % 4;
    if (name === 'TRAILER!!!') return out;
    out.push(name);
  }
}

describe('initramfs (newc cpio)', () => {
  it('writes the header the format defines, by hand: a 2-byte file "a" as inode 1, mode 0100644', () => {
    const a = cpioNewc([{ path: 'a', data: Buffer.from('hi') }]);
    const h = '070701' + ['1', '81a4', '0', '0', '1', '0', '2', '0', '0', '0', '0', '2', '0'].map((x) => x.padStart(8, '0')).join('');
    // header (110) + "a\0" = 112 (aligned), data "hi" + 2 bytes of padding
    expect(a.subarray(0, 116).toString('latin1')).toBe(`${h}a\0hi\0\0`);
    expect(a.length % 4).toBe(0);
  });

  it('builds the VM image: busybox, /init, the payload and its run.sh', () => {
    const d = tempDir();
    const bb = join(d, 'busybox');
    writeFileSync(bb, 'not really busybox');
    mkdirSync(join(d, 'x'), { recursive: true });
    const img = buildInitramfs(join(ROOT, 'kernel'), [{ name: 'repro', data: Buffer.from('\x7fELF'), executable: true }], 'echo hi\n', bb);
    const list = names(gunzipSync(img));
    expect(list).toEqual(expect.arrayContaining(['bin/busybox', 'bin/sh', 'init', 'payload/repro', 'payload/run.sh']));
    // same inputs, same bytes
    expect(buildInitramfs(join(ROOT, 'kernel'), [{ name: 'repro', data: Buffer.from('\x7fELF'), executable: true }], 'echo hi\n', bb).equals(img)).toBe(true);
  });
});
