/** The StateView the logics read, backed by the projections and the resource table. */
import type { StateView } from '../logics/types.js';
import type { MessageRow, Projections, ProfileRow } from '../store/projections.js';
import { messageResourceRow, type ResourceStore } from '../store/state-store.js';
import type {
  Address,
  ChannelData,
  ChannelId,
  ChannelVisibility,
  MessageData,
  MessageId,
  PermissionFlag,
  ResourceId,
  ResourceKind,
  Role,
  UserId,
  UserProfileData,
} from '../types.js';
import type { ChannelRow } from '../store/projections.js';

export function profileFromRow(row: ProfileRow): UserProfileData {
  return {
    userId: row.user_id,
    username: row.username,
    ...(row.avatar !== null && { avatar: row.avatar }),
    ...(row.public_key !== null && { publicKey: row.public_key as Address }),
    ...(row.controller !== null && { controller: row.controller as Address }),
    ...(row.origin_network !== null && {
      origin: { network: row.origin_network, externalId: row.origin_external ?? '' },
    }),
  };
}

export function channelFromRow(row: ChannelRow): ChannelData {
  return {
    channelId: row.channel_id,
    name: row.name,
    ...(row.topic !== null && { topic: row.topic }),
    creator: row.creator,
    settings: {
      encrypted: row.encrypted === 1,
      visibility: row.visibility as ChannelVisibility,
      ...(row.retention_seconds !== null && { retentionSeconds: row.retention_seconds }),
    },
  };
}

/** What StateView.message answers. */
export type MessageState = { data: MessageData; deleted: boolean };

/**
 * A StateView with write-through invalidation: channels, profiles and roles are read on every
 * transaction but change rarely, so they are cached; applyEntry forgets what it changes, and a
 * rolled-back write clears everything (a read inside it may have cached unsaved state).
 * Permissions are cached the same way (applyEntry forgets a user's when it creates or consumes
 * one). Messages are cached too: replies, thread replies and reactions name recent messages, and a
 * bulk import asks for each one several times (solver, logics). applyEntry puts a message it
 * creates (`rememberMessage`) and forgets one whose content it deletes (redaction, expiry):
 * the only changes to what this view answers of a message (its data and deleted flag).
 */
export interface CachedStateView extends StateView {
  forgetProfile(user: UserId): void;
  forgetChannel(channel: ChannelId): void;
  forgetRole(channel: ChannelId, user: UserId): void;
  forgetPermissions(user: UserId): void;
  rememberMessage(id: MessageId, data: MessageData): void;
  forgetMessage(id: MessageId): void;
  clear(): void;
}

const CACHE_LIMIT = 50_000;
/** Messages are many and each is asked for soon after it is written: a smaller window. */
const MESSAGE_CACHE_LIMIT = 2_000;

function cached<K, V>(
  map: Map<K, V | null>,
  key: K,
  load: () => V | undefined,
  limit = CACHE_LIMIT,
): V | undefined {
  const hit = map.get(key);
  if (hit !== undefined) return hit ?? undefined;
  const value = load();
  if (map.size >= limit) map.clear();
  map.set(key, value ?? null);
  return value;
}

/** One lookup: the projection row holds the message's data and its deleted flag. */
function loadMessage(projections: Projections, id: MessageId): MessageState | undefined {
  const row = projections.message.get(id) as MessageRow | undefined;
  if (!row) return undefined;
  const { resource } = messageResourceRow(row);
  return { data: resource.data as MessageData, deleted: row.deleted === 1 };
}

export function createStateView(
  projections: Projections,
  resources: ResourceStore,
): CachedStateView {
  const profiles = new Map<UserId, UserProfileData | null>();
  const channels = new Map<ChannelId, ChannelData | null>();
  const roles = new Map<string, Role | null>();
  const messages = new Map<MessageId, MessageState | null>();
  const permissions = new Map<UserId, readonly PermissionFlag[] | null>();
  return {
    profile(user: UserId) {
      return cached(profiles, user, () => {
        const row = projections.profile.get(user) as ProfileRow | undefined;
        return row && profileFromRow(row);
      });
    },
    channel(channel: ChannelId) {
      return cached(channels, channel, () => {
        const row = projections.channelData.get(channel) as ChannelRow | undefined;
        return row && channelFromRow(row);
      });
    },
    role(channel: ChannelId, user: UserId) {
      return cached(roles, `${channel} ${user}`, () => {
        const row = projections.member.get(channel, user) as { role: Role } | undefined;
        return row?.role;
      });
    },
    message(id: MessageId) {
      return cached(messages, id, () => loadMessage(projections, id), MESSAGE_CACHE_LIMIT);
    },
    permissions(user: UserId) {
      // Asked for every message sent; set for few users (an admin's restriction) and seldom.
      return cached(permissions, user, () => {
        const live = resources.live(`permissions:${user}`)[0];
        return live?.resource.kind === 'permissions'
          ? (live.resource.data.flags as readonly PermissionFlag[])
          : undefined;
      });
    },
    live(slot: string) {
      return resources.live(slot).map((row) => row.id as ResourceId);
    },
    exists(id: ResourceId, kind: ResourceKind) {
      if (kind !== 'message') return resources.get(id) !== undefined;
      // Messages live only in their projection (see ResourceStore.get): one lookup for them.
      const hit = messages.get(id);
      return hit ? true : projections.messageExists.get(id);
    },
    forgetProfile: (user) => profiles.delete(user),
    forgetChannel: (channel) => channels.delete(channel),
    forgetRole: (channel, user) => roles.delete(`${channel} ${user}`),
    forgetPermissions: (user) => permissions.delete(user),
    rememberMessage(id, data) {
      if (messages.size >= MESSAGE_CACHE_LIMIT) messages.clear();
      messages.set(id, { data, deleted: false });
    },
    forgetMessage: (id) => messages.delete(id),
    clear() {
      profiles.clear();
      channels.clear();
      roles.clear();
      messages.clear();
      permissions.clear();
    },
  };
}
