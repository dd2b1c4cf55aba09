/**
 * Applies a validated transaction: consumes, creates, and keeps the projections in step.
 * Returns what changed, as core events, for the node to emit after the commit.
 */
import type { BlobRows } from '../blobs/blob-rows.js';
import { compareHlc } from '../hlc.js';
import { resourceIdOf, roleRank, slotOf } from '../resources.js';
import type { LogStore } from '../store/log-store.js';
import {
  channelParams,
  insertMessageRow,
  newMessageRow,
  profileParams,
  type MemberRow,
  type Projections,
} from '../store/projections.js';
import type { ResourceStore } from '../store/state-store.js';
import type { CachedStateView } from './view.js';
import type { Change } from './change.js';
import type {
  ChannelAccessData,
  ContentHash,
  EntryId,
  Hlc,
  LogEntry,
  MessageId,
  ReactionData,
} from '../types.js';

export interface ApplyDeps {
  readonly log: LogStore;
  readonly resources: ResourceStore;
  readonly projections: Projections;
  readonly state: CachedStateView;
  readonly blobRows: BlobRows;
}

export function applyEntry(
  deps: ApplyDeps,
  id: EntryId,
  entry: LogEntry,
  contents: ReadonlyMap<ContentHash, Uint8Array>,
): Change[] {
  const { tx } = entry;
  const { resources, projections, log } = deps;
  const changes: Change[] = [];
  // Only joins, role changes and leaves touch access slots: no map for other entries.
  let accessSlots: Map<string, ChannelAccessData> | undefined;

  for (const consumedId of tx.consumes) {
    const row = resources.get(consumedId);
    if (row?.resource.kind === 'message') projections.consumeMessage.run(id, consumedId);
    else resources.consume(consumedId, id);
    if (!row) continue;
    const { resource } = row;
    if (resource.kind === 'channelAccess') {
      (accessSlots ??= new Map()).set(slotOf(resource), resource.data);
    }
    if (resource.kind === 'permissions') deps.state.forgetPermissions(resource.data.user);
    if (resource.kind === 'reaction') {
      projections.dropReaction.run(resource.data.message, resource.data.user, resource.data.emoji);
      changes.push(reactionChange(resource.data, false));
    }
    if (resource.kind === 'message') {
      deleteMessageContent(deps, consumedId);
      const deleted = projections.markDeleted.run(consumedId).changes > 0;
      deps.state.forgetMessage(consumedId);
      if (deleted) {
        changes.push({
          kind: 'delete',
          channel: resource.data.channel,
          message: consumedId,
          by: tx.actor,
        });
      }
    }
  }

  for (const resource of tx.creates) {
    const rid = resourceIdOf(resource);
    // Messages live only in their projection row (see ResourceStore.get).
    if (resource.kind !== 'message') resources.insert(rid, resource, slotOf(resource), id);
    switch (resource.kind) {
      case 'userProfile':
        projections.upsertProfile.run(profileParams(resource.data, rid));
        deps.state.forgetProfile(resource.data.userId);
        changes.push({ kind: 'profile', user: resource.data.userId });
        break;
      case 'channel':
        projections.upsertChannel.run(channelParams(resource.data, rid));
        deps.state.forgetChannel(resource.data.channelId);
        changes.push({ kind: 'channel', channel: resource.data.channelId });
        break;
      case 'channelAccess':
        (accessSlots ??= new Map()).set(slotOf(resource), resource.data);
        break;
      case 'message': {
        const hash = resource.data.contentHash;
        const body = contents.get(hash);
        if (body) log.putContent(hash, body);
        const row = newMessageRow(rid, resource.data, entry.author, id, entry.hlc);
        insertMessageRow(projections, row);
        // What the solver and the logics read next (a reply, a reaction): no lookup for it.
        deps.state.rememberMessage(rid, resource.data);
        deps.blobRows.addReferences(
          rid,
          resource.data.channel,
          resource.data.expiresAt,
          resource.data.attachments,
        );
        changes.push({ kind: 'message', message: rid, row });
        break;
      }
      case 'edit': {
        const body = contents.get(resource.data.contentHash);
        const target = projections.message.get(resource.data.message) as
          { deleted: number } | undefined;
        if (target && target.deleted === 0) {
          if (body) log.putContent(resource.data.contentHash, body);
          projections.addEditContent.run(resource.data.message, resource.data.contentHash);
          projections.setEdit.run(
            resource.data.contentHash,
            rid,
            resource.data.editedAt,
            resource.data.message,
          );
          changes.push({ kind: 'edit', message: resource.data.message });
        }
        break;
      }
      case 'reaction':
        projections.setReaction.run(
          resource.data.message,
          resource.data.user,
          resource.data.emoji,
          resource.data.channel,
          rid,
        );
        changes.push(reactionChange(resource.data, true));
        break;
      case 'permissions':
        deps.state.forgetPermissions(resource.data.user);
        break;
      case 'redaction':
      case 'presence':
      case 'keyShare':
        break;
    }
  }

  for (const [slot, data] of accessSlots ?? []) {
    const change = resolveMembership(deps, slot, data, entry.hlc, id);
    if (change) changes.push(change);
  }
  return changes;
}

/** Named fields only: the data's `nonce` is no business of event listeners. */
function reactionChange(data: ReactionData, added: boolean): Change {
  const { channel, message, user, emoji } = data;
  return { kind: 'reaction', channel, message, user, emoji, added };
}

/**
 * The role a user holds is the live channelAccess in its slot. Two peers replacing it at once
 * leave two live resources: the higher role wins, then the earlier in channel order.
 */
function resolveMembership(
  deps: ApplyDeps,
  slot: string,
  data: ChannelAccessData,
  hlc: Hlc,
  entry: EntryId,
): Change | undefined {
  const { projections, resources, log } = deps;
  deps.state.forgetRole(data.channel, data.user);
  const before = projections.member.get(data.channel, data.user) as MemberRow | undefined;
  const live = resources.live(slot).map((row) => {
    const access = row.resource.data as ChannelAccessData;
    const at = row.entry === entry ? hlc : (log.hlcOf(row.entry as EntryId) ?? hlc);
    return { id: row.id, role: access.role, hlc: at, entry: row.entry as EntryId };
  });
  live.sort(
    (a, b) =>
      roleRank[b.role] - roleRank[a.role] ||
      compareHlc(a.hlc, b.hlc) ||
      a.entry.localeCompare(b.entry),
  );
  const winner = live[0];
  if (!winner) {
    projections.dropMember.run(data.channel, data.user);
    return before
      ? { kind: 'membership', channel: data.channel, user: data.user, role: null }
      : undefined;
  }
  projections.setMember.run(
    data.channel,
    data.user,
    winner.role,
    winner.id,
    winner.hlc.wall,
    winner.hlc.counter,
    winner.entry,
  );
  return before?.role === winner.role
    ? undefined
    : { kind: 'membership', channel: data.channel, user: data.user, role: winner.role };
}

/**
 * Deletes a message's text, every edit's text, its file names and mentions from the store (the
 * tombstone row stays), and drops its blob references: the blob store deletes the bytes of
 * those no live message references once this commits.
 */
export function deleteMessageContent(deps: ApplyDeps, message: MessageId): void {
  // It is marked deleted next, and its file names and mentions go now: read it again after.
  deps.state.forgetMessage(message);
  const row = deps.projections.message.get(message) as { content_hash: ContentHash } | undefined;
  if (!row) return;
  deps.log.deleteContent(row.content_hash);
  deps.projections.clearMessageExtras.run(message);
  deps.blobRows.dropReferences(message);
  for (const hash of deps.projections.editContents.all(message) as ContentHash[]) {
    deps.log.deleteContent(hash);
  }
}
