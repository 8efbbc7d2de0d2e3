/**
 * A small Markdown-to-HTML renderer for report sections written by specs (headings, paragraphs,
 * bullet lists, pipe tables, `code`, **bold**). Every piece of text is escaped and only these
 * fixed tags are produced, so a section cannot inject markup or script into the page.
 */
import { escapeXml } from './svg.ts';

function inline(text: string): string {
  // split on code spans first so that ** inside code stays literal
  return text
    .split(/(`[^`]*`)/)
    .map((part) =>
      part.startsWith('`') && part.endsWith('`') && part.length >= 2
        ? `<code>${escapeXml(part.slice(1, -1))}</code>`
        : escapeXml(part).replace(/\*\*([^*]+)\*\*/g, '<b>$1</b>'),
    )
    .join('');
}

function cells(line: string): string[] {
  const t = line.trim().replace(/^\|/, '').replace(/\|$/, '');
  return t.split(/(?<!\\)\|/).map((c) => c.trim().replace(/\\\|/g, '|'));
}

export function markdownToHtml(md: string, headingOffset = 0): string {
  const lines = md.split('\n');
  const out: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    const h = /^(#{1,6})\s+(.*)$/.exec(line);
    if (h) {
      const level = Math.min(6, h[1]!.length + headingOffset);
      out.push(`<h${level}>${inline(h[2]!)}</h${level}>`);
      i++;
    } else if (line.trim().startsWith('|') && lines[i + 1]?.trim().match(/^\|?\s*:?-{3,}/)) {
      const head = cells(line);
      const align = cells(lines[i + 1]!).map((c) => (c.endsWith(':') ? ' class="num"' : ''));
      i += 2;
      const rows: string[][] = [];
      while (i < lines.length && lines[i]!.trim().startsWith('|')) rows.push(cells(lines[i++]!));
      out.push('<table>');
      out.push(`<tr>${head.map((c) => `<th>${inline(c)}</th>`).join('')}</tr>`);
      for (const r of rows) out.push(`<tr>${r.map((c, k) => `<td${align[k] ?? ''}>${inline(c)}</td>`).join('')}</tr>`);
      out.push('</table>');
    } else if (/^\s*[-*]\s+/.test(line)) {
      out.push('<ul>');
      while (i < lines.length && /^\s*[-*]\s+/.test(lines[i]!)) out.push(`<li>${inline(lines[i++]!.replace(/^\s*[-*]\s+/, ''))}</li>`);
      out.push('</ul>');
    } else if (line.trim() === '') {
      i++;
    } else {
      const para: string[] = [];
      while (i < lines.length && lines[i]!.trim() !== '' && !/^(#{1,6}\s|\s*[-*]\s|\s*\|)/.test(lines[i]!)) para.push(lines[i++]!);
      out.push(`<p>${inline(para.join(' '))}</p>`);
    }
  }
  return out.join('\n');
}
