import { Hono } from 'hono';
import type { ChannelId, ChannelView, UserId } from '../../../core/types.js';
import { readBody } from '../body.js';
import { requireUser, type AppDeps, type AppEnv } from '../context.js';
import { createChannelBody, roleBody } from '../schemas.js';
import { channelJson, userJson } from '../views.js';
import { canRead, channelOr404 } from './lookup.js';

/** Channels and membership: create, list, join, leave, set a member's role. */
export function channelRoutes(deps: AppDeps): Hono<AppEnv> {
  const { node } = deps;
  const app = new Hono<AppEnv>();

  app.post('/channels', async (c) => {
    const me = requireUser(c);
    const body = await readBody(c, createChannelBody);
    const result = await node.submit(me.id, { kind: 'createChannel', ...body });
    const channel = result.channel ?? node.findChannelByName(body.name);
    return c.json(channel ? withRole(channel, 'admin') : {}, 201);
  });

  // Users see public channels and those they belong to; the admin token sees every channel.
  app.get('/channels', (c) => {
    const auth = c.get('auth');
    const channels = node.listChannels().filter((ch) => {
      if (auth.kind === 'admin' || ch.visibility === 'public') return true;
      return canRead(node, ch.id, auth.user.id);
    });
    const me = auth.kind === 'user' ? auth.user.id : undefined;
    return c.json({
      channels: channels.map((ch) => withRole(ch, me && (node.roleOf(ch.id, me) ?? null))),
    });
  });

  app.get('/channels/:id', (c) => {
    const me = requireUser(c);
    const channel = channelOr404(node, c.req.param('id'));
    return c.json(withRole(channel, node.roleOf(channel.id, me.id) ?? null));
  });

  app.post('/channels/:id/join', async (c) => {
    const me = requireUser(c);
    const id = c.req.param('id');
    // A channel is addressed by its id: one this node has never seen is fetched from peers.
    if (!node.getChannel(id as ChannelId) && !node.findChannelByName(id)) {
      await deps.status.p2p?.fetchChannel?.(id).catch(() => undefined);
    }
    const channel = channelOr404(node, id);
    await node.submit(me.id, { kind: 'joinChannel', channel: channel.id });
    return c.json(withRole(node.getChannel(channel.id) ?? channel, node.roleOf(channel.id, me.id)));
  });

  app.post('/channels/:id/leave', async (c) => {
    const me = requireUser(c);
    const channel = channelOr404(node, c.req.param('id'));
    await node.submit(me.id, { kind: 'leaveChannel', channel: channel.id });
    return c.json(withRole(node.getChannel(channel.id) ?? channel, null));
  });

  app.get('/channels/:id/members', (c) => {
    requireUser(c);
    const channel = channelOr404(node, c.req.param('id'));
    const members = node
      .listMembers(channel.id)
      .map((m) => ({ user: userJson(m.user), role: m.role }));
    return c.json({ members });
  });

  app.put('/channels/:id/members/:userId', async (c) => {
    const me = requireUser(c);
    const channel = channelOr404(node, c.req.param('id'));
    const user = c.req.param('userId') as UserId;
    const { role } = await readBody(c, roleBody);
    await node.submit(me.id, { kind: 'setRole', channel: channel.id, user, role });
    return c.json({ channel: channel.id, user, role: node.roleOf(channel.id, user) ?? role });
  });

  return app;
}

/** The channel plus the caller's role in it (null when not a member). */
function withRole(channel: ChannelView, role: string | null | undefined): Record<string, unknown> {
  return role === undefined ? channelJson(channel) : { ...channelJson(channel), role };
}
