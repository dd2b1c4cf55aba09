/**
 * IRC people are addressed by writing their nick as a plain word ("thanks ada"), which only the
 * adapter can tell from an ordinary word: it knows who is in the channel and names those nicks
 * as `mentionHints`. Such a word becomes a mention when the resolver knows the nick; every
 * other word stays text. Nicks compare case-insensitively in the RFC 1459 way.
 */
import { isContainer, tidy, withChildren } from './inline.js';
import type { Inline } from './model.js';
import type { FormatOptions } from './types.js';

/** RFC 1459 case folding: `[]\~` are the upper case of `{}|^`. */
export function foldNick(nick: string): string {
  return nick
    .toLowerCase()
    .replace(/[[\]\\~]/g, (c) => ({ '[': '{', ']': '}', '\\': '|', '~': '^' })[c] ?? c);
}

/** A nick-shaped word, not inside another word, an address or a URL. */
const WORD =
  /(?<![\w@/.:[\]\\`^{|}-])([A-Za-z[\]\\`_^{|}][\w[\]\\`^{|}-]*)(?![\w[\]\\`^{|}-]|@|\.\w)/gu;

export function hintedNicks(children: Inline[], options: FormatOptions): Inline[] {
  const resolver = options.resolver;
  if (resolver === undefined || !options.mentionHints?.length) return children;
  const hints = new Map(options.mentionHints.map((h) => [foldNick(h), h]));
  const walk = (nodes: readonly Inline[]): Inline[] =>
    nodes.flatMap((node): Inline[] => {
      if (node.type === 'text') return inText(node.text);
      if (isContainer(node) && node.type !== 'link')
        return [withChildren(node, walk(node.children))];
      return [node];
    });
  const inText = (text: string): Inline[] => {
    const out: Inline[] = [];
    let last = 0;
    for (const match of text.matchAll(WORD)) {
      const hint = hints.get(foldNick(match[1] ?? ''));
      const user = hint === undefined ? undefined : resolver.toUser(hint);
      if (user === undefined) continue;
      out.push({ type: 'text', text: text.slice(last, match.index) }, { type: 'mention', user });
      last = match.index + match[0].length;
    }
    out.push({ type: 'text', text: text.slice(last) });
    return out;
  };
  return tidy(walk(children));
}
