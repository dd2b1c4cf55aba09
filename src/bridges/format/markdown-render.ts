/**
 * Rich text -> canonical Markdown, escaping text so that parseMarkdown reads back the same tree.
 * Newlines are line breaks (the same chat convention as the parser).
 */
import { italicMarker, joinWithNeighbours, wrapTrimmed } from './emphasis.js';
import type { Block, Inline, ListNode, RichText } from './model.js';
import type { FormatOptions } from './types.js';

/** Renders rich text as canonical Markdown. */
export function renderMarkdown(text: RichText, options: FormatOptions = {}): string {
  return blocks(text.blocks, options).join('\n\n');
}

function blocks(list: readonly Block[], options: FormatOptions): string[] {
  const out: string[] = [];
  let lastList: { ordered: boolean; alt: boolean } | undefined;
  for (const block of list) {
    if (block.type === 'list') {
      // Two adjacent lists with the same marker would merge into one: alternate the marker.
      const alt = lastList !== undefined && lastList.ordered === block.ordered && !lastList.alt;
      out.push(renderList(block, alt, options));
      lastList = { ordered: block.ordered, alt };
      continue;
    }
    lastList = undefined;
    out.push(renderBlock(block, options));
  }
  return out;
}

function renderBlock(block: Exclude<Block, ListNode>, options: FormatOptions): string {
  switch (block.type) {
    case 'paragraph': {
      const lines = inlines(block.children, options)
        .split('\n')
        .map((line) => escapeLineStart(line.trim()));
      // A blank line would end the paragraph: an empty line inside it is a lone hard-break `\`.
      while (lines[0] === '') lines.shift();
      while (lines.at(-1) === '') lines.pop();
      return lines.map((line) => (line === '' ? '\\' : line)).join('\n');
    }
    case 'codeBlock': {
      const lang = block.lang !== undefined && /^\S+$/.test(block.lang) ? block.lang : '';
      // A backtick fence cannot carry a language containing a backtick; a tilde fence can.
      const mark = lang.includes('`') ? '~' : '`';
      const fence = mark.repeat(Math.max(3, longestRun(block.text, mark) + 1));
      return `${fence}${lang}\n${block.text === '' ? '' : `${block.text}\n`}${fence}`;
    }
    case 'quote': {
      const inner = blocks(block.children, options).join('\n\n');
      return inner
        .split('\n')
        .map((line) => (line === '' ? '>' : `> ${line}`))
        .join('\n');
    }
  }
}

function renderList(list: ListNode, alt: boolean, options: FormatOptions): string {
  const start = list.start ?? 1;
  const tight = list.items.every((item) => item.length <= 1);
  return list.items
    .map((item, i) => {
      const marker = list.ordered ? `${start + i}${alt ? ')' : '.'}` : alt ? '*' : '-';
      const pad = ' '.repeat(marker.length + 1);
      const lines = blocks(item, options).join('\n\n').split('\n');
      return lines
        .map((line, j) => (j === 0 ? `${marker} ${line}`.trimEnd() : line === '' ? '' : pad + line))
        .join('\n');
    })
    .join(tight ? '\n' : '\n\n');
}

/** Text at the start of a line that CommonMark would read as block syntax gets escaped. */
function escapeLineStart(line: string): string {
  if (/^(#{1,6}(\s|$)|[+-](\s|$)|=+\s*$|-+\s*$|>)/.test(line)) return `\\${line}`;
  return line.replace(/^(\d{1,9})([.)])(?=\s|$)/, '$1\\$2');
}

function inlines(nodes: readonly Inline[], options: FormatOptions): string {
  return joinWithNeighbours(
    nodes.length,
    (i) => {
      const node = nodes[i];
      return node === undefined || node.type === 'italic' ? undefined : inline(node, options);
    },
    (i, before, after) => {
      const node = nodes[i];
      if (node?.type !== 'italic') return '';
      return wrapTrimmed(inlines(node.children, options), italicMarker(before, after));
    },
  );
}

function inline(node: Exclude<Inline, { type: 'italic' }>, options: FormatOptions): string {
  switch (node.type) {
    case 'text':
      return escapeText(node.text);
    case 'lineBreak':
      return '\n';
    case 'bold':
      return wrapTrimmed(inlines(node.children, options), '**');
    case 'strike':
      return wrapTrimmed(inlines(node.children, options), '~~');
    case 'spoiler':
      return `||${inlines(node.children, options)}||`;
    case 'code':
      return codeSpan(node.text);
    case 'mention':
      return `@${options.resolver?.toNetwork(node.user) ?? node.user.name}`;
    case 'link': {
      const only = node.children.length === 1 ? node.children[0] : undefined;
      if (
        only?.type === 'text' &&
        only.text === node.href &&
        /^[a-z][a-z0-9+.-]{1,31}:[^\s<>`\\]*$/i.test(node.href)
      ) {
        return `<${node.href}>`;
      }
      return `[${inlines(node.children, options)}](${destination(node.href)})`;
    }
  }
}

function destination(href: string): string {
  if (/^[^\s<>()\\\p{Cc}]*$/u.test(href)) return href;
  return `<${href.replace(/[<>\\]/g, (c) => `\\${c}`).replace(/[\r\n]/g, (c) => encodeURIComponent(c))}>`;
}

function codeSpan(text: string): string {
  const flat = text.replace(/\r?\n/g, ' ');
  if (flat === '') return '';
  const fence = '`'.repeat(longestRun(flat, '`') + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') || /^ .*[^ ].* $/s.test(flat) ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/** Escapes what CommonMark (with strike and spoilers) would read as markup inside text. */
export function escapeText(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i] ?? '';
    const prev = text[i - 1] ?? '';
    const next = text[i + 1] ?? '';
    if ('\\`*[]<~'.includes(c)) out += `\\${c}`;
    else if (c === '_' && !(/[\p{L}\p{N}]/u.test(prev) && /[\p{L}\p{N}]/u.test(next))) out += '\\_';
    // A lone pipe inside text is harmless; one that could pair into `||` is escaped.
    else if (c === '|' && (prev === '|' || next === '|' || i === 0 || i === text.length - 1))
      out += '\\|';
    else if (c === '&' && /^&(#?[a-z0-9]+);/i.test(text.slice(i))) out += '\\&';
    else if (c === '!' && next === '[') out += '\\!';
    else if (c === '\n') out += '\n';
    else out += c;
  }
  return out;
}

function longestRun(text: string, ch: string): number {
  let best = 0;
  let run = 0;
  for (const c of text) {
    run = c === ch ? run + 1 : 0;
    best = Math.max(best, run);
  }
  return best;
}
