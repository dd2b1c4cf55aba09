/**
 * Text conversion with mentions, between Multichat Markdown and an adapter's markup. The format
 * converters are synchronous, while the people a text mentions live in the (asynchronous)
 * mapping store. Outbound, the render runs twice: once to learn which mentions occur, then,
 * after looking them up, for real. Inbound, the network text is parsed once before the router's
 * single lookup, which resolves the mentions together with everything else.
 */
import type { MultichatNode, UserId } from '../../core/types.js';
import type { MappingStore, NetworkName } from '../../mapping/types.js';
import { converterFor } from '../format/index.js';
import type { Markup, MentionResolver, MentionUser, RichText } from '../format/index.js';

interface Deps {
  readonly node: MultichatNode;
  readonly store: MappingStore;
}

/** Markdown → `markup`; mentioned people become their identity on `network` where they have one. */
export async function renderForNetwork(
  deps: Deps,
  markdown: string,
  markup: Markup,
  network: NetworkName,
): Promise<{ text: string; rich: RichText }> {
  const reading: MentionResolver = {
    toUser: (name) => {
      const user = deps.node.findUserByName(name);
      return user ? { id: user.id, name: user.username } : undefined;
    },
    toNetwork: () => undefined,
  };
  const rich = converterFor('markdown').parse(markdown, { resolver: reading });
  const target = converterFor(markup);
  const wanted = new Set<string>();
  target.render(rich, {
    resolver: { toUser: () => undefined, toNetwork: (u) => void wanted.add(u.id) },
  });
  const external = new Map<string, string>();
  for (const id of wanted) {
    const [identity] = await deps.store.identities.listByUser(id as UserId, network);
    if (identity) external.set(id, identity.externalId);
  }
  const writing: MentionResolver = {
    toUser: () => undefined,
    toNetwork: (u) => external.get(u.id),
  };
  return { text: target.render(rich, { resolver: writing }), rich };
}

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
}

/** Parses `text` of `markup` once, collecting the network mentions to look up. */
export function parseNetworkText(text: string, markup: Markup): ParsedText {
  const asked = new Set<string>();
  const rich = converterFor(markup).parse(text, {
    resolver: {
      toUser: (m) => (asked.add(m), { id: m, name: m }),
      toNetwork: () => undefined,
    },
  });
  return { text, markup, rich, mentions: [...asked] };
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
  return markdown.render(converterFor(parsed.markup).parse(parsed.text, { resolver: reading }));
}
