/** The StateView the logics read, backed by the projections and the resource table. */
import type { StateView } from '../logics/types.js';
import type { Projections, ProfileRow } from '../store/projections.js';
import type { ResourceStore } from '../store/state-store.js';
import type {
  Address,
  ChannelData,
  ChannelId,
  ChannelVisibility,
  MessageData,
  MessageId,
  PermissionFlag,
  ResourceId,
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

export function createStateView(projections: Projections, resources: ResourceStore): StateView {
  return {
    profile(user: UserId) {
      const row = projections.profile.get(user) as ProfileRow | undefined;
      return row && profileFromRow(row);
    },
    channel(channel: ChannelId) {
      const row = projections.channelData.get(channel) as ChannelRow | undefined;
      return row && channelFromRow(row);
    },
    role(channel: ChannelId, user: UserId) {
      const row = projections.member.get(channel, user) as { role: Role } | undefined;
      return row?.role;
    },
    message(id: MessageId) {
      const row = projections.message.get(id) as { deleted: number } | undefined;
      if (!row) return undefined;
      const resource = resources.get(id);
      if (resource?.resource.kind !== 'message') return undefined;
      return { data: resource.resource.data as MessageData, deleted: row.deleted === 1 };
    },
    permissions(user: UserId) {
      const live = resources.live(`permissions:${user}`)[0];
      return live?.resource.kind === 'permissions'
        ? (live.resource.data.flags as readonly PermissionFlag[])
        : undefined;
    },
    live(slot: string) {
      return resources.live(slot).map((row) => row.id as ResourceId);
    },
  };
}
