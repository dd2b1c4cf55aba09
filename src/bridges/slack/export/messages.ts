/**
 * One exported Slack message → the history events it stands for, as the live adapter would emit
 * them: the message (its final text: the export holds a message as last edited), one reaction
 * event per person and emoji, and for `channel_join` the person's membership. A thread reply
 * names its root by `thread_ts`. Deleted messages (tombstones) are not history; a message with
 * neither text nor files is left out by the importer (counted failed with its reason).
 */
import type {
  ExternalMessageId,
  ExternalSender,
  ExternalUserId,
  InboundAttachment,
  InboundJoin,
  InboundMessage,
  InboundReaction,
  InboundTopic,
  LinkTarget,
} from '../../types.js';
import { reactionFromSlack, shortcodesToUnicode } from '../emoji.js';

/** How an exported file becomes an attachment (the Slack file reader when Slack is set up). */
export type FileMapper = (file: RawFile) => InboundAttachment;

export interface RawFile {
  readonly id: string;
  readonly name?: string;
  readonly title?: string;
  readonly mimetype?: string;
  readonly size?: number;
  readonly url_private?: string;
  readonly url_private_download?: string;
  readonly permalink?: string;
  readonly mode?: string;
}

/** What the importer takes (runtime/import.ts `ImportEvent`, structurally). */
export interface HistoryItem {
  readonly at: number;
  readonly event: InboundMessage | InboundReaction | InboundJoin | InboundTopic;
}

export interface RawMessage {
  readonly type?: string;
  readonly subtype?: string;
  readonly ts: string;
  readonly user?: string;
  readonly bot_id?: string;
  readonly username?: string;
  readonly user_profile?: { display_name?: string; real_name?: string };
  readonly text?: string;
  readonly thread_ts?: string;
  readonly files?: readonly RawFile[];
  readonly reactions?: readonly { name: string; users?: readonly string[] }[];
}

interface Where {
  readonly target: LinkTarget;
  readonly users: ReadonlyMap<string, ExternalSender>;
  readonly files: (file: RawFile) => InboundAttachment;
}

/** Subtypes that are no message of anybody's. */
const NOT_HISTORY = new Set(['tombstone', 'message_deleted', 'joiner_notification_for_inviter']);

export function* historyOf(raw: RawMessage, where: Where): Generator<HistoryItem> {
  if (typeof raw.ts !== 'string' || (raw.subtype && NOT_HISTORY.has(raw.subtype))) return;
  const at = Math.round(Number(raw.ts) * 1000);
  if (!Number.isFinite(at)) return;
  const sender = senderOf(raw, where.users);
  const { target } = where;
  if (raw.subtype === 'channel_join') {
    yield { at, event: { kind: 'join', target, sender } };
    return;
  }
  const threadRoot = raw.thread_ts && raw.thread_ts !== raw.ts ? raw.thread_ts : undefined;
  const files = (raw.files ?? []).filter((f) => f.mode !== 'tombstone').map(where.files);
  const message: InboundMessage = {
    kind: 'message',
    target,
    sender,
    externalId: raw.ts as ExternalMessageId,
    text: shortcodesToUnicode(raw.text ?? ''),
    ...(threadRoot && { threadRoot: threadRoot as ExternalMessageId }),
    ...(files.length > 0 && { attachments: files }),
  };
  yield { at, event: message };
  for (const reaction of raw.reactions ?? []) {
    for (const user of reaction.users ?? []) {
      const event: InboundReaction = {
        kind: 'reaction',
        target,
        sender: where.users.get(user) ?? { externalId: user as ExternalUserId, displayName: user },
        externalId: raw.ts as ExternalMessageId,
        emoji: reactionFromSlack(reaction.name),
        added: true,
      };
      yield { at, event };
    }
  }
}

function senderOf(raw: RawMessage, users: ReadonlyMap<string, ExternalSender>): ExternalSender {
  const id = raw.user ?? raw.bot_id ?? 'unknown';
  const known = users.get(id);
  if (known) return known;
  const name = raw.user_profile?.display_name || raw.user_profile?.real_name || raw.username;
  return { externalId: id as ExternalUserId, displayName: name || id };
}
