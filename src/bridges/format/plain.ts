/**
 * Rich text -> plain text, for fallbacks (Matrix `body`) and networks without markup. Quotes get
 * `> `, lists `- `/`1. `, links `label (url)` unless the label is the address.
 */
import type { Block, Inline, MentionUser, RichText } from './model.js';

export interface PlainOptions {
  /** How a mention reads; default `@name`. */
  readonly mention?: (user: MentionUser) => string;
  /** How a spoiler reads, given its plain text; default the text itself. */
  readonly spoiler?: (text: string) => string;
}

/** Renders rich text without any markup. */
export function renderPlain(text: RichText, options: PlainOptions = {}): string {
  return blocks(text.blocks, options);
}

function blocks(list: readonly Block[], options: PlainOptions): string {
  return list.map((b) => block(b, options)).join('\n\n');
}

function block(b: Block, options: PlainOptions): string {
  switch (b.type) {
    case 'paragraph':
      return inlines(b.children, options);
    case 'codeBlock':
      return b.text;
    case 'quote':
      return prefixLines(blocks(b.children, options), '> ');
    case 'list':
      return b.items
        .map((item, i) => {
          const marker = b.ordered ? `${(b.start ?? 1) + i}. ` : '- ';
          const body = blocks(item, options).split('\n');
          return body
            .map((l, j) => (j === 0 ? marker + l : ' '.repeat(marker.length) + l))
            .join('\n');
        })
        .join('\n');
  }
}

/** Plain text of inline nodes. */
export function inlines(nodes: readonly Inline[], options: PlainOptions): string {
  let s = '';
  for (const n of nodes) {
    switch (n.type) {
      case 'text':
      case 'code':
        s += n.text;
        break;
      case 'lineBreak':
        s += '\n';
        break;
      case 'mention':
        s += options.mention ? options.mention(n.user) : `@${n.user.name}`;
        break;
      case 'spoiler': {
        const inner = inlines(n.children, options);
        s += options.spoiler ? options.spoiler(inner) : inner;
        break;
      }
      case 'link': {
        const label = inlines(n.children, options);
        s += label === n.href || label === '' ? n.href : `${label} (${n.href})`;
        break;
      }
      default:
        s += inlines(n.children, options);
    }
  }
  return s;
}

function prefixLines(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((l) => (l === '' ? prefix.trimEnd() : prefix + l))
    .join('\n');
}
