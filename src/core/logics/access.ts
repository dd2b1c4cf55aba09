/**
 * channelAccessLogic: joins, leaves and role grants.
 * Admins grant any role; moderators grant member or banned to people below moderator; nobody
 * grants a role above their own; public channels can be joined by anyone not banned.
 */
import { roleRank, slotOf } from '../resources.js';
import type { ChannelAccessData, ChannelData, Role } from '../types.js';
import {
  refuse,
  type ResourceLogic,
  type StateView,
  type TxContext,
  type Verdict,
} from './types.js';

function channelOf(
  data: ChannelAccessData,
  ctx: TxContext,
  state: StateView,
): ChannelData | undefined {
  const created = ctx.tx.creates.find(
    (r) => r.kind === 'channel' && r.data.channelId === data.channel,
  );
  return created?.kind === 'channel' ? created.data : state.channel(data.channel);
}

/** The role `data.user` holds now in the slot this transaction replaces, if any. */
function replacedRole(data: ChannelAccessData, ctx: TxContext): Role | undefined {
  const old = ctx.consumed.find(
    (c) =>
      c.resource.kind === 'channelAccess' &&
      c.resource.data.channel === data.channel &&
      c.resource.data.user === data.user,
  );
  return old?.resource.kind === 'channelAccess' ? old.resource.data.role : undefined;
}

function checkGrant(data: ChannelAccessData, ctx: TxContext, state: StateView): Verdict {
  const granter = state.role(data.channel, ctx.tx.actor);
  if (granter !== 'admin' && granter !== 'moderator') {
    return refuse('access.grant', 'only moderators and admins may grant roles');
  }
  if (roleRank[data.role] > roleRank[granter]) {
    return refuse('access.above-own-role', `a ${granter} cannot grant ${data.role}`);
  }
  if (granter === 'moderator') {
    if (data.role !== 'member' && data.role !== 'banned') {
      return refuse('access.moderator-grants', 'moderators grant only member or banned');
    }
    const current = replacedRole(data, ctx) ?? state.role(data.channel, data.user);
    if (current && roleRank[current] >= roleRank.moderator) {
      return refuse('access.target-rank', `a moderator cannot change the role of a ${current}`);
    }
  }
  return undefined;
}

export const channelAccessLogic: ResourceLogic<'channelAccess'> = {
  onCreate(data, ctx, state) {
    if (data.grantedBy !== ctx.tx.actor) {
      return refuse('access.granter', 'grantedBy must be the acting user');
    }
    const channel = channelOf(data, ctx, state);
    if (!channel) return refuse('access.channel', `channel ${data.channel} does not exist`);
    const unreplaced = state
      .live(slotOf({ kind: 'channelAccess', data }))
      .filter((id) => !ctx.consumed.some((c) => c.id === id));
    if (unreplaced.length > 0) {
      return refuse('access.replace', 'changing a role must consume the current one');
    }
    if (ctx.tx.intent === 'createChannel') {
      return data.role === 'admin' && data.user === channel.creator
        ? undefined
        : refuse('access.grant', 'a new channel has only its creator as admin');
    }
    if (data.user === ctx.tx.actor && ctx.tx.intent === 'joinChannel') {
      if (data.role !== 'member') return refuse('access.join', 'joining makes you a member');
      if (state.role(data.channel, data.user) === 'banned') {
        return refuse('access.banned', 'you are banned from this channel');
      }
      return channel.settings.visibility === 'public'
        ? undefined
        : refuse('access.invite-only', 'this channel can be joined only by invitation');
    }
    return checkGrant(data, ctx, state);
  },
  onConsume(data, ctx, state) {
    if (data.user === ctx.tx.actor) {
      return data.role === 'banned' && ctx.tx.intent === 'leaveChannel'
        ? refuse('access.banned', 'a banned user cannot leave to lift the ban')
        : undefined;
    }
    const actorRole = state.role(data.channel, ctx.tx.actor);
    if (actorRole === 'admin') return undefined;
    if (actorRole === 'moderator' && roleRank[data.role] < roleRank.moderator) return undefined;
    return refuse('access.remove', `you may not change the role of this ${data.role}`);
  },
};
