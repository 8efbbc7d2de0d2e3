/**
 * A gzipped newc cpio archive (the initramfs format the kernel unpacks), written here rather than
 * by cpio(1) so that the bytes depend only on the inputs (mtime 0, fixed inode numbers).
 */
import { gzipSync } from 'node:zlib';

export interface CpioEntry {
  readonly path: string;
  /** file contents; absent for a directory */
  readonly data?: Buffer;
  /** symlink target */
  readonly link?: string;
  readonly mode?: number;
}

const hex = (n: number): string => n.toString(16).padStart(8, '0');
const pad4 = (n: number): number => (4 - (n % 4)) % 4;

function header(ino: number, mode: number, size: number, name: string): Buffer {
  const fields = [ino, mode, 0, 0, 1, 0, size, 0, 0, 0, 0, Buffer.byteLength(name) + 1, 0];
  const h = `070701${fields.map(hex).join('')}`;
  const nameBuf = Buffer.concat([Buffer.from(h), Buffer.from(name), Buffer.alloc(1)]);
  return Buffer.concat([nameBuf, Buffer.alloc(pad4(nameBuf.length))]);
}

export function cpioNewc(entries: readonly CpioEntry[]): Buffer {
  const parts: Buffer[] = [];
  entries.forEach((e, i) => {
    const name = e.path.replace(/^\/+/, '');
    let mode: number;
    let data: Buffer;
    if (e.link !== undefined) {
      mode = 0o120777;
      data = Buffer.from(e.link);
    } else if (e.data === undefined) {
      mode = 0o040000 | (e.mode ?? 0o755);
      data = Buffer.alloc(0);
    } else {
      mode = 0o100000 | (e.mode ?? 0o644);
      data = e.data;
    }
    parts.push(header(i + 1, mode, data.length, name), data, Buffer.alloc(pad4(data.length)));
  });
  parts.push(header(0, 0, 0, 'TRAILER!!!'));
  return Buffer.concat(parts);
}

export function initramfs(entries: readonly CpioEntry[]): Buffer {
  return gzipSync(cpioNewc(entries), { level: 6 });
}
