/**
 * Text conversion with mentions, between Multichat Markdown and an adapter's markup. The format
 * converters are synchronous, while the people a text mentions live in the (asynchronous)
 * mapping store, so each conversion runs twice: once to learn which mentions occur, then, after
 * looking them up, for real. Texts are short; the second pass is cheap.
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

/** `markup` from `network` → Markdown; network mentions of bridged people become `@username`. */
export async function parseFromNetwork(
  deps: Deps,
  text: string,
  markup: Markup,
  network: NetworkName,
): Promise<string> {
  const source = converterFor(markup);
  const asked = new Set<string>();
  source.parse(text, {
    resolver: { toUser: (m) => void asked.add(m), toNetwork: () => undefined },
  });
  const users = new Map<string, MentionUser>();
  for (const mention of asked) {
    const identity = await deps.store.identities.get(network, mention);
    const user = identity && deps.node.getUser(identity.userId);
    if (user) users.set(mention, { id: user.id, name: user.username });
  }
  const reading: MentionResolver = { toUser: (m) => users.get(m), toNetwork: () => undefined };
  return converterFor('markdown').render(source.parse(text, { resolver: reading }));
}
