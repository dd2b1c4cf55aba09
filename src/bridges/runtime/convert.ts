/**
 * Text conversion with mentions, between Multichat Markdown and an adapter's markup. The format
 * converters are synchronous, while the people a text mentions live in the (asynchronous)
 * mapping store. Inbound, the network text is parsed once before the router's single lookup,
 * which resolves the mentions together with everything else. Outbound: `mentions-out.ts`.
 */
import { converterFor } from '../format/index.js';
import type { Markup, MentionResolver, MentionUser, RichText } from '../format/index.js';

export { renderForNetwork } from './mentions-out.js';

/**
 * A network text parsed once, before the router looks anything up: every network mention the
 * converter asked about became a provisional mention (id and name = the network mention), so
 * the parse is final whenever each of them turns out to be a bridged person (the usual case,
 * and trivially so without mentions).
 */
export interface ParsedText {
  readonly text: string;
  readonly markup: Markup;
  readonly rich: RichText;
  /** The network mentions the converter asked about, in order of appearance. */
  readonly mentions: readonly string[];
  /** Bare-word mentions the adapter named (IRC channel nicks), passed to every parse. */
  readonly hints: readonly string[];
}

/**
 * Parses `text` of `markup` once, collecting the network mentions to look up. `hints` are the
 * adapter's `InboundMessage.mentions` (only the IRC parser reads them, as nicks in the text).
 */
export function parseNetworkText(
  text: string,
  markup: Markup,
  hints: readonly string[] = [],
): ParsedText {
  const asked = new Set<string>();
  const rich = converterFor(markup).parse(text, {
    resolver: {
      toUser: (m) => (asked.add(m), { id: m, name: m }),
      toNetwork: () => undefined,
    },
    mentionHints: hints,
  });
  return { text, markup, rich, mentions: [...asked], hints };
}

/**
 * The Markdown of a parsed network text; `users` are the mentions that denote bridged people.
 * When every mention is known, the provisional mentions are only renamed at render. A mention
 * of nobody known degrades to the converter's own text for it, which only a parse without that
 * mention yields: then (and only then) the text is parsed again, with no store call.
 */
export function networkTextToMarkdown(
  parsed: ParsedText,
  users: ReadonlyMap<string, MentionUser>,
): string {
  const markdown = converterFor('markdown');
  if (parsed.mentions.every((m) => users.has(m))) {
    return markdown.render(parsed.rich, {
      resolver: { toUser: () => undefined, toNetwork: (u) => users.get(u.id)?.name },
    });
  }
  const reading: MentionResolver = { toUser: (m) => users.get(m), toNetwork: () => undefined };
  const reparsed = converterFor(parsed.markup).parse(parsed.text, {
    resolver: reading,
    mentionHints: parsed.hints,
  });
  return markdown.render(reparsed);
}
