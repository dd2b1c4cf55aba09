import type { ChannelView, MessageView, PresenceView, UserView } from '../../core/types.js';
import type { MediaLinks } from '../media-links.js';

/**
 * JSON shapes of the API (shared/API.md). Kept apart from the core's read models so that the
 * wire format is stated in one place: internal fields (log entry, author key) stay out.
 */

export interface MessageJson {
  id: string;
  channel: string;
  sender: { id: string; username: string; origin?: { network: string; externalId: string } };
  /** null once the message was deleted or expired; `deleted` is then true. */
  text: string | null;
  /** The text is an emote (`/me`); absent otherwise. */
  emote?: true;
  deleted: boolean;
  createdAt: string;
  editedAt?: string;
  replyTo?: string;
  threadRoot?: string;
  expiresAt?: string;
  reactions: Record<string, string[]>;
  /** Files; always present (maybe empty). `url` is this gateway's media endpoint for a blob. */
  attachments: AttachmentJson[];
  /** Ids of the people the message mentions; always present (maybe empty). */
  mentions: string[];
  origin?: { network: string; externalId: string };
}

export interface AttachmentJson {
  /** sha256 of the bytes (absent for a plain link from before 0.4). */
  hash?: string;
  name: string;
  mimeType?: string;
  size?: number;
  width?: number;
  height?: number;
  url: string;
}

/**
 * A message as the API shows it. `links` makes blob URLs absolute (the gateway's public URL);
 * without it they are paths.
 */
export function messageJson(m: MessageView, links?: MediaLinks): MessageJson {
  const out: MessageJson = {
    id: m.id,
    channel: m.channel,
    sender: { id: m.sender.id, username: m.sender.username },
    text: m.deleted ? null : m.text,
    deleted: m.deleted,
    createdAt: m.createdAt,
    reactions: Object.fromEntries(Object.entries(m.reactions).map(([k, v]) => [k, [...v]])),
    attachments: (m.attachments ?? []).flatMap((a) => {
      const url = a.hash
        ? (links?.pathFor(a.hash) ?? `/api/v1/media/${a.hash}`)
        : (a.url as string | undefined);
      if (url === undefined) return [];
      return [
        {
          ...(a.hash !== undefined && { hash: a.hash }),
          name: a.name,
          ...(a.mimeType !== undefined && { mimeType: a.mimeType }),
          ...(a.size !== undefined && { size: a.size }),
          ...(a.width !== undefined && { width: a.width }),
          ...(a.height !== undefined && { height: a.height }),
          url,
        },
      ];
    }),
    mentions: [...(m.mentions ?? [])],
  };
  if (m.sender.origin) out.sender.origin = { ...m.sender.origin };
  if (m.emote && !m.deleted) out.emote = true;
  if (m.editedAt) out.editedAt = m.editedAt;
  if (m.replyTo) out.replyTo = m.replyTo;
  if (m.threadRoot) out.threadRoot = m.threadRoot;
  if (m.expiresAt) out.expiresAt = m.expiresAt;
  if (m.origin) out.origin = { ...m.origin };
  return out;
}

/**
 * A user; `lookalikeOf` lists the other users whose names look alike (docs/protocol.md, "Names"),
 * so a client can warn before someone is mistaken for someone else. Absent when there are none.
 */
export function userJson(
  u: UserView,
  lookalikeOf?: readonly { id: string; username: string }[],
): Record<string, unknown> {
  return {
    id: u.id,
    username: u.username,
    avatar: u.avatar ?? null,
    ...(u.origin ? { origin: { ...u.origin } } : {}),
    ...(lookalikeOf?.length ? { lookalikeOf: lookalikeOf.map((o) => ({ ...o })) } : {}),
  };
}

export function channelJson(ch: ChannelView): Record<string, unknown> {
  return {
    id: ch.id,
    name: ch.name,
    topic: ch.topic ?? null,
    encrypted: ch.encrypted,
    ...(ch.retentionSeconds !== undefined ? { retentionSeconds: ch.retentionSeconds } : {}),
    visibility: ch.visibility,
    creator: ch.creator,
    memberCount: ch.memberCount,
  };
}

export function presenceJson(p: PresenceView): Record<string, unknown> {
  return { user: p.user, status: p.status, text: p.text ?? null, expiresAt: p.expiresAt };
}
