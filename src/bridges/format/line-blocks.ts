/**
 * Block structure of the line-oriented chat markups (Discord, Slack): fenced code, quote lines,
 * bullet and numbered lists, paragraphs separated by blank lines; newlines inside a paragraph
 * are line breaks. Inline content is left to the markup's own scanner.
 */
import { MAX_DEPTH, tidy } from './inline.js';
import type { Block, Inline } from './model.js';

export interface LineSyntax {
  /** A quote line: returns the line without its marker, or undefined. */
  quote(line: string): string | undefined;
  /** `>>> `: everything from this line on is quoted (Discord). Returns the rest of the line. */
  quoteRest?(line: string): string | undefined;
  /** A list line: its kind and content, or undefined. */
  listItem(line: string): { ordered: boolean; start: number; content: string } | undefined;
  /** A heading line: its content (rendered bold), or undefined. */
  heading?(line: string): string | undefined;
  /** Whether a single word after an opening fence is the code's language (Discord yes, Slack no). */
  fenceLanguage: boolean;
  /** Scans one paragraph's text (may contain newlines). */
  inline(text: string): Inline[];
}

/** Parses the blocks of `src`. Never throws. */
export function lineBlocks(src: string, syntax: LineSyntax, depth = 0): Block[] {
  const lines = src.replace(/\r\n?/g, '\n').split('\n');
  const out: Block[] = [];
  let para: string[] = [];
  const flush = (): void => {
    if (para.length > 0) {
      const children = syntax.inline(para.join('\n'));
      if (children.length > 0) out.push({ type: 'paragraph', children });
    }
    para = [];
  };
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] as string;
    if (line.trim() === '') {
      flush();
      i++;
      continue;
    }
    const fence = line.startsWith('```') ? closeFence(lines, i, syntax.fenceLanguage) : undefined;
    if (fence !== undefined) {
      flush();
      out.push(fence.block);
      i = fence.next;
      if (fence.rest.trim() !== '') para.push(fence.rest);
      continue;
    }
    const nested = depth < MAX_DEPTH;
    const rest = nested ? syntax.quoteRest?.(line) : undefined;
    if (rest !== undefined) {
      flush();
      const inner = [rest, ...lines.slice(i + 1)].join('\n');
      out.push({
        type: 'quote',
        children: lineBlocks(inner, { ...syntax, quoteRest: undefined }, depth + 1),
      });
      break;
    }
    if (nested && syntax.quote(line) !== undefined) {
      flush();
      const quoted: string[] = [];
      while (i < lines.length && syntax.quote(lines[i] as string) !== undefined)
        quoted.push(syntax.quote(lines[i++] as string) as string);
      out.push({ type: 'quote', children: lineBlocks(quoted.join('\n'), syntax, depth + 1) });
      continue;
    }
    const item = syntax.listItem(line);
    if (item !== undefined) {
      flush();
      const items: Block[][] = [];
      let next: typeof item | undefined = item;
      while (next !== undefined && next.ordered === item.ordered) {
        const children = syntax.inline(next.content);
        items.push(children.length > 0 ? [{ type: 'paragraph', children }] : []);
        i++;
        next = i < lines.length ? syntax.listItem(lines[i] as string) : undefined;
      }
      out.push(
        item.ordered && item.start !== 1
          ? { type: 'list', ordered: true, start: item.start, items }
          : { type: 'list', ordered: item.ordered, items },
      );
      continue;
    }
    const heading = syntax.heading?.(line)?.trim();
    if (heading) {
      flush();
      const children = tidy([{ type: 'bold', children: syntax.inline(heading) }]);
      if (children.length > 0) out.push({ type: 'paragraph', children });
      i++;
      continue;
    }
    para.push(line);
    i++;
  }
  flush();
  return out;
}

/** A fenced code block opening on line `i`: ```` ```lang ```` newline … ```` ``` ````, or all on one line. */
function closeFence(
  lines: readonly string[],
  i: number,
  allowLang: boolean,
): { block: Block; next: number; rest: string } | undefined {
  const first = (lines[i] as string).slice(3);
  const sameLine = first.indexOf('```');
  if (sameLine > 0) {
    return {
      block: { type: 'codeBlock', text: first.slice(0, sameLine) },
      next: i + 1,
      rest: first.slice(sameLine + 3),
    };
  }
  for (let j = i + 1; j < lines.length; j++) {
    const line = lines[j] as string;
    const at = line.indexOf('```');
    if (at < 0) continue;
    const body = [first, ...lines.slice(i + 1, j), line.slice(0, at)];
    let lang: string | undefined;
    // A first line that is a single word is the language (Discord); otherwise it is code.
    if (allowLang && /^[\w+#.-]+$/.test(first)) {
      lang = first;
      body.shift();
    } else if (first === '') {
      body.shift();
    }
    if (body.at(-1) === '') body.pop();
    const text = body.join('\n');
    return {
      block: lang ? { type: 'codeBlock', lang, text } : { type: 'codeBlock', text },
      next: j + 1,
      rest: line.slice(at + 3),
    };
  }
  return undefined;
}
