/**
 * Rich text -> Slack mrkdwn. Text is entity-escaped (`&`, `<`, `>` — all Slack asks for); spoilers
 * are rendered as their plain content because Slack has none; lists become `•`/`1.` lines.
 */
import { wrapTrimmed } from './emphasis.js';
import { listLines, quoteLines } from './text-blocks.js';
import type { Block, Inline, RichText } from './model.js';
import { inlines as plainInlines } from './plain.js';
import type { FormatOptions } from './types.js';

/** Renders rich text as Slack mrkdwn (`text` of chat.postMessage). */
export function renderSlack(text: RichText, options: FormatOptions = {}): string {
  return blocks(text.blocks, options);
}

function blocks(list: readonly Block[], options: FormatOptions): string {
  return list.map((b) => block(b, options)).join('\n\n');
}

function block(b: Block, options: FormatOptions): string {
  switch (b.type) {
    case 'paragraph':
      return inlines(b.children, options);
    case 'codeBlock':
      // Slack ignores a language after the fence and shows it as code, so it is not written.
      return `\`\`\`\n${escapeSlack(b.text)}\n\`\`\``;
    case 'quote':
      return quoteLines(blocks(b.children, options));
    case 'list':
      return listLines(
        b,
        b.items.map((item) => blocks(item, options)),
        '•',
      );
  }
}

function inlines(nodes: readonly Inline[], options: FormatOptions): string {
  return nodes.map((n) => inline(n, options)).join('');
}

function inline(n: Inline, options: FormatOptions): string {
  switch (n.type) {
    case 'text':
      return escapeSlack(n.text);
    case 'lineBreak':
      return '\n';
    case 'bold':
      return wrapTrimmed(inlines(n.children, options), '*');
    case 'italic':
      return wrapTrimmed(inlines(n.children, options), '_');
    case 'strike':
      return wrapTrimmed(inlines(n.children, options), '~');
    case 'spoiler':
      return inlines(n.children, options);
    case 'code':
      return n.text === '' ? '' : `\`${escapeSlack(n.text.replace(/\n/g, ' '))}\``;
    case 'mention': {
      const id = options.resolver?.toNetwork(n.user);
      return id !== undefined ? `<@${id}>` : escapeSlack(`@${n.user.name}`);
    }
    case 'link': {
      // A label is plain text in Slack; `|` and `>` cannot appear in it or in the address.
      const href = n.href.replace(/[|<> ]/g, (c) => encodeURIComponent(c)).replace(/&/g, '&amp;');
      const label = plainInlines(n.children, {}).replace(/\|/g, '¦');
      return label === n.href ? `<${href}>` : `<${href}|${escapeSlack(label)}>`;
    }
  }
}

/** Escapes the three characters Slack treats as control characters in mrkdwn. */
export function escapeSlack(text: string): string {
  return text.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
}
