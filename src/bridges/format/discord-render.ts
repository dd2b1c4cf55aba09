/**
 * Rich text -> Discord markdown. Plain text is escaped with backslashes (Discord honours `\` before
 * any punctuation) except inside bare URLs, which Discord links before reading markup. Mentions
 * become `<@id>`; `@everyone`/`@here` are left to the adapter's `allowed_mentions`.
 */
import { italicMarker, joinWithNeighbours, wrapTrimmed } from './emphasis.js';
import { listLines, quoteLines } from './text-blocks.js';
import type { Block, Inline, RichText } from './model.js';
import type { FormatOptions } from './types.js';

/** Renders rich text as Discord message content. */
export function renderDiscord(text: RichText, options: FormatOptions = {}): string {
  return blocks(text.blocks, options);
}

function blocks(list: readonly Block[], options: FormatOptions): string {
  return list.map((b) => block(b, options)).join('\n\n');
}

function block(b: Block, options: FormatOptions): string {
  switch (b.type) {
    case 'paragraph':
      return inlines(b.children, options, false)
        .split('\n')
        .map((line) => escapeLineStart(line))
        .join('\n');
    case 'codeBlock': {
      // Discord has no way to escape a fence inside a block: break it with a zero-width space.
      const body = b.text.replace(/```/g, '`\u200b``');
      const lang = b.lang !== undefined && /^[\w+#.-]+$/.test(b.lang) ? b.lang : '';
      return `\`\`\`${lang}\n${body}\n\`\`\``;
    }
    case 'quote':
      return quoteLines(blocks(b.children, options));
    case 'list':
      return listLines(
        b,
        b.items.map((item) => blocks(item, options)),
        '-',
      );
  }
}

function escapeLineStart(line: string): string {
  if (/^(#{1,3} |-# |>|[-*] )/.test(line)) return `\\${line}`;
  return line.replace(/^(\d{1,9})\. /, '$1\\. ');
}

/**
 * `nested`: the nodes are inside a wrapper whose closing marker follows them, so a bare URL at
 * their end would run into it.
 */
function inlines(nodes: readonly Inline[], options: FormatOptions, nested = true): string {
  return joinWithNeighbours(
    nodes.length,
    (i) => {
      const n = nodes[i];
      return n === undefined || n.type === 'italic'
        ? undefined
        : inline(n, options, nodes[i + 1], nested);
    },
    (i, before, after) => {
      const n = nodes[i];
      return n?.type === 'italic'
        ? wrapTrimmed(inlines(n.children, options), italicMarker(before, after))
        : '';
    },
  );
}

function inline(
  n: Exclude<Inline, { type: 'italic' }>,
  options: FormatOptions,
  next: Inline | undefined,
  nested: boolean,
): string {
  switch (n.type) {
    case 'text':
      return escapeDiscord(n.text);
    case 'lineBreak':
      return '\n';
    case 'bold':
      return wrapTrimmed(inlines(n.children, options), '**');
    case 'strike':
      return wrapTrimmed(inlines(n.children, options), '~~');
    case 'spoiler':
      return `||${inlines(n.children, options)}||`;
    case 'code': {
      const text = n.text.replace(/\n/g, ' ');
      if (text === '') return '';
      return text.includes('`') ? `\`\` ${text} \`\`` : `\`${text}\``;
    }
    case 'mention': {
      const id = options.resolver?.toNetwork(n.user);
      return id !== undefined ? `<@${id}>` : escapeDiscord(`@${n.user.name}`);
    }
    case 'link': {
      const label = inlines(n.children, options);
      const only = n.children.length === 1 ? n.children[0] : undefined;
      if (only?.type === 'text' && only.text === n.href) {
        // A bare URL, as a person would type it (Discord then shows its embed), unless what
        // follows would run into it.
        const ends =
          next === undefined
            ? !nested
            : next.type === 'lineBreak' || (next.type === 'text' && /^\s/.test(next.text));
        if (ends && BARE_URL.test(n.href)) return n.href;
        if (/^https?:\/\/[^\s>]+$/.test(n.href)) return `<${n.href}>`;
      }
      // Only an address Discord's link syntax can hold becomes a link; others read `label (url)`.
      if (!/^https?:\/\/[^\s()<>]+$/.test(n.href)) return `${label} (${n.href})`;
      return `[${label}](<${n.href}>)`;
    }
  }
}

const BARE_URL = /^https?:\/\/[^\s<>\\]*[^\s<>\\.,:;"')\]]$/;

/** The same URL shape as the parser's: a backslash ends it, so an escape after a URL stays one. */
const URL_IN_TEXT = /https?:\/\/[^\s<>\\]*[^\s<>\\.,:;"')\]]/g;

/** Escapes markup characters in plain text, leaving bare URLs intact. */
export function escapeDiscord(text: string): string {
  let out = '';
  let last = 0;
  for (const m of text.matchAll(URL_IN_TEXT)) {
    out += escapeChars(text.slice(last, m.index)) + m[0];
    last = m.index + m[0].length;
  }
  return out + escapeChars(text.slice(last));
}

function escapeChars(text: string): string {
  // `_` between two letters or digits cannot open or close italics in Discord: left as typed.
  return text.replace(/[\\*_~`|<[\]]/g, (c, i: number) =>
    c === '_' && WORD.test(text[i - 1] ?? '') && WORD.test(text[i + 1] ?? '') ? c : `\\${c}`,
  );
}

const WORD = /[\p{L}\p{N}]/u;
