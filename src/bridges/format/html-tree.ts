/**
 * HTML -> a light element tree, built with htmlparser2 (a real, forgiving HTML tokenizer).
 * Content of elements that must never reach a chat message (scripts, styles, Matrix reply
 * fallbacks) is dropped here; everything else is kept for the converter to map or unwrap.
 */
import { Parser } from 'htmlparser2';
import { MAX_DEPTH } from './inline.js';

export interface HtmlElement {
  readonly tag: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: HtmlNode[];
}
export type HtmlNode = HtmlElement | string;

/** Dropped with everything inside them. `mx-reply` is the reply fallback Matrix asks bridges to strip. */
const DROPPED = new Set([
  'script',
  'style',
  'mx-reply',
  'head',
  'title',
  'template',
  'noscript',
  'iframe',
  'object',
  'embed',
  'textarea',
  'select',
  'svg',
  'math',
]);

/** Elements nested deeper than this are unwrapped, so the later recursive walk stays shallow. */
const MAX_HTML_DEPTH = MAX_DEPTH * 2;

/** Parses an HTML fragment into a root element (tag `#root`). Never throws. */
export function parseHtmlTree(html: string): HtmlElement {
  const root: HtmlElement = { tag: '#root', attrs: {}, children: [] };
  // One entry per open tag: the element it created, or null when it was dropped or unwrapped.
  const stack: (HtmlElement | null)[] = [];
  let dropping = 0;
  const current = (): HtmlElement => {
    for (let i = stack.length - 1; i >= 0; i--) {
      const el = stack[i];
      if (el) return el;
    }
    return root;
  };
  const parser = new Parser(
    {
      onopentag(name, attribs) {
        if (dropping > 0 || DROPPED.has(name)) {
          dropping++;
          stack.push(null);
          return;
        }
        if (stack.length >= MAX_HTML_DEPTH) {
          stack.push(null);
          return;
        }
        const el: HtmlElement = { tag: name, attrs: { ...attribs }, children: [] };
        current().children.push(el);
        stack.push(el);
      },
      onclosetag() {
        // htmlparser2 reports a close (implied if need be) for every open, void elements included.
        stack.pop();
        if (dropping > 0) dropping--;
      },
      ontext(text) {
        if (dropping > 0) return;
        const parent = current();
        const last = parent.children[parent.children.length - 1];
        // `<br>` followed by a newline is one break, not two.
        if (typeof last !== 'string' && last?.tag === 'br') text = text.replace(/^\r?\n/, '');
        if (text === '') return;
        if (typeof last === 'string') parent.children[parent.children.length - 1] = last + text;
        else parent.children.push(text);
      },
    },
    {
      decodeEntities: true,
      lowerCaseTags: true,
      lowerCaseAttributeNames: true,
      recognizeSelfClosing: true,
    },
  );
  parser.write(html);
  parser.end();
  return root;
}

/** All text under a node (iterative: the tree may be wide). */
export function htmlText(node: HtmlNode): string {
  if (typeof node === 'string') return node;
  let out = '';
  const stack: HtmlNode[] = [node];
  while (stack.length > 0) {
    const n = stack.pop() as HtmlNode;
    if (typeof n === 'string') out += n;
    else if (n.tag === 'br') out += '\n';
    else for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i] as HtmlNode);
  }
  return out;
}
