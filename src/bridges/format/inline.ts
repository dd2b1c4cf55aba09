/**
 * Helpers shared by the parsers: tidying inline lists, pairing `||spoiler||` delimiters across
 * sibling nodes, and turning `@name` text into mentions through a resolver.
 */
import type { Block, Inline, InlineContainer } from './model.js';
import type { MentionResolver } from './types.js';

/** Beyond this nesting depth parsers flatten content to text, so hostile input cannot blow the stack. */
export const MAX_DEPTH = 32;

/** `@name` where name is letters, digits, `_`, and inner `.`/`-`; not inside words or e-mail addresses. */
export const MENTION_PATTERN =
  /(?<![\p{L}\p{N}_@.])@([\p{L}\p{N}_](?:[\p{L}\p{N}_.-]*[\p{L}\p{N}_])?)/gu;

/**
 * MENTION_PATTERN, trying `names` first (longest first, so `@Ada Lovelace` is not read as
 * `@Ada`); a listed name must not run on into a word.
 */
export function mentionPattern(names: readonly string[] = []): RegExp {
  if (names.length === 0) return MENTION_PATTERN;
  const escaped = [...new Set(names)]
    .filter((n) => n !== '')
    .sort((a, b) => b.length - a.length)
    .map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const generic = MENTION_PATTERN.source.slice(MENTION_PATTERN.source.indexOf('@(') + 2, -1);
  return new RegExp(
    `(?<![\\p{L}\\p{N}_@.])@((?:${escaped.join('|')})(?![\\p{L}\\p{N}_])|${generic})`,
    'gu',
  );
}

export function isContainer(node: Inline): node is InlineContainer {
  return (
    node.type === 'bold' ||
    node.type === 'italic' ||
    node.type === 'strike' ||
    node.type === 'link' ||
    node.type === 'spoiler'
  );
}

/** Copy of a container with new children. */
export function withChildren(node: InlineContainer, children: readonly Inline[]): InlineContainer {
  return { ...node, children };
}

/**
 * Merges adjacent text nodes, drops empty text and empty wrappers, and lifts a wrapper out of one
 * of its own kind, so that two parses of the same meaning compare equal. A link without a label
 * gets its address as label.
 */
export function tidy(nodes: readonly Inline[]): Inline[] {
  const out: Inline[] = [];
  for (const node of nodes) {
    if (!isContainer(node)) {
      out.push(node);
      continue;
    }
    const inner = tidy(node.children);
    // Bold directly inside bold (and so on) means nothing more: its children are lifted.
    const children =
      node.type === 'link'
        ? inner
        : inner.flatMap((c) => (c.type === node.type ? (c as InlineContainer).children : [c]));
    if (children.length > 0) out.push(withChildren(node, mergeTexts(children)));
    else if (node.type === 'link')
      out.push({ ...node, children: [{ type: 'text', text: node.href }] });
  }
  return mergeTexts(out);
}

/** Merges adjacent text nodes and drops empty ones, one level only. */
function mergeTexts(nodes: readonly Inline[]): Inline[] {
  const out: Inline[] = [];
  for (const node of nodes) {
    if (node.type !== 'text') {
      out.push(node);
      continue;
    }
    if (node.text === '') continue;
    const last = out[out.length - 1];
    if (last?.type === 'text') out[out.length - 1] = { type: 'text', text: last.text + node.text };
    else out.push(node);
  }
  return out;
}

/**
 * Pairs `marker` delimiters found in the text nodes of one inline list (left to right, first
 * opens, next closes) and wraps what lies between in a spoiler. Delimiters inside nested
 * containers pair only among themselves, so crossing markup stays text.
 */
export function pairSpoilers(nodes: readonly Inline[], marker = '||'): Inline[] {
  const withNested = nodes.map((n) =>
    isContainer(n) ? withChildren(n, pairSpoilers(n.children, marker)) : n,
  );
  type Piece = Inline | 'delim';
  const pieces: Piece[] = [];
  for (const node of withNested) {
    if (node.type !== 'text' || !node.text.includes(marker)) {
      pieces.push(node);
      continue;
    }
    const parts = node.text.split(marker);
    parts.forEach((part, i) => {
      if (i > 0) pieces.push('delim');
      if (part !== '') pieces.push({ type: 'text', text: part });
    });
  }
  const out: Inline[] = [];
  let open: Inline[] | undefined;
  for (const piece of pieces) {
    if (piece !== 'delim') {
      (open ?? out).push(piece);
    } else if (open === undefined) {
      open = [];
    } else if (open.length === 0) {
      // `||||` is not an empty spoiler: keep the text and start over.
      out.push({ type: 'text', text: marker + marker });
      open = undefined;
    } else {
      out.push({ type: 'spoiler', children: open });
      open = undefined;
    }
  }
  if (open !== undefined) out.push({ type: 'text', text: marker }, ...open);
  return tidy(out);
}

/**
 * Replaces `@name` in text nodes (not in code or link labels) by a mention when the resolver knows
 * the name; unknown names stay text.
 */
export function linkMentions(
  nodes: readonly Inline[],
  resolver: MentionResolver | undefined,
  pattern: RegExp = MENTION_PATTERN,
): Inline[] {
  if (resolver === undefined) return [...nodes];
  const out: Inline[] = [];
  for (const node of nodes) {
    if (node.type === 'text') {
      out.push(...mentionsInText(node.text, resolver, pattern));
    } else if (isContainer(node) && node.type !== 'link') {
      out.push(withChildren(node, linkMentions(node.children, resolver, pattern)));
    } else {
      out.push(node);
    }
  }
  return tidy(out);
}

function mentionsInText(text: string, resolver: MentionResolver, pattern: RegExp): Inline[] {
  const out: Inline[] = [];
  let last = 0;
  for (const match of text.matchAll(new RegExp(pattern.source, 'gu'))) {
    const name = match[1] ?? '';
    const user = resolver.toUser(name);
    if (user === undefined) continue;
    out.push({ type: 'text', text: text.slice(last, match.index) }, { type: 'mention', user });
    last = match.index + match[0].length;
  }
  out.push({ type: 'text', text: text.slice(last) });
  return out;
}

/** Text of inline nodes with all formatting dropped (mentions as `@name`). */
export function inlineText(nodes: readonly Inline[]): string {
  let s = '';
  for (const n of nodes) {
    if (n.type === 'text' || n.type === 'code') s += n.text;
    else if (n.type === 'lineBreak') s += '\n';
    else if (n.type === 'mention') s += `@${n.user.name}`;
    else s += inlineText(n.children);
  }
  return s;
}

/** Paragraphs from a plain string: one per blank-line-separated chunk, newlines as line breaks. */
export function plainBlocks(text: string): Block[] {
  return text
    .split(/\n{2,}/)
    .filter((p) => p !== '')
    .map((p) => ({ type: 'paragraph', children: withLineBreaks(p) }));
}

/** Text with `\n` turned into lineBreak nodes. */
export function withLineBreaks(text: string): Inline[] {
  const out: Inline[] = [];
  text.split('\n').forEach((line, i) => {
    if (i > 0) out.push({ type: 'lineBreak' });
    if (line !== '') out.push({ type: 'text', text: line });
  });
  return out;
}

/** Replaces text nodes through `fn` everywhere except in code. */
export function mapText(nodes: readonly Inline[], fn: (text: string) => string): Inline[] {
  return nodes.map((n) => {
    if (n.type === 'text') return { type: 'text', text: fn(n.text) };
    if (isContainer(n)) return withChildren(n, mapText(n.children, fn));
    return n;
  });
}

/** http(s) URLs as people type them, without trailing punctuation. */
export const URL_PATTERN = /https?:\/\/[^\s<>]*[^\s<>.,:;"')\]]/g;

/** Turns bare URLs in text nodes into links labelled with the URL (for markups without link syntax). */
export function linkUrls(nodes: readonly Inline[]): Inline[] {
  const out: Inline[] = [];
  for (const node of nodes) {
    if (node.type !== 'text') {
      out.push(
        isContainer(node) && node.type !== 'link'
          ? withChildren(node, linkUrls(node.children))
          : node,
      );
      continue;
    }
    let last = 0;
    for (const m of node.text.matchAll(URL_PATTERN)) {
      out.push({ type: 'text', text: node.text.slice(last, m.index) });
      out.push({ type: 'link', href: m[0], children: [{ type: 'text', text: m[0] }] });
      last = m.index + m[0].length;
    }
    out.push({ type: 'text', text: node.text.slice(last) });
  }
  return tidy(out);
}

/** Drops line breaks at both ends of a paragraph: no markup can write them there. */
export function trimBreaks(nodes: readonly Inline[]): Inline[] {
  let start = 0;
  let end = nodes.length;
  while (start < end && nodes[start]?.type === 'lineBreak') start++;
  while (end > start && nodes[end - 1]?.type === 'lineBreak') end--;
  return nodes.slice(start, end);
}

/** Trims spaces at the start and end of every line of a paragraph (Markdown drops them too). */
export function trimLineEdges(nodes: readonly Inline[]): Inline[] {
  const out = [...nodes];
  out.forEach((node, i) => {
    if (node.type !== 'text') return;
    let text = node.text;
    const prev = out[i - 1];
    const next = out[i + 1];
    if (prev === undefined || prev.type === 'lineBreak') text = text.replace(/^[ \t]+/, '');
    if (next === undefined || next.type === 'lineBreak') text = text.replace(/[ \t]+$/, '');
    out[i] = { type: 'text', text };
  });
  return tidy(out);
}
