/**
 * Rich text -> IRC lines with formatting control codes. Colours are never produced. Styles open
 * again after every newline because IRC clients reset formatting at the end of each line. Links
 * read `label (url)` unless the label is the URL; spoilers are plain text between markers; code
 * blocks are sent line by line in monospace; empty lines are dropped (IRC cannot send them).
 */
import type { IrcOptions } from './irc-parse.js';
import { listLines, quoteLines } from './text-blocks.js';
import type { Block, Inline, RichText } from './model.js';
import { inlines as plainInlines } from './plain.js';

const CODES = { bold: '\x02', italic: '\x1d', strike: '\x1e', code: '\x11' } as const;

/** Renders rich text as IRC text; lines are separated by `\n`. */
export function renderIrc(text: RichText, options: IrcOptions = {}): string {
  return blocks(text.blocks, options)
    .split('\n')
    .filter((line) => stripControls(line).trim() !== '')
    .join('\n');
}

function blocks(list: readonly Block[], options: IrcOptions): string {
  return list.map((b) => block(b, options)).join('\n');
}

function block(b: Block, options: IrcOptions): string {
  switch (b.type) {
    case 'paragraph':
      return new Writer(options).inlines(b.children).result();
    case 'codeBlock':
      return b.text
        .split('\n')
        .map((line) => stripControls(line))
        .filter((line) => line.trim() !== '')
        .map((line) => `${CODES.code}${line}${CODES.code}`)
        .join('\n');
    case 'quote':
      return quoteLines(blocks(b.children, options), '> ');
    case 'list':
      return listLines(
        b,
        b.items.map((item) => blocks(item, options)),
        '-',
      );
  }
}

/** Writes inline nodes, tracking which styles are open so nested same styles do not toggle off. */
class Writer {
  private out = '';
  private readonly open: string[] = [];
  constructor(private readonly options: IrcOptions) {}

  result(): string {
    return this.out;
  }

  inlines(nodes: readonly Inline[]): this {
    for (const n of nodes) this.inline(n);
    return this;
  }

  private styled(code: string, write: () => void): void {
    if (this.open.includes(code)) return write();
    this.open.push(code);
    this.out += code;
    write();
    this.open.pop();
    this.out += code;
  }

  private newline(): void {
    // Close what is open, break the line, reopen: the next line starts unformatted otherwise.
    const codes = this.open.join('');
    this.out += `${[...codes].reverse().join('')}\n${codes}`;
  }

  private text(text: string): void {
    stripControls(text)
      .split('\n')
      .forEach((part, i) => {
        if (i > 0) this.newline();
        this.out += part;
      });
  }

  private inline(n: Inline): void {
    switch (n.type) {
      case 'text':
        return this.text(n.text);
      case 'lineBreak':
        return this.newline();
      case 'bold':
      case 'italic':
      case 'strike':
        return this.styled(CODES[n.type], () => this.inlines(n.children));
      case 'code':
        return this.styled(CODES.code, () => this.text(n.text.replace(/\n/g, ' ')));
      case 'spoiler': {
        const marker = this.options.spoilerMarker ?? '||';
        this.out += marker;
        this.inlines(n.children);
        this.out += marker;
        return;
      }
      case 'mention':
        return this.text(`@${this.options.resolver?.toNetwork(n.user) ?? n.user.name}`);
      case 'link': {
        const label = plainInlines(n.children, {});
        if (label === n.href || label.trim() === '') return this.text(n.href);
        this.inlines(n.children);
        return this.text(` (${n.href})`);
      }
    }
  }
}

/** Removes C0 control characters (formatting codes included) except newline and tab. */
export function stripControls(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '');
}
