/**
 * Outbound mentions: Markdown → the target's markup, each mentioned person written as the
 * target's own mention of them. Who a `@name` span is comes from the message's `mentions` ids,
 * never from the display name alone: the k-th `@name` span is the k-th mentioned person of that
 * name, so two people of one name stay apart. A message without `mentions` (from before 0.4, or
 * a native client that left them out) counts a span as a mention only when exactly one person
 * has that name. Per person, on the target network: their native identity; else the ghost or
 * puppet the gateway made for them there; else the name in bold (docs/<network>.md).
 */
import type { MultichatNode, UserId } from '../../core/types.js';
import type { Identity, MappingStore, NetworkName } from '../../mapping/types.js';
import { converterFor, idResolver, mapMentions, mentionsOf } from '../format/index.js';
import type { Markup, MentionResolver, MentionUser, RichText } from '../format/index.js';
import { plainMarkdown } from './plain-markdown.js';

interface Deps {
  readonly node: MultichatNode;
  readonly store: MappingStore;
}

/**
 * Markdown → `markup` for `network`. `mentions` are the message's mention ids (undefined: the
 * message carries none, see above). One store read for all mentioned people.
 */
export async function renderForNetwork(
  deps: Deps,
  markdown: string,
  markup: Markup,
  network: NetworkName,
  mentions?: readonly UserId[],
): Promise<{ text: string; rich: RichText }> {
  // A plain line (no `@`, so no mention either) skips the parser (./plain-markdown.ts).
  const plain = plainMarkdown(markdown);
  if (plain)
    return { text: converterFor(markup).render(plain, { resolver: idResolver }), rich: plain };
  const reading = mentions ? byIds(deps.node, mentions) : byUniqueName(deps.node);
  // Names of the people mentioned by id are read whole, spaces included (`@Ada Lovelace`).
  const names = (mentions ?? []).flatMap((id) => deps.node.getUser(id)?.username ?? []);
  const parsed = converterFor('markdown').parse(markdown, {
    resolver: reading,
    mentionNames: names,
  });
  const ids = [...new Set(mentionsOf(parsed).map((u) => u.id as UserId))];
  const found = ids.length > 0 ? await deps.store.identities.listByUsers(ids, network) : [];
  const external = chooseIdentities(found);
  // Nobody of that id on the target: the documented fallback, the name in bold. A mention
  // kept carries the target's user id, so an adapter renders parts of `rich` itself (splitting
  // with the rich splitter) with `idResolver` and gets what `text` says.
  const rich = mapMentions(parsed, (n) => {
    const id = external.get(n.user.id);
    return id === undefined
      ? { type: 'bold', children: [{ type: 'text', text: n.user.name }] }
      : { ...n, user: { ...n.user, id } };
  });
  return { text: converterFor(markup).render(rich, { resolver: idResolver }), rich };
}

/** Per user: the native identity (oldest), else the newest ghost or puppet. */
export function chooseIdentities(found: readonly Identity[]): Map<string, string> {
  const best = new Map<string, Identity>();
  for (const identity of found) {
    const held = best.get(identity.userId);
    if (!held || rank(identity, held)) best.set(identity.userId, identity);
  }
  return new Map([...best].map(([user, identity]) => [user, identity.externalId]));
}

function rank(candidate: Identity, held: Identity): boolean {
  if (held.kind === 'native') return false;
  if (candidate.kind === 'native') return true;
  return candidate.updatedAt > held.updatedAt;
}

/** `@name` spans are the mentioned ids of that name, in order (the last one repeats). */
function byIds(node: MultichatNode, mentions: readonly UserId[]): MentionResolver {
  const queues = new Map<string, MentionUser[]>();
  for (const id of mentions) {
    const user = node.getUser(id);
    if (!user) continue;
    const key = user.username.normalize('NFC');
    queues.set(key, [...(queues.get(key) ?? []), { id: user.id, name: user.username }]);
  }
  return {
    toUser: (name) => {
      const queue = queues.get(name.normalize('NFC'));
      if (!queue || queue.length === 0) return undefined;
      return queue.length > 1 ? queue.shift() : queue[0];
    },
    toNetwork: () => undefined,
  };
}

/** Without ids: a name one person has is theirs; a name shared by several is nobody's. */
function byUniqueName(node: MultichatNode): MentionResolver {
  return {
    toUser: (name) => {
      const user = node.findUserByName(name);
      if (!user) return undefined;
      const same = (node.lookalikesOf([user.id]).get(user.id) ?? []).some(
        (other) => other.username.normalize('NFC') === user.username.normalize('NFC'),
      );
      return same ? undefined : { id: user.id, name: user.username };
    },
    toNetwork: () => undefined,
  };
}
