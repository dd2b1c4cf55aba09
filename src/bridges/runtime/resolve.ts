/**
 * The resolve step of an inbound event at a target: everything the handlers need from the
 * mapping store in ONE round trip (`MappingStore.lookupInbound`): the link, the message
 * mappings of the external ids the event names (its own for the loop guard, a reply's, a
 * thread root's, an edited or reacted-to message's), the identities of the sender and of the
 * people the text mentions, and whether our outbox issued the event's echo key. The text is
 * parsed once beforehand, so its mentions ride along in the same lookup. Events from unlinked
 * places and our own echoes end here (undefined).
 */
import type { UserId } from '../../core/types.js';
import type {
  ExternalMessageId,
  InboundLookup,
  InboundLookupQuery,
  Link,
  NetworkName,
  TargetKey,
} from '../../mapping/types.js';
import type { MentionUser } from '../format/index.js';
import type { InboundEvent } from '../types.js';
import type { RuntimeContext } from './context.js';
import { parseNetworkText, type ParsedText } from './convert.js';
import { lookupVerdict, selfVerdict, type Verdict } from './loop-guard.js';
import { untilStored } from './store-wait.js';

/**
 * The events that happen at a target and go into the log (all but profile and presence, and
 * typing, which is ephemeral: runtime/typing.ts).
 */
export type TargetedEvent = Exclude<
  Extract<InboundEvent, { readonly target: unknown }>,
  { readonly kind: 'typing' }
>;

export interface Resolved {
  readonly network: NetworkName;
  readonly link: Link;
  readonly found: InboundLookup;
  /** The event's text parsed once (messages and edits). */
  readonly parsed?: ParsedText;
}

export type InFlight = (network: string, targetKey: TargetKey) => Promise<void> | undefined;

export async function resolveInbound(
  ctx: RuntimeContext,
  inFlight: InFlight,
  network: NetworkName,
  targetKey: TargetKey,
  event: TargetedEvent,
): Promise<Resolved | undefined> {
  const self = selfVerdict(event);
  if (self.drop) return dropped(ctx, network, event, self);
  // Mentions the adapter knew beyond the markup (m.mentions, IRC channel nicks in the text).
  const extra = event.kind === 'message' ? (event.mentions ?? []) : [];
  const parsed =
    event.kind === 'message' || event.kind === 'edit'
      ? parseNetworkText(event.text, markupOf(ctx, network), extra)
      : undefined;
  const query: InboundLookupQuery = {
    network,
    targetKey,
    externalIds: externalIdsOf(event),
    people: [
      ...(event.sender ? [event.sender.externalId] : []),
      ...(parsed?.mentions ?? []),
      ...extra,
    ],
    ...(event.kind === 'message' &&
      event.echoKey !== undefined && { idempotencyKey: event.echoKey }),
  };
  // A read: tried again while the store is down, so the event waits instead of being lost.
  const found = await untilStored(ctx, 'inbound lookup', () =>
    lookup(ctx, query, event.kind === 'message' ? inFlight : undefined),
  );
  if (!found.link) {
    ctx.drops.drop(network, event.kind, 'unlinked', { direction: 'inbound', targetKey });
    return undefined;
  }
  const verdict = lookupVerdict(event, found);
  if (verdict.drop) return dropped(ctx, network, event, verdict);
  return { network, link: found.link, found, ...(parsed && { parsed }) };
}

/**
 * One lookup, after the target's in-flight send (if any) settled, so an echo of that send finds
 * its mapping. An echo carrying our key was never made to wait for the send: with a send in
 * flight, such an event is looked up first, and read again after the wait only when its key
 * turns out not to be ours (the rare path that costs a second round trip).
 */
async function lookup(
  ctx: RuntimeContext,
  query: InboundLookupQuery,
  inFlight: InFlight | undefined,
): Promise<InboundLookup> {
  const pending = query.targetKey && inFlight?.(query.network, query.targetKey);
  if (!pending) return ctx.store.lookupInbound(query);
  if (query.idempotencyKey !== undefined) {
    const first = await ctx.store.lookupInbound(query);
    if (!first.link || first.keyIssued) return first;
  }
  await pending.catch(() => undefined);
  return ctx.store.lookupInbound(query);
}

function externalIdsOf(event: TargetedEvent): ExternalMessageId[] {
  switch (event.kind) {
    case 'message':
      return [event.externalId, event.replyTo, event.threadRoot].filter(
        (id): id is ExternalMessageId => id !== undefined,
      );
    case 'edit':
    case 'delete':
    case 'reaction':
      return [event.externalId];
    default:
      return [];
  }
}

/**
 * The bridged people among a parsed text's mentions and the adapter's `extra` ones, by network
 * mention. An identity of any kind counts: a pill to one of our Matrix ghosts or the nick of
 * one of our IRC puppets is a mention of the person it stands for. `sender` covers a person
 * mentioning themself in their first message, whose identity the lookup could not know yet.
 */
export function mentionedUsers(
  ctx: RuntimeContext,
  resolved: Resolved,
  sender?: { readonly externalId: string; readonly user: MentionUser },
  extra: readonly string[] = [],
): Map<string, MentionUser> {
  const users = new Map<string, MentionUser>();
  for (const mention of new Set([...(resolved.parsed?.mentions ?? []), ...extra])) {
    if (mention === sender?.externalId) {
      users.set(mention, sender.user);
      continue;
    }
    const identity = resolved.found.identities.get(mention);
    const user = identity && ctx.node.getUser(identity.userId as UserId);
    if (user) users.set(mention, { id: user.id, name: user.username });
  }
  return users;
}

export function markupOf(ctx: RuntimeContext, network: string) {
  const slot = ctx.adapters.get(network);
  return slot ? slot.adapter.capabilities.markup : 'markdown';
}

function dropped(
  ctx: RuntimeContext,
  network: NetworkName,
  event: InboundEvent,
  verdict: Verdict,
): undefined {
  const reason = verdict.drop ? verdict.reason : '';
  ctx.logger.debug({ network, kind: event.kind, reason }, 'inbound dropped');
  return undefined;
}
