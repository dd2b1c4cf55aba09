/**
 * The `message` handler: a resolved inbound message becomes a sendMessage intent of its bridged
 * sender, its files stored as blobs first (runtime/media-in.ts), the people it mentions listed
 * by id (runtime/mentions-in.ts). Reply and thread ids, the sender's identity and the mentioned people come from the
 * resolve step's single lookup; the text was parsed once there. After the core took it, the
 * external id is mapped to the new message (the second and last mapping-store round trip, on
 * the next turn: runtime/inbound-mapping.ts).
 */
import type { Intent } from '../../core/types.js';
import { span } from '../../core/spans.js';
import type { InboundMessage } from '../types.js';
import type { RuntimeContext } from './context.js';
import { networkTextToMarkdown } from './convert.js';
import { notCarried } from './not-carried.js';
import { putInboundMapping, putInboundMappingNextTurn } from './inbound-mapping.js';
import { storeInboundFiles } from './media-in.js';
import { mentionIds } from './mentions-in.js';
import { ensureMember, ensureUser } from './people.js';
import { encodeMessageOrigin } from './plan.js';
import { mentionedUsers, type Resolved } from './resolve.js';

export async function handleMessage(
  ctx: RuntimeContext,
  r: Resolved,
  event: InboundMessage,
): Promise<void> {
  const { network, link, found } = r;
  // A backfilled message keeps its original time the way an import does (a marked claim, never
  // after now); the fan-out is told it is backfill, so the other links still get it.
  const at = event.historyTime;
  const dated = at !== undefined && Number.isFinite(at);
  if (dated && (await remapStoredBeforeCrash(ctx, r, event))) return;
  const sender = event.sender;
  const user = await ensureUser(
    ctx,
    network,
    sender,
    found.identities.get(sender.externalId) ?? null,
  );
  if (!(await ensureMember(ctx, link, user.id))) return notCarried(ctx, r, event, 'banned');
  const users = mentionedUsers(
    ctx,
    r,
    { externalId: sender.externalId, user: { id: user.id, name: user.username } },
    event.mentions,
  );
  const mentions = mentionIds(ctx, r.parsed, users, event.mentions);
  let text = r.parsed ? networkTextToMarkdown(r.parsed, users) : '';
  const files =
    event.attachments && event.attachments.length > 0
      ? await storeInboundFiles(ctx, { network, targetKey: link.targetKey }, event.attachments)
      : undefined;
  // Files not carried become lines of the text; a message of stored files only has no text.
  if (files && files.lines.length > 0) text = [text, ...files.lines].filter(Boolean).join('\n');
  const replyTo = event.replyTo && found.messages.get(event.replyTo)?.messageId;
  const threadRoot = event.threadRoot && found.messages.get(event.threadRoot)?.messageId;
  const externalId = encodeMessageOrigin(link.targetKey, event.externalId);
  const intent: Intent = {
    kind: 'sendMessage',
    channel: link.channel,
    text,
    // An emote stays one (the core's flag): each network shows it its own way.
    ...(event.isEmote && { emote: true }),
    origin: { network, externalId, ...(dated && { imported: true as const }) },
    ...(dated && { createdAt: Math.min(Math.max(0, Math.floor(at)), ctx.now()) }),
    ...(replyTo && { replyTo }),
    ...(threadRoot && { threadRoot }),
    ...(files && files.attachments.length > 0 && { attachments: files.attachments }),
    ...(mentions.length > 0 && { mentions }),
  };
  span('in.submit');
  const unnote = dated ? ctx.origins.noteBackfill(externalId) : undefined;
  const result = await ctx.node.submit(user.id, intent).finally(() => unnote?.());
  span('in.submitted');
  if (!result.created) return;
  // Written on the next turn, after the relay's send (runtime/inbound-mapping.ts says why that
  // loses nothing). The core has the message now: only this write is tried again while the
  // store is down (the same mapping twice is a no-op), never the submit, and the target's
  // later events wait for it.
  await putInboundMappingNextTurn(ctx, r, event, result.created);
  span('in.mapped');
}

/**
 * A re-read message the core already has (stored just before a crash, its mapping never
 * written: runtime/unmapped-tail.ts) gets its mapping back instead of a second copy.
 */
async function remapStoredBeforeCrash(
  ctx: RuntimeContext,
  r: Resolved,
  event: InboundMessage,
): Promise<boolean> {
  const { network, link } = r;
  const stored = ctx.unmappedTail?.find(link.channel, network, link.targetKey, event.externalId);
  if (!stored) return false;
  await putInboundMapping(ctx, r, event, stored);
  ctx.logger.warn(
    { network, target: link.targetKey, externalId: event.externalId, message: stored },
    'a re-read message was stored before a crash without its mapping: mapping restored, not stored again',
  );
  return true;
}
