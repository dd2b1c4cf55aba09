/**
 * permissionsLogic: operator flags on a user (e.g. a gateway muting a bridged account
 * everywhere). Only the key that signs for the user — itself, or its controlling gateway — may set them.
 */
import { maySignFor } from './authority.js';
import { refuse, type ResourceLogic } from './types.js';

export const permissionsLogic: ResourceLogic<'permissions'> = {
  onCreate(data, ctx, state) {
    return maySignFor(ctx.author, data.user, state)
      ? undefined
      : refuse('permissions.controller', 'only the user or its controller may set its permissions');
  },
  onConsume(data, ctx, state) {
    return maySignFor(ctx.author, data.user, state)
      ? undefined
      : refuse('permissions.controller', 'only the user or its controller may set its permissions');
  },
};

export const presenceLogic: ResourceLogic<'presence'> = {
  onCreate() {
    return refuse('presence.ephemeral', 'presence is gossiped, never written to a log');
  },
  onConsume() {
    return refuse('presence.ephemeral', 'presence is gossiped, never written to a log');
  },
};
