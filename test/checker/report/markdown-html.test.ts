import { describe, expect, it } from 'vitest';
import { markdownToHtml } from '../../../checker/report/markdown-html.ts';

describe('markdownToHtml (spec-written report sections)', () => {
  it('renders headings, paragraphs, lists, tables with right-aligned columns, code and bold', () => {
    const html = markdownToHtml(['## Title', '', 'Some **bold** and `a|b` text', 'continued.', '', '- one', '- two `x`', '', '| a | n |', '|---|--:|', '| x \\| y | 3 |'].join('\n'));
    expect(html).toBe(
      [
        '<h2>Title</h2>',
        '<p>Some <b>bold</b> and <code>a|b</code> text continued.</p>',
        '<ul>', '<li>one</li>', '<li>two <code>x</code></li>', '</ul>',
        '<table>', '<tr><th>a</th><th>n</th></tr>', '<tr><td>x | y</td><td class="num">3</td></tr>', '</table>',
      ].join('\n'),
    );
  });
  it('escapes everything: a section cannot inject markup', () => {
    const html = markdownToHtml('# <script>alert(1)</script>\n\n<img src=x onerror=alert(1)> `<b>` **<i>**');
    expect(html).not.toMatch(/<script|<img|<i>|<b><\/b>/);
    expect(html).toContain('&lt;script&gt;');
  });
});
