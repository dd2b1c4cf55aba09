/**
 * Matrix `formatted_body` (org.matrix.custom.html) -> rich text. Tags we know are mapped, pills
 * become mentions, `<span data-mx-spoiler>` becomes a spoiler, and every other tag is unwrapped
 * to its text: nothing of the input HTML is ever passed through.
 */
import { type HtmlElement, type HtmlNode, htmlText, parseHtmlTree } from './html-tree.js';
import { MAX_DEPTH, tidy, withLineBreaks } from './inline.js';
import type { Block, Inline, RichText } from './model.js';
import type { FormatOptions } from './types.js';

const BLOCK_TAGS = new Set([
  'p',
  'div',
  'blockquote',
  'pre',
  'ul',
  'ol',
  'li',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'hr',
  'table',
  'thead',
  'tbody',
  'tfoot',
  'tr',
  'caption',
  'details',
  'summary',
]);

/** Link schemes the Matrix spec allows in `<a href>`; anything else (javascript:…) is unwrapped. */
export const SAFE_SCHEME = /^(https?|ftp|mailto|magnet|matrix):/i;

/** `https://matrix.to/#/@alice:example.org` or `matrix:u/alice:example.org` -> `@alice:example.org`. */
export function pillUserId(href: string): string | undefined {
  const m = /^https:\/\/matrix\.to\/#\/([^/?#]+)/i.exec(href) ?? /^matrix:u\/([^/?#]+)/i.exec(href);
  if (!m?.[1]) return undefined;
  let id = m[1];
  try {
    id = decodeURIComponent(id);
  } catch {
    // A malformed escape: keep the raw text, the resolver will not know it.
  }
  if (href.startsWith('matrix:')) return `@${id}`;
  return id.startsWith('@') ? id : undefined;
}

/** Parses a Matrix HTML body. Never throws. */
export function parseMatrixHtml(html: string, options: FormatOptions = {}): RichText {
  return { blocks: blocksOf(parseHtmlTree(html).children, options, 0) };
}

function blocksOf(nodes: readonly HtmlNode[], options: FormatOptions, depth: number): Block[] {
  const out: Block[] = [];
  let run: Inline[] = [];
  const flush = (): void => {
    const children = trimInlines(tidy(run));
    if (children.length > 0) out.push({ type: 'paragraph', children });
    run = [];
  };
  for (const node of nodes) {
    if (typeof node !== 'string' && BLOCK_TAGS.has(node.tag)) {
      flush();
      out.push(...blockOf(node, options, depth + 1));
    } else {
      run.push(...inlinesOf([node], options, depth + 1));
    }
  }
  flush();
  return out;
}

function blockOf(el: HtmlElement, options: FormatOptions, depth: number): Block[] {
  if (depth > MAX_DEPTH) return [{ type: 'paragraph', children: withLineBreaks(htmlText(el)) }];
  switch (el.tag) {
    case 'blockquote':
      return [{ type: 'quote', children: blocksOf(el.children, options, depth) }];
    case 'pre': {
      const code = el.children.find(
        (c): c is HtmlElement => typeof c !== 'string' && c.tag === 'code',
      );
      const lang = /(?:^|\s)language-(\S+)/.exec(code?.attrs['class'] ?? '')?.[1];
      const text = htmlText(el).replace(/\n$/, '');
      return [lang ? { type: 'codeBlock', lang, text } : { type: 'codeBlock', text }];
    }
    case 'ul':
    case 'ol': {
      const items = el.children
        .filter((c) => typeof c !== 'string' || c.trim() !== '')
        .map((c) =>
          blocksOf(typeof c !== 'string' && c.tag === 'li' ? c.children : [c], options, depth),
        );
      const start = Number.parseInt(el.attrs['start'] ?? '1', 10);
      const ordered = el.tag === 'ol';
      return ordered && Number.isSafeInteger(start) && start !== 1
        ? [{ type: 'list', ordered, start, items }]
        : [{ type: 'list', ordered, items }];
    }
    case 'h1':
    case 'h2':
    case 'h3':
    case 'h4':
    case 'h5':
    case 'h6': {
      const children = trimInlines(tidy(inlinesOf(el.children, options, depth)));
      return children.length > 0
        ? [{ type: 'paragraph', children: [{ type: 'bold', children }] }]
        : [];
    }
    case 'hr':
      return [{ type: 'paragraph', children: [{ type: 'text', text: '---' }] }];
    case 'tr': {
      const cells = el.children.filter((c): c is HtmlElement => typeof c !== 'string');
      const children: Inline[] = cells.flatMap((cell, i) => [
        ...(i > 0 ? [{ type: 'text', text: ' | ' } as const] : []),
        ...trimInlines(tidy(inlinesOf(cell.children, options, depth))),
      ]);
      return children.length > 0 ? [{ type: 'paragraph', children: tidy(children) }] : [];
    }
    default:
      // p, div, li outside a list, tables, details…: their content, as blocks.
      return blocksOf(el.children, options, depth);
  }
}

function inlinesOf(nodes: readonly HtmlNode[], options: FormatOptions, depth: number): Inline[] {
  const out: Inline[] = [];
  nodes.forEach((node) => {
    if (typeof node === 'string') {
      out.push(...withLineBreaks(node.replace(/\r\n?/g, '\n')));
    } else {
      out.push(...inlineOf(node, options, depth + 1));
    }
  });
  return out;
}

function inlineOf(el: HtmlElement, options: FormatOptions, depth: number): Inline[] {
  if (depth > MAX_DEPTH) return withLineBreaks(htmlText(el));
  const inner = (): Inline[] => inlinesOf(el.children, options, depth);
  switch (el.tag) {
    case 'b':
    case 'strong':
      return [{ type: 'bold', children: inner() }];
    case 'i':
    case 'em':
    case 'u':
    case 'ins':
      return [{ type: 'italic', children: inner() }];
    case 's':
    case 'del':
    case 'strike':
      return [{ type: 'strike', children: inner() }];
    case 'code':
      return [{ type: 'code', text: htmlText(el) }];
    case 'br':
      return [{ type: 'lineBreak' }];
    case 'img':
      // Custom emoji are images with their shortcode as alt text.
      return el.attrs['alt'] ? [{ type: 'text', text: el.attrs['alt'] }] : [];
    case 'span':
      return 'data-mx-spoiler' in el.attrs ? [{ type: 'spoiler', children: inner() }] : inner();
    case 'a':
      return anchor(el, inner(), options);
    default:
      return inner();
  }
}

function anchor(el: HtmlElement, children: Inline[], options: FormatOptions): Inline[] {
  const href = (el.attrs['href'] ?? '').trim();
  const userId = pillUserId(href);
  if (userId !== undefined) {
    const user = options.resolver?.toUser(userId);
    if (user !== undefined) return [{ type: 'mention', user }];
    const label = htmlText(el).trim() || userId;
    return [{ type: 'text', text: label.startsWith('@') ? label : `@${label}` }];
  }
  if (SAFE_SCHEME.test(href)) return [{ type: 'link', href, children }];
  return children;
}

/** Drops whitespace and line breaks at both ends of a paragraph (HTML layout, not content). */
function trimInlines(nodes: Inline[]): Inline[] {
  const out = [...nodes];
  while (out[0]?.type === 'lineBreak' || (out[0]?.type === 'text' && out[0].text.trim() === ''))
    out.shift();
  while (
    out.at(-1)?.type === 'lineBreak' ||
    (out.at(-1)?.type === 'text' && (out.at(-1) as { text: string }).text.trim() === '')
  )
    out.pop();
  const first = out[0];
  if (first?.type === 'text') out[0] = { type: 'text', text: first.text.trimStart() };
  const last = out.at(-1);
  if (last?.type === 'text') out[out.length - 1] = { type: 'text', text: last.text.trimEnd() };
  return out;
}
