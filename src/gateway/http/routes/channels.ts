import { Hono } from 'hono';
import type { ChannelId, ChannelView, UserId } from '../../../core/types.js';
import { linkedChannels } from '../../status.js';
import { readBody } from '../body.js';
import { requireUser, type AppDeps, type AppEnv } from '../context.js';
import { createChannelBody, roleBody } from '../schemas.js';
import { channelJson, userJson } from '../views.js';
import { channelOr404, mayView } from './lookup.js';

/**
 * Channels and membership: create, list, join, leave, set a member's role. A channel shows
 * `bridged` (a link of this gateway carries it elsewhere): with `encrypted`, that says this
 * gateway decrypts it to deliver, so its operator can read it.
 */
export function channelRoutes(deps: AppDeps): Hono<AppEnv> {
  const { node } = deps;
  const app = new Hono<AppEnv>();
  const json = async (ch: ChannelView, role: string | null | undefined) =>
    withRole(ch, role, (await linkedChannels(deps.status)).has(ch.id));

  app.post('/channels', async (c) => {
    const me = requireUser(c);
    const body = await readBody(c, createChannelBody);
    // A name this node knows already is refused (409 naming the channel): see local-names.ts.
    const result = await node.submit(me.id, { kind: 'createChannel', ...body });
    return c.json(result.channel ? await json(result.channel, 'admin') : {}, 201);
  });

  // Users see public channels and those they belong to; the admin token sees every channel.
  app.get('/channels', async (c) => {
    const auth = c.get('auth');
    const channels = node.listChannels().filter((ch) => mayView(node, ch, auth));
    const me = auth.kind === 'user' ? auth.user.id : undefined;
    const linked = await linkedChannels(deps.status);
    return c.json({
      channels: channels.map((ch) =>
        withRole(ch, me && (node.roleOf(ch.id, me) ?? null), linked.has(ch.id)),
      ),
    });
  });

  // Private channels are 404 to non-members (lookup.ts); the admin token reads any channel.
  app.get('/channels/:id', async (c) => {
    const auth = c.get('auth');
    const channel = channelOr404(node, c.req.param('id'), auth);
    const role = auth.kind === 'user' ? (node.roleOf(channel.id, auth.user.id) ?? null) : null;
    return c.json(await json(channel, role));
  });

  app.post('/channels/:id/join', async (c) => {
    const me = requireUser(c);
    const id = c.req.param('id');
    // A channel is addressed by its id: one this node has never seen is fetched from peers.
    if (!node.getChannel(id as ChannelId) && node.findChannelsByName(id).length === 0) {
      await deps.status.p2p?.fetchChannel?.(id).catch(() => undefined);
    }
    const channel = channelOr404(node, id, c.get('auth'));
    await node.submit(me.id, { kind: 'joinChannel', channel: channel.id });
    return c.json(
      await json(node.getChannel(channel.id) ?? channel, node.roleOf(channel.id, me.id)),
    );
  });

  app.post('/channels/:id/leave', async (c) => {
    const me = requireUser(c);
    const channel = channelOr404(node, c.req.param('id'), c.get('auth'));
    await node.submit(me.id, { kind: 'leaveChannel', channel: channel.id });
    return c.json(await json(node.getChannel(channel.id) ?? channel, null));
  });

  app.get('/channels/:id/members', (c) => {
    const channel = channelOr404(node, c.req.param('id'), c.get('auth'));
    const listed = node.listMembers(channel.id);
    const lookalikes = node.lookalikesOf(listed.map((m) => m.user.id));
    const members = listed.map((m) => ({
      user: userJson(m.user, lookalikes.get(m.user.id)),
      role: m.role,
    }));
    return c.json({ members });
  });

  app.put('/channels/:id/members/:userId', async (c) => {
    const me = requireUser(c);
    const channel = channelOr404(node, c.req.param('id'), c.get('auth'));
    const user = c.req.param('userId') as UserId;
    const { role } = await readBody(c, roleBody);
    await node.submit(me.id, { kind: 'setRole', channel: channel.id, user, role });
    return c.json({ channel: channel.id, user, role: node.roleOf(channel.id, user) ?? role });
  });

  return app;
}

/** The channel plus the caller's role in it (null when not a member). */
function withRole(
  channel: ChannelView,
  role: string | null | undefined,
  bridged: boolean,
): Record<string, unknown> {
  const out = { ...channelJson(channel), bridged };
  return role === undefined ? out : { ...out, role };
}
