/** channelLogic: who may create a channel and change its settings. */
import { nameProblem } from '../names.js';
import type { ChannelData } from '../types.js';
import { firstRefusal, refuse, type ResourceLogic, type Verdict } from './types.js';

export const MAX_CHANNEL_NAME = 80;
export const MAX_TOPIC = 1024;

/** Name and topic rules (names.ts), for a new channel and for a replacement alike. */
function checkNames(data: ChannelData): Verdict {
  if (data.name.length < 1 || data.name.length > MAX_CHANNEL_NAME) {
    return refuse('channel.name', `a channel name has 1 to ${MAX_CHANNEL_NAME} characters`);
  }
  const nameIssue = nameProblem(data.name, 'channel name');
  if (nameIssue) return refuse('name.invalid', `channel name: ${nameIssue}`);
  if (data.topic === undefined) return undefined;
  if (data.topic.length > MAX_TOPIC) {
    return refuse('channel.topic', `a topic has at most ${MAX_TOPIC} characters`);
  }
  const topicIssue = nameProblem(data.topic, 'topic');
  return topicIssue ? refuse('name.invalid', `topic: ${topicIssue}`) : undefined;
}

export const channelLogic: ResourceLogic<'channel'> = {
  onCreate(data, ctx, state) {
    const replacing = ctx.consumed.find(
      (c) => c.resource.kind === 'channel' && c.resource.data.channelId === data.channelId,
    );
    if (replacing) {
      return state.role(data.channelId, ctx.tx.actor) === 'admin'
        ? checkNames(data)
        : refuse('channel.manage', 'only a channel admin may change its settings');
    }
    return firstRefusal(
      () =>
        state.channel(data.channelId)
          ? refuse('channel.exists', `channel ${data.channelId} already exists`)
          : undefined,
      () =>
        data.creator === ctx.tx.actor
          ? undefined
          : refuse('channel.creator', 'the creator of a channel is the user who creates it'),
      () => {
        const flags = state.permissions(ctx.tx.actor);
        return flags && !flags.includes('createChannel')
          ? refuse('permissions.createChannel', 'this user may not create channels')
          : undefined;
      },
      () => checkNames(data),
      () =>
        data.settings.retentionSeconds === undefined || data.settings.retentionSeconds > 0
          ? undefined
          : refuse('channel.retention', 'retention must be a positive number of seconds'),
      () =>
        ctx.tx.creates.some(
          (r) =>
            r.kind === 'channelAccess' &&
            r.data.channel === data.channelId &&
            r.data.user === data.creator &&
            r.data.role === 'admin',
        )
          ? undefined
          : refuse('channel.creator-admin', 'creating a channel makes its creator an admin'),
    );
  },
  onConsume(data, ctx, state) {
    return state.role(data.channelId, ctx.tx.actor) === 'admin'
      ? undefined
      : refuse('channel.manage', 'only a channel admin may change its settings');
  },
};
