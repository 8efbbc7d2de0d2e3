/**
 * The report as a reviewer sees it, rendered by headless Chromium: every sequence diagram fits
 * its box on screen (scaled through its viewBox, aspect ratio kept), the page screenshot has
 * nothing drawn in its right padding, and the printed PDF has nothing in its right margin (a
 * clipped diagram would run into it). A control copy of the page without the scaling rule must
 * fail the same checks, so they can fail. Screenshots stay in the temp directory for inspection.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { chromium, inkFraction, readPng, readPpm, which } from './chromium.ts';
import { cli, tempDir } from './helpers.ts';

const MEASURE = `<script>
addEventListener('load', () => {
  const out = [...document.querySelectorAll('.diagram svg')].map((svg) => {
    const box = svg.parentElement.getBoundingClientRect();
    const cs = getComputedStyle(svg.parentElement);
    const r = svg.getBoundingClientRect();
    return { natural: Number(svg.getAttribute('width')), naturalHeight: Number(svg.getAttribute('height')), width: r.width, height: r.height,
      right: r.right, boxRight: box.right - parseFloat(cs.paddingRight) - parseFloat(cs.borderRightWidth) };
  });
  const pre = document.createElement('pre');
  pre.id = 'measure';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>`;

interface Measure { natural: number; naturalHeight: number; width: number; height: number; right: number; boxRight: number }

function measure(html: string, dir: string, name: string, width: number): Measure[] {
  const file = join(dir, `${name}.html`);
  writeFileSync(file, html.replace('</body>', `${MEASURE}</body>`));
  const r = chromium([`--window-size=${width},1000`, '--virtual-time-budget=5000', '--dump-dom'], pathToFileURL(file).href);
  expect(r.code, r.stderr).toBe(0);
  const m = /<pre id="measure">([\s\S]*?)<\/pre>/.exec(r.stdout);
  expect(m, 'the measuring script ran').not.toBeNull();
  return JSON.parse(m![1]!.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')) as Measure[];
}

/** Pages of the printed PDF as images (40 dpi: A4 is 331 × 468 pixels). */
function printPages(htmlFile: string, dir: string, name: string): ReturnType<typeof readPpm>[] {
  const pdf = join(dir, `${name}.pdf`);
  const r = chromium(['--no-pdf-header-footer', `--print-to-pdf=${pdf}`], pathToFileURL(htmlFile).href);
  expect(r.code, r.stderr).toBe(0);
  const ppm = spawnSync('pdftoppm', ['-r', '40', pdf, join(dir, name)], { encoding: 'utf8' });
  expect(ppm.status, ppm.stderr).toBe(0);
  return readdirSync(dir).filter((f) => f.startsWith(`${name}-`) && f.endsWith('.ppm')).sort().map((f) => readPpm(join(dir, f)));
}

/** Ink in the outer 8 mm of the right margin (the @page margin is 12 mm) of each page. */
const rightMarginInk = (pages: ReturnType<typeof readPpm>[]): number[] =>
  pages.map((p) => inkFraction(p, p.width - Math.round((8 / 25.4) * 40), 0, p.width, p.height));

describe('report rendering in headless Chromium', () => {
  let dir = '';
  let html = '';
  beforeAll(() => {
    // fail, never skip: CI installs both (.ci/run)
    expect(which('chromium'), 'headless Chromium is missing: apt-get install chromium (.ci/run does this)').toBeDefined();
    expect(which('pdftoppm'), 'pdftoppm is missing: apt-get install poppler-utils (.ci/run does this)').toBeDefined();
    dir = tempDir('hmm-check-render-');
    // dmirror's F2 races: diagrams with CPU, core-mm, notifier, driver and device lifelines, wider than the page
    const r = cli(['report', '--spec', 'hmm-dmirror', '--config', 'migrate-vs-device-read,fault-back-vs-device-read', '--report-dir', dir, '--out', join(dir, 'cx'), '--quiet', '--no-typecheck'], undefined);
    expect(r.code, r.stderr).toBe(0);
    html = readFileSync(join(dir, 'report.html'), 'utf8');
  }, 180_000);

  it('scales every diagram to its box on screen, keeping its aspect ratio; without the rule they overflow', () => {
    for (const width of [1280, 900]) {
      const m = measure(html, dir, `screen-${width}`, width);
      expect(m.length).toBeGreaterThan(0);
      // the test means something only if some diagram is wider than its box
      expect(m.some((x) => x.natural > x.boxRight - (x.right - x.width))).toBe(true);
      for (const x of m) {
        expect(x.right).toBeLessThanOrEqual(x.boxRight + 0.5);
        expect(x.height / x.width).toBeCloseTo(x.naturalHeight / x.natural, 2);
      }
      const control = measure(html.replace('.diagram svg{display:block;max-width:100%;height:auto}', ''), dir, `control-${width}`, width);
      expect(control.some((x) => x.right > x.boxRight + 0.5)).toBe(true);
    }
  }, 120_000);

  it('screenshot: nothing drawn in the right padding of the page', () => {
    const png = join(dir, 'page.png');
    const r = chromium(['--window-size=1280,3000', `--screenshot=${png}`], pathToFileURL(join(dir, 'report.html')).href);
    expect(r.code, r.stderr).toBe(0);
    const img = readPng(png);
    expect(img.width).toBe(1280);
    expect(inkFraction(img, 0, 0, img.width, img.height)).toBeGreaterThan(0.01); // not blank
    // main is at most 1280 px wide with 32 px padding: the outer 24 px on the right stay background
    expect(inkFraction(img, img.width - 24, 0, img.width, img.height)).toBe(0);
  }, 120_000);

  it('print layout: at the A4 content width the print rules fit every diagram on a page; the PDF renders with empty right margins', () => {
    // Chromium has no switch to lay a page out for print and measure it, so apply the @media print
    // rules as screen rules at the A4 content width (210 mm − 2 × 12 mm at 96 px/in = 703 px).
    const print = /@media print\{([\s\S]*?)\n\}\n/.exec(html);
    expect(print, 'the page has a print stylesheet').not.toBeNull();
    const asScreen = html.replace('</style>', `${print![1]!.replace(/@page\{[^}]*\}/, '')}</style>`);
    const m = measure(asScreen, dir, 'print-layout', 703);
    const pageHeightPx = ((297 - 24) / 25.4) * 96;
    for (const x of m) {
      expect(x.right).toBeLessThanOrEqual(x.boxRight + 0.5);
      expect(x.height).toBeLessThanOrEqual(pageHeightPx);
    }
    const pages = printPages(join(dir, 'report.html'), dir, 'print');
    expect(pages.length).toBeGreaterThan(1);
    expect(Math.max(...rightMarginInk(pages))).toBe(0);
  }, 180_000);
});
