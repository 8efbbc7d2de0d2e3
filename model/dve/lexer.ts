/**
 * DVE tokenizer. The file is untrusted input: the lexer accepts only a closed set of characters
 * (identifiers, decimal literals, fixed punctuation), so nothing else can reach later stages, and it
 * bounds literal values here so downstream code only ever sees safe integers.
 */
import { DveError, type SourcePos } from './errors.ts';

export type TokenKind = 'id' | 'num' | 'kw' | 'op' | 'eof';

export interface Token {
  readonly kind: TokenKind;
  /** Identifier or keyword text, operator spelling, or the literal's digits. */
  readonly text: string;
  /** Only for `num`: the value, a non-negative safe integer below 2^31. */
  readonly value: number;
  readonly pos: SourcePos;
}

export const KEYWORDS: ReadonlySet<string> = new Set([
  'byte', 'int', 'const', 'channel', 'process', 'state', 'init', 'trans', 'guard', 'effect', 'sync',
  'system', 'async', 'property', 'commit', 'accept', 'assert', 'and', 'or', 'not', 'imply', 'true', 'false',
]);

// Longest first so that `<=` wins over `<`, `->` over `-`, and so on.
const OPERATORS = [
  '->', '==', '!=', '<=', '>=', '<<', '>>', '&&', '||',
  '{', '}', '(', ')', '[', ']', ';', ',', '.', ':', '=', '<', '>', '+', '-', '*', '/', '%', '|', '&', '^', '~', '!', '?',
];

/** Literals above this are rejected: DiVinE evaluates in C `int`, and it keeps generated code in Smi range. */
export const MAX_LITERAL = 0x7fffffff;

export function tokenize(source: string, file: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const n = source.length;
  const here = (): SourcePos => ({ line, col: i - lineStart + 1 });

  while (i < n) {
    const c = source.charCodeAt(i);
    if (c === 10) {
      i++;
      line++;
      lineStart = i;
      continue;
    }
    if (c === 32 || c === 9 || c === 13 || c === 12 || c === 11) {
      i++;
      continue;
    }
    if (c === 47 /* / */ && source.charCodeAt(i + 1) === 47) {
      while (i < n && source.charCodeAt(i) !== 10) i++;
      continue;
    }
    if (c === 47 && source.charCodeAt(i + 1) === 42 /* * */) {
      const start = here();
      i += 2;
      for (;;) {
        if (i >= n) throw new DveError(file, start, 'unterminated /* comment');
        const d = source.charCodeAt(i);
        if (d === 42 && source.charCodeAt(i + 1) === 47) {
          i += 2;
          break;
        }
        if (d === 10) {
          line++;
          lineStart = i + 1;
        }
        i++;
      }
      continue;
    }
    const pos = here();
    if (isIdentStart(c)) {
      let j = i + 1;
      while (j < n && isIdentPart(source.charCodeAt(j))) j++;
      const text = source.slice(i, j);
      if (text.length > 256) throw new DveError(file, pos, 'identifier longer than 256 characters');
      tokens.push({ kind: KEYWORDS.has(text) ? 'kw' : 'id', text, value: 0, pos });
      i = j;
      continue;
    }
    if (c >= 48 && c <= 57) {
      let j = i + 1;
      while (j < n && source.charCodeAt(j) >= 48 && source.charCodeAt(j) <= 57) j++;
      if (j < n && isIdentPart(source.charCodeAt(j))) {
        throw new DveError(file, pos, `malformed number '${clip(source.slice(i, j + 1))}'`);
      }
      const digits = source.slice(i, j);
      // Compare as text first: Number() of a 400-digit string is Infinity, not an error.
      const trimmed = digits.replace(/^0+(?=\d)/, '');
      if (trimmed.length > 10 || Number(trimmed) > MAX_LITERAL) {
        throw new DveError(file, pos, `integer literal ${clip(digits)} is out of range (maximum ${MAX_LITERAL})`);
      }
      tokens.push({ kind: 'num', text: trimmed, value: Number(trimmed), pos });
      i = j;
      continue;
    }
    const op = OPERATORS.find((o) => source.startsWith(o, i));
    if (op === undefined) {
      throw new DveError(file, pos, `unexpected character ${describeChar(source, i)}`);
    }
    tokens.push({ kind: 'op', text: op, value: 0, pos });
    i += op.length;
  }
  tokens.push({ kind: 'eof', text: '<end of file>', value: 0, pos: here() });
  return tokens;
}

function isIdentStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

function isIdentPart(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57);
}

function clip(s: string): string {
  return s.length > 24 ? `${s.slice(0, 24)}...` : s;
}

/** Renders an offending character safely for an error message (quotes, control characters, astral symbols). */
function describeChar(source: string, i: number): string {
  const cp = source.codePointAt(i) ?? 0;
  const hex = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  return cp >= 33 && cp <= 126 ? `'${String.fromCodePoint(cp)}' (${hex})` : hex;
}
