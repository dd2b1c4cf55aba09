/**
 * Canonical Markdown (CommonMark + `~~strike~~` + `||spoiler||`, API.md) -> rich text. The
 * CommonMark part is done by micromark via mdast-util-from-markdown; spoilers and `@name`
 * mentions are found afterwards on the text nodes.
 *
 * Chat convention: a newline inside a paragraph is a line break (CommonMark would make it a
 * space), as people typing a message expect. Headings become bold paragraphs; a thematic break
 * becomes the text `---`.
 */
import type { Nodes, PhrasingContent, RootContent } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmStrikethroughFromMarkdown } from 'mdast-util-gfm-strikethrough';
import { gfmStrikethrough } from 'micromark-extension-gfm-strikethrough';
import {
  MAX_DEPTH,
  linkMentions,
  mentionPattern,
  trimBreaks,
  mapText,
  pairSpoilers,
  plainBlocks,
  tidy,
  trimLineEdges,
  withLineBreaks,
} from './inline.js';
import { limitContainerNesting, overBudget } from './markdown-guard.js';
import type { Block, Inline, RichText } from './model.js';
import type { FormatOptions } from './types.js';

/**
 * Stands for an escaped pipe (`\|`) while micromark runs, because micromark unescapes it and
 * the spoiler pass would then take it for a delimiter. U+2E3B THREE-EM DASH: punctuation like
 * `|`, so emphasis next to it flanks the same, and all but unused in chat; when the input holds
 * it, the substitution is skipped.
 */
const ESCAPED_PIPE = '\u2E3B';

/** Parses canonical Markdown. Never throws: input micromark cannot handle becomes plain paragraphs. */
export function parseMarkdown(markdown: string, options: FormatOptions = {}): RichText {
  const protect = !markdown.includes(ESCAPED_PIPE);
  const escaped = protect
    ? markdown.replace(/\\([\s\S])/g, (all, c: string) => (c === '|' ? ESCAPED_PIPE : all))
    : markdown;
  const source = limitContainerNesting(escaped);
  let root;
  try {
    root = fromMarkdown(source, {
      extensions: [gfmStrikethrough(), { disable: { null: overBudget(source) } }],
      mdastExtensions: [gfmStrikethroughFromMarkdown()],
    });
  } catch {
    // Pathological input (e.g. nesting deeper than the JS stack): keep the words, drop the markup.
    return { blocks: plainBlocks(markdown) };
  }
  const definitions = new Map<string, string>();
  for (const node of root.children) {
    if (node.type === 'definition') definitions.set(node.identifier, node.url);
  }
  const ctx: Ctx = {
    options,
    definitions,
    protect,
    mentions: mentionPattern(options.mentionNames),
  };
  return { blocks: blocksOf(root.children, ctx, 0) };
}

interface Ctx {
  readonly options: FormatOptions;
  /** How `@name` mentions are found (./inline.ts mentionPattern). */
  readonly mentions: RegExp;
  readonly definitions: ReadonlyMap<string, string>;
  readonly protect: boolean;
}

function restorePipes(text: string, ctx: Ctx, as: string): string {
  return ctx.protect ? text.replaceAll(ESCAPED_PIPE, as) : text;
}

function blocksOf(nodes: readonly RootContent[], ctx: Ctx, depth: number): Block[] {
  const out: Block[] = [];
  for (const node of nodes) {
    const block = blockOf(node, ctx, depth);
    // An empty heading or paragraph renders to nothing: not kept, so parse∘render is stable.
    if (block?.type === 'paragraph') {
      const children = trimLineEdges(trimBreaks(block.children));
      if (children.length > 0) out.push({ type: 'paragraph', children });
    } else if (block !== undefined) {
      out.push(block);
    }
  }
  return out;
}

function blockOf(node: RootContent, ctx: Ctx, depth: number): Block | undefined {
  if (depth > MAX_DEPTH) {
    return { type: 'paragraph', children: literal(textOf(node), ctx) };
  }
  switch (node.type) {
    case 'paragraph':
      return { type: 'paragraph', children: phrasing(node.children, ctx, depth) };
    case 'heading':
      return {
        type: 'paragraph',
        children: tidy([
          { type: 'bold', children: trimLineEdges(phrasing(node.children, ctx, depth)) },
        ]),
      };
    case 'blockquote':
      return { type: 'quote', children: blocksOf(node.children, ctx, depth + 1) };
    case 'list': {
      const ordered = node.ordered === true;
      const items = node.children.map((item) => blocksOf(item.children, ctx, depth + 1));
      const start = node.start ?? 1;
      return ordered && start !== 1
        ? { type: 'list', ordered, start, items }
        : { type: 'list', ordered, items };
    }
    case 'code': {
      const text = restorePipes(node.value, ctx, '\\|');
      return node.lang ? { type: 'codeBlock', lang: node.lang, text } : { type: 'codeBlock', text };
    }
    case 'html':
      // Raw HTML is shown as the text it is, never interpreted.
      return { type: 'paragraph', children: literal(node.value, ctx) };
    case 'thematicBreak':
      return { type: 'paragraph', children: [{ type: 'text', text: '---' }] };
    case 'definition':
      return undefined;
    default:
      return { type: 'paragraph', children: literal(textOf(node), ctx) };
  }
}

/**
 * Text shown as it is (raw HTML, flattened deep nesting): still read for spoilers and mentions,
 * as the renderer writes it back as escaped text that is.
 */
function literal(text: string, ctx: Ctx): Inline[] {
  return phrasingOf(withLineBreaks(text), ctx);
}

/** Inline children of one paragraph-like node, with spoilers and mentions resolved. */
function phrasing(nodes: readonly PhrasingContent[], ctx: Ctx, depth: number): Inline[] {
  return phrasingOf(
    nodes.flatMap((n) => inlineOf(n, ctx, depth + 1)),
    ctx,
  );
}

function phrasingOf(raw: Inline[], ctx: Ctx): Inline[] {
  const paired = pairSpoilers(raw);
  const mentioned = linkMentions(paired, ctx.options.resolver, ctx.mentions);
  return tidy(ctx.protect ? mapText(mentioned, (t) => t.replaceAll(ESCAPED_PIPE, '|')) : mentioned);
}

function inlineOf(node: PhrasingContent, ctx: Ctx, depth: number): Inline[] {
  if (depth > MAX_DEPTH) return withLineBreaks(textOf(node));
  const inner = (children: readonly PhrasingContent[]): Inline[] =>
    children.flatMap((c) => inlineOf(c, ctx, depth + 1));
  switch (node.type) {
    case 'text':
      return withLineBreaks(node.value);
    case 'emphasis':
      return [{ type: 'italic', children: inner(node.children) }];
    case 'strong':
      return [{ type: 'bold', children: inner(node.children) }];
    case 'delete':
      return [{ type: 'strike', children: inner(node.children) }];
    case 'inlineCode':
      // CommonMark reads a line ending in a code span as a space.
      return [{ type: 'code', text: restorePipes(node.value.replace(/\r?\n/g, ' '), ctx, '\\|') }];
    case 'break':
      return [{ type: 'lineBreak' }];
    case 'link':
      return [
        { type: 'link', href: restorePipes(node.url, ctx, '|'), children: inner(node.children) },
      ];
    case 'image':
      return [
        {
          type: 'link',
          href: restorePipes(node.url, ctx, '|'),
          children: [{ type: 'text', text: node.alt || node.url }],
        },
      ];
    case 'linkReference': {
      const href = ctx.definitions.get(node.identifier);
      const children = inner(node.children);
      return href === undefined ? children : [{ type: 'link', href, children }];
    }
    case 'imageReference': {
      const href = ctx.definitions.get(node.identifier);
      const alt: Inline = { type: 'text', text: node.alt ?? '' };
      return href === undefined ? [alt] : [{ type: 'link', href, children: [alt] }];
    }
    case 'html':
      return withLineBreaks(node.value);
    default:
      return withLineBreaks(textOf(node));
  }
}

/** All literal text under a node; iterative because it runs exactly where nesting is too deep. */
function textOf(root: Nodes): string {
  let out = '';
  const stack: Nodes[] = [root];
  while (stack.length > 0) {
    const node = stack.pop() as Nodes;
    if ('value' in node) out += node.value;
    else if ('children' in node) {
      const children = node.children as Nodes[];
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i] as Nodes);
    }
  }
  return out;
}
