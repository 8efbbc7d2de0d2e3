/**
 * Text from a trace file (or any other data) is escaped before it reaches a terminal: control
 * bytes could move the cursor, rewrite earlier lines, change the title or colours, and bidi
 * overrides could make a path or a name read as something else. Each becomes a visible \xNN or
 * \u{NNNN}; a one-paragraph message stays one line.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

export function printable(text: string): string {
  return text.replace(UNSAFE, (c) => {
    const n = c.codePointAt(0)!;
    return n <= 0xff ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u{${n.toString(16)}}`;
  });
}

/** Like printable, but keeps line breaks (for multi-line output such as a stack trace or a table). */
export function printableLines(text: string): string {
  return text.split('\n').map(printable).join('\n');
}
