/**
 * Draws a SequenceDiagram (mermaid.ts) as a self-contained inline SVG for the HTML report.
 *
 * Why not Mermaid itself: its browser bundle is ~3 MB of JavaScript that the page would have to
 * inline (no network), and it lays out at view time; a sequence diagram is simple enough to lay
 * out here in ~150 lines, deterministically, with no script in the page. The `.mmd` files remain
 * the input for anyone who wants Mermaid's own rendering (GitHub renders them in Markdown).
 *
 * Layout uses a monospace font so text widths are known without measuring: CHAR_W per character.
 */
import type { SeqItem, SequenceDiagram } from './mermaid.ts';

const FONT = 12;
const CHAR_W = 7.3;
const LINE_H = 16;
const BOX_H = 34;
const MIN_BOX_W = 110;
const MAX_GAP = 380;
const MARGIN = 16;

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Greedy word wrap to `max` characters per line (long words are cut). */
export function wrap(text: string, max: number): string[] {
  const out: string[] = [];
  const m = Math.max(8, Math.floor(max));
  for (const para of text.split('\n')) {
    let line = '';
    for (const word0 of para.split(' ')) {
      let word = word0;
      while (word.length > m) {
        if (line) {
          out.push(line);
          line = '';
        }
        out.push(word.slice(0, m));
        word = word.slice(m);
      }
      if (!line) line = word;
      else if (line.length + 1 + word.length <= m) line += ` ${word}`;
      else {
        out.push(line);
        line = word;
      }
    }
    out.push(line);
  }
  return out;
}

const textW = (s: string): number => s.length * CHAR_W;

export function toSvg(d: SequenceDiagram): string {
  const n = d.participants.length;
  const col = new Map(d.participants.map((p, i) => [p.id, i]));
  const boxW = d.participants.map((p) => Math.max(MIN_BOX_W, textW(p.label) + 24));
  // Gap i = distance between the centres of column i and i+1.
  const gaps = new Array<number>(Math.max(0, n - 1)).fill(0).map((_, i) => boxW[i]! / 2 + boxW[i + 1]! / 2 + 24);
  for (const it of d.items) {
    if (it.kind !== 'message') continue;
    const a = col.get(it.from) ?? 0;
    const b = col.get(it.to) ?? 0;
    const want = textW(`${it.step} ${it.text}`.slice(0, 200)) + 40;
    if (a === b) {
      if (a < n - 1) gaps[a] = Math.min(MAX_GAP, Math.max(gaps[a]!, want + 20));
    } else {
      const [lo, hi] = a < b ? [a, b] : [b, a];
      const per = want / (hi - lo);
      for (let i = lo; i < hi; i++) gaps[i] = Math.min(MAX_GAP, Math.max(gaps[i]!, per));
    }
  }
  const xs: number[] = [];
  let x = MARGIN + boxW[0]! / 2;
  for (let i = 0; i < n; i++) {
    xs.push(x);
    x += gaps[i] ?? 0;
  }
  const lastSelfRoom = d.items.some((it) => it.kind === 'message' && it.from === it.to && col.get(it.from) === n - 1) ? 260 : 0;
  const width = Math.ceil(xs[n - 1]! + boxW[n - 1]! / 2 + MARGIN + lastSelfRoom);

  const body: string[] = [];
  let y = MARGIN + BOX_H + 24;
  const text = (tx: number, ty: number, s: string, anchor: 'start' | 'middle', cls = ''): string =>
    `<text x="${tx.toFixed(1)}" y="${ty.toFixed(1)}" text-anchor="${anchor}"${cls ? ` class="${cls}"` : ''}>${escapeXml(s)}</text>`;

  for (const it of d.items) y = drawItem(it, y);

  function drawItem(it: SeqItem, top: number): number {
    if (it.kind === 'message') {
      const a = col.get(it.from) ?? 0;
      const b = col.get(it.to) ?? 0;
      const x1 = xs[a]!;
      const x2 = xs[b]!;
      if (a === b) {
        const room = a < n - 1 ? gaps[a]! - 36 : 240;
        const lines = wrap(it.text, room / CHAR_W);
        let ty = top + 12;
        for (const l of lines) {
          body.push(text(x1 + 30, ty, l, 'start'));
          ty += LINE_H;
        }
        const loopTop = top + 4;
        const loopBottom = Math.max(ty - 6, loopTop + 22);
        body.push(
          `<path d="M${x1} ${loopTop} H${x1 + 22} V${loopBottom} H${x1 + 6}" class="msg" marker-end="url(#arrow)"/>`,
          stepBadge(x1, loopTop, it.step),
        );
        return loopBottom + 16;
      }
      const span = Math.abs(x2 - x1) - 24;
      const lines = wrap(it.text, span / CHAR_W);
      let ty = top + 12;
      for (const l of lines) {
        body.push(text((x1 + x2) / 2, ty, l, 'middle'));
        ty += LINE_H;
      }
      const ay = ty - 6;
      const dir = x2 > x1 ? -1 : 1;
      body.push(`<line x1="${x1}" y1="${ay}" x2="${x2 + dir * 2}" y2="${ay}" class="msg" marker-end="url(#arrow)"/>`, stepBadge(x1, ay, it.step));
      return ay + 18;
    }
    const cols = it.over.map((id) => col.get(id) ?? 0);
    const lo = Math.min(...cols);
    const hi = Math.max(...cols);
    const left0 = xs[lo]! - boxW[lo]! / 2;
    const right0 = xs[hi]! + boxW[hi]! / 2;
    const maxChars = Math.max(20, (Math.max(right0 - left0, 260) - 16) / CHAR_W);
    const lines = wrap(it.text, maxChars);
    const w = Math.max(right0 - left0, Math.min(Math.max(...lines.map(textW)) + 16, width - 2 * MARGIN));
    const left = Math.max(MARGIN / 2, Math.min(left0, width - MARGIN / 2 - w));
    const h = lines.length * LINE_H + 10;
    body.push(`<rect x="${left.toFixed(1)}" y="${top}" width="${w.toFixed(1)}" height="${h}" rx="3" class="note ${it.tone}"/>`);
    lines.forEach((l, i) => body.push(text(left + 8, top + 17 + i * LINE_H, l, 'start', it.tone === 'violation' ? 'vtext' : '')));
    return top + h + 12;
  }

  function stepBadge(cx: number, cy: number, step: number): string {
    return `<circle cx="${cx}" cy="${cy}" r="8" class="badge"/>${text(cx, cy + 4, String(step), 'middle', 'badge-text')}`;
  }

  const bottom = y + 8;
  const height = bottom + BOX_H + MARGIN;
  const head: string[] = [];
  d.participants.forEach((p, i) => {
    const cx = xs[i]!;
    head.push(`<line x1="${cx}" y1="${MARGIN + BOX_H}" x2="${cx}" y2="${bottom}" class="life"/>`);
    for (const by of [MARGIN, bottom]) {
      head.push(
        `<rect x="${(cx - boxW[i]! / 2).toFixed(1)}" y="${by}" width="${boxW[i]!.toFixed(1)}" height="${BOX_H}" rx="4" class="actor"/>`,
        text(cx, by + BOX_H / 2 + 4, p.label, 'middle', 'actor-text'),
      );
    }
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="ui-monospace, 'DejaVu Sans Mono', Menlo, monospace" font-size="${FONT}">`,
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 z" fill="#333"/></marker></defs>',
    '<style>.actor{fill:#eaf1fb;stroke:#4a72b0}.actor-text{font-weight:bold}.life{stroke:#9aa;stroke-dasharray:4 3}.msg{stroke:#333;fill:none;stroke-width:1.3}.note{stroke:#b9a94a}.note.info{fill:#fff8c4}.note.violation{fill:#fde2e1;stroke:#c0392b}.vtext{fill:#8b1a10}.badge{fill:#333}.badge-text{fill:#fff;font-size:9px}</style>',
    ...head,
    ...body,
    '</svg>',
  ].join('\n');
}
