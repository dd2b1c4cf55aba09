/**
 * An inbound topic change → the core's `setTopic`. Who may change it: channelLogic lets only a
 * channel admin replace the channel, so the change is made as the bridged person when they are
 * admin of the channel, else as the gateway's own profile when the gateway is (it is admin of
 * the channels it created for links), else it is not carried (logged, counted `not_admin`).
 * The network already allowed the person to change its topic; the gateway does not ask again.
 *
 * Loop safety: the echo of a topic the gateway set at that target is dropped (runtime/topics.ts),
 * a topic the channel already has changes nothing, and the fan-out of the resulting change
 * skips the target it came from.
 */
import { IntentRejectedError } from '../../core/errors.js';
import type { UserId } from '../../core/types.js';
import type { InboundTopic } from '../types.js';
import type { RuntimeContext } from './context.js';
import { notCarried } from './not-carried.js';
import { GATEWAY_ORIGIN } from './links.js';
import { ensureUser } from './people.js';
import type { Resolved } from './resolve.js';
import { topicMemory } from './topics.js';

export async function handleTopic(
  ctx: RuntimeContext,
  r: Resolved,
  event: InboundTopic,
): Promise<void> {
  const where = { network: r.network, targetKey: r.link.targetKey };
  const channel = r.link.channel;
  if (topicMemory(ctx).reported(where, event.topic)) return; // our own change, echoed
  if ((ctx.node.getChannel(channel)?.topic ?? '') === event.topic) return;
  // Someone the gateway never saw has no profile, so no role in the channel: no profile is
  // made just for a topic change (Discord names no changer at all; see docs).
  const known = r.found.identities.get(event.sender.externalId);
  const person = known ? await ensureUser(ctx, r.network, event.sender, known) : undefined;
  const actor = await actorFor(ctx, channel, person?.id);
  if (!actor) return notCarried(ctx, r, event, 'not_admin');
  const note = { kind: 'topic', channel, topic: event.topic } as const;
  const unnote = ctx.origins.note(note, where);
  try {
    await ctx.node.submit(actor, { kind: 'setTopic', channel, topic: event.topic });
  } catch (error) {
    if (!(error instanceof IntentRejectedError)) throw error;
    ctx.logger.warn(
      { network: r.network, channel, rule: error.rule, reason: error.message },
      'topic change not bridged: refused by the core',
    );
    notCarried(ctx, r, event, 'failed');
  } finally {
    unnote();
  }
}

/** The person when they are admin of the channel, else the gateway when it is, else none. */
async function actorFor(
  ctx: RuntimeContext,
  channel: Resolved['link']['channel'],
  person: UserId | undefined,
): Promise<UserId | undefined> {
  if (person && ctx.node.roleOf(channel, person) === 'admin') return person;
  const gateway = await ctx.node.ensureBridgedUser(GATEWAY_ORIGIN, { username: 'gateway' });
  if (ctx.node.roleOf(channel, gateway.id) === 'admin') return gateway.id;
  ctx.logger.warn(
    { channel },
    'topic change not bridged: neither the person nor the gateway profile is admin of this channel',
  );
  return undefined;
}
