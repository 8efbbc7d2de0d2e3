/** Tokenizer: the closed character set, comments, positions, and bounded literals. */
import { describe, expect, it } from 'vitest';
import { DveError } from '../../../model/dve/errors.ts';
import { MAX_LITERAL, tokenize } from '../../../model/dve/lexer.ts';

const kinds = (src: string): string[] => tokenize(src, 'x.dve').map((t) => `${t.kind}:${t.text}`);

describe('tokenize', () => {
  it('splits identifiers, keywords, numbers and longest-match operators', () => {
    expect(kinds('byte x1 = 012; a->b <= != == >> || && ! ?')).toEqual([
      'kw:byte', 'id:x1', 'op:=', 'num:12', 'op:;', 'id:a', 'op:->', 'id:b', 'op:<=', 'op:!=', 'op:==', 'op:>>', 'op:||', 'op:&&', 'op:!', 'op:?', 'eof:<end of file>',
    ]);
  });

  it('skips // and /* */ comments, including text that looks like code', () => {
    expect(kinds('a // b c\n/* d\n e */ f /* "x" */')).toEqual(['id:a', 'id:f', 'eof:<end of file>']);
  });

  it('tracks 1-based line and column through comments and newlines', () => {
    const t = tokenize('/* one\ntwo */ x\n  yy', 'x.dve');
    expect(t.map((k) => [k.text, k.pos.line, k.pos.col])).toEqual([['x', 2, 8], ['yy', 3, 3], ['<end of file>', 3, 5]]);
  });

  it('accepts literals up to 2^31 - 1 and rejects larger ones with a position', () => {
    expect(tokenize(String(MAX_LITERAL), 'x.dve')[0]!.value).toBe(2147483647);
    expect(() => tokenize('x = 2147483648', 'x.dve')).toThrow('x.dve:1:5: integer literal 2147483648 is out of range (maximum 2147483647)');
    expect(() => tokenize('9'.repeat(400), 'x.dve')).toThrow(/integer literal 9{24}\.\.\. is out of range/);
  });

  it('rejects numbers glued to letters, unknown characters and unterminated comments', () => {
    expect(() => tokenize('12ab', 'x.dve')).toThrow("x.dve:1:1: malformed number '12a'");
    expect(() => tokenize('a\n  "s"', 'x.dve')).toThrow(`x.dve:2:3: unexpected character '"' (U+0022)`);
    expect(() => tokenize('a $', 'x.dve')).toThrow(/x\.dve:1:3: unexpected character '\$'/);
    expect(() => tokenize('\u00e9', 'x.dve')).toThrow('x.dve:1:1: unexpected character U+00E9');
    expect(() => tokenize('a /* b', 'x.dve')).toThrow('x.dve:1:3: unterminated /* comment');
  });

  it('throws DveError with position fields', () => {
    try {
      tokenize('\n\n   @', 'f.dve');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DveError);
      expect(e).toMatchObject({ file: 'f.dve', line: 3, col: 4 });
    }
  });
});
