/**
 * Headless Chromium (Debian's `chromium` package) for the report rendering test: screenshots,
 * PDF printing and DOM measurements. `.ci/run` installs it (and poppler-utils for pdftoppm) when
 * missing; the test fails, never skips, when they are absent.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';

export function which(cmd: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--no-first-run', '--disable-dev-shm-usage', '--force-device-scale-factor=1'];

export function chromium(args: readonly string[], url: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync('chromium', [...FLAGS, ...args, url], { encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * 2 ** 20 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export interface Image {
  readonly width: number;
  readonly height: number;
  /** RGB, 3 bytes per pixel */
  readonly rgb: Uint8Array;
}

/** Binary PPM (P6, maxval 255), as pdftoppm writes it. */
export function readPpm(file: string): Image {
  const buf = readFileSync(file);
  const header: string[] = [];
  let i = 0;
  while (header.length < 4) {
    while (/\s/.test(String.fromCharCode(buf[i]!))) i++;
    let tok = '';
    while (!/\s/.test(String.fromCharCode(buf[i]!))) tok += String.fromCharCode(buf[i++]!);
    header.push(tok);
  }
  i++;
  if (header[0] !== 'P6' || header[3] !== '255') throw new Error(`${file}: not an 8-bit P6 PPM`);
  const width = Number(header[1]);
  const height = Number(header[2]);
  return { width, height, rgb: new Uint8Array(buf.subarray(i, i + width * height * 3)) };
}

/** 8-bit RGB/RGBA non-interlaced PNG (what Chromium's --screenshot writes) to RGB. */
export function readPng(file: string): Image {
  const buf = readFileSync(file);
  if (buf.readUInt32BE(0) !== 0x89504e47) throw new Error(`${file}: not a PNG`);
  let p = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  while (p < buf.length) {
    const len = buf.readUInt32BE(p);
    const type = buf.toString('latin1', p + 4, p + 8);
    const data = buf.subarray(p + 8, p + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      if (data[8] !== 8 || data[12] !== 0) throw new Error(`${file}: only 8-bit non-interlaced PNGs`);
      channels = data[9] === 6 ? 4 : data[9] === 2 ? 3 : 0;
      if (channels === 0) throw new Error(`${file}: colour type ${data[9]} not supported`);
    } else if (type === 'IDAT') idat.push(data);
    p += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const cur = new Uint8Array(stride);
  let prev = new Uint8Array(stride);
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)]!;
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? cur[x - channels]! : 0;
      const b = prev[x]!;
      const c = x >= channels ? prev[x - channels]! : 0;
      const v = line[x]!;
      let out: number;
      if (f === 0) out = v;
      else if (f === 1) out = v + a;
      else if (f === 2) out = v + b;
      else if (f === 3) out = v + ((a + b) >> 1);
      else {
        const pp = a + b - c;
        const pa = Math.abs(pp - a);
        const pb = Math.abs(pp - b);
        const pc = Math.abs(pp - c);
        out = v + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
      }
      cur[x] = out & 0xff;
    }
    for (let x = 0; x < width; x++) for (let k = 0; k < 3; k++) rgb[(y * width + x) * 3 + k] = cur[x * channels + k]!;
    prev = Uint8Array.from(cur);
  }
  return { width, height, rgb };
}

/** Fraction of pixels in the rectangle that are not (near) white. */
export function inkFraction(img: Image, x0: number, y0: number, x1: number, y1: number): number {
  let ink = 0;
  let all = 0;
  for (let y = Math.max(0, y0); y < Math.min(img.height, y1); y++) {
    for (let x = Math.max(0, x0); x < Math.min(img.width, x1); x++) {
      const o = (y * img.width + x) * 3;
      all++;
      if (img.rgb[o]! < 235 || img.rgb[o + 1]! < 235 || img.rgb[o + 2]! < 235) ink++;
    }
  }
  return all === 0 ? 0 : ink / all;
}
