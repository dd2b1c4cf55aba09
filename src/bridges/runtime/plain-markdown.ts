/**
 * Most chat lines are plain words. The Markdown parser (micromark under
 * mdast-util-from-markdown) sets itself up again on every call, which makes even a one-word
 * line cost a few hundred microseconds — the largest single step of a relayed line
 * (bench/relay-irc.ts). A line that holds no character Markdown could read as syntax parses to
 * one paragraph of itself, so it skips the parser; anything else takes the full parse.
 */
import type { RichText } from '../format/index.js';

/**
 * One line of letters, digits, single spaces and punctuation that is never Markdown syntax
 * mid-line, starting with a letter (so no list, heading, quote or thematic-break marker) and
 * ending without a space. Left out on purpose: `\ * _ ~ | @ # & < > [ ] ! : \``, tabs, newlines
 * and any two spaces in a row (each can mean markup, an entity, a mention or a line break).
 */
const PLAIN = /^\p{L}(?:[\p{L}\p{N}.,;?'"()/%+=-]| (?! ))*$/u;

/** The parse of `markdown` when it is plain text (see above), else undefined. */
export function plainMarkdown(markdown: string): RichText | undefined {
  if (markdown.length > 2_000 || !PLAIN.test(markdown) || markdown.endsWith(' ')) return undefined;
  return { blocks: [{ type: 'paragraph', children: [{ type: 'text', text: markdown }] }] };
}
