/**
 * Keeps micromark fast on hostile input. Its time grows faster than linearly with container
 * nesting and with the number of emphasis, strikethrough, label, inline-HTML and code-span
 * markers; a 64 KiB message built for it would otherwise block the event loop for seconds.
 * Human-written messages stay far below both limits and are parsed unchanged.
 */
import { MAX_DEPTH } from './inline.js';

/** Quote and list markers at the start of one line: `> `, `- `, `* `, `+ `, `1. `, `1) `. */
const CONTAINER_MARKER = /^[ \t]{0,3}(?:>|[-*+](?=[ \t]|$)|\d{1,9}[.)](?=[ \t]|$))[ \t]?/;

/**
 * micromark takes time superlinear in container depth (3,000 nested `- ` take ~20 s), so markers
 * past MAX_DEPTH on a line are escaped into text. The model would flatten them anyway.
 */
export function limitContainerNesting(source: string): string {
  if (source.length < MAX_DEPTH * 2) return source;
  return source
    .split('\n')
    .map((line) => {
      let pos = 0;
      for (let depth = 0; depth < MAX_DEPTH; depth++) {
        const m = CONTAINER_MARKER.exec(line.slice(pos, pos + 16));
        if (!m) return line;
        pos += m[0].length;
      }
      const rest = line.slice(pos);
      const lead = /^[ \t]*/.exec(rest)?.[0] ?? '';
      const body = rest.slice(lead.length);
      // `\-`, `\>`, `\*`, `\+` are escapes; a number is made literal by escaping its `.` or `)`.
      const literal = /^\d/.test(body)
        ? body.replace(/^(\d+)([.)])/, '$1\\$2')
        : /^[->*+]/.test(body)
          ? `\\${body}`
          : body;
      return line.slice(0, pos) + lead + literal;
    })
    .join('\n');
}

/**
 * micromark resolves emphasis, strikethrough, labels, inline HTML and code spans in time
 * quadratic in the number of their markers (16 KiB of `*a` takes ~2 s, 64 KiB of `~~a` ~3 s).
 * Past a budget of markers, which no human-written message reaches, the construct is turned off
 * and its characters read as text.
 */
const MARKER_BUDGET = 1000;
const BUDGETED: readonly (readonly [RegExp, readonly string[]])[] = [
  [/[*_]/g, ['attention']],
  [/[[\]]/g, ['labelStartLink', 'labelStartImage', 'labelEnd']],
  [/</g, ['htmlText', 'autolink']],
  [/`/g, ['codeText']],
  [/~/g, ['strikethrough']],
];

/** The micromark constructs to disable for `source` (usually none). */
export function overBudget(source: string): string[] {
  const off: string[] = [];
  if (source.length <= MARKER_BUDGET) return off;
  for (const [marker, constructs] of BUDGETED) {
    if ((source.match(marker)?.length ?? 0) > MARKER_BUDGET) off.push(...constructs);
  }
  return off;
}
