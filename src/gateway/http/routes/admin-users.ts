import { Hono } from 'hono';
import { z } from 'zod';
import { NotFoundError } from '../../../core/errors.js';
import type { MultichatNode, UserView } from '../../../core/types.js';
import { readQuery } from '../body.js';
import { requireAdmin, requireUser, type AppDeps, type AppEnv } from '../context.js';
import { userJson } from '../views.js';

/**
 * `GET /users` without `network`/`externalId` lists the node's native users (admin), in pages by
 * id. With them the request is the identity lookup of routes/users.ts, so one path serves both.
 */
export const userListQuery = z.strictObject({
  network: z.string().min(1).max(64).optional(),
  externalId: z.string().min(1).max(512).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
  after: z.string().min(1).max(128).optional(),
});

/** A native user of this node by id, or by username (what the CLI is given); else 404. */
export function nativeUser(node: MultichatNode, idOrName: string): UserView {
  const found = node
    .listLocalUsers()
    .find((u) => u.id === idOrName || u.username === idOrName.normalize('NFC'));
  if (!found) throw new NotFoundError('user', idOrName);
  return found;
}

/**
 * Listing native users, and reissuing and revoking their API tokens. The core keeps only the
 * hashes of tokens, so a lost token cannot be shown again: it is replaced, and the old one
 * answers 401 from the moment the new one is returned.
 */
export function adminUserRoutes(deps: AppDeps): Hono<AppEnv> {
  const { node } = deps;
  const app = new Hono<AppEnv>();

  app.get('/users', async (c, next) => {
    const raw = c.req.query();
    if (raw.network !== undefined || raw.externalId !== undefined) return next();
    const { limit = 100, after } = readQuery(c, userListQuery);
    requireAdmin(c);
    const all = node
      .listLocalUsers()
      .filter((u) => after === undefined || u.id > after)
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const page = all.slice(0, limit);
    const last = page.at(-1);
    return c.json({
      users: page.map((u) => userJson(u)),
      ...(all.length > limit && last && { next: last.id }),
    });
  });

  // Self-service first, so `me` is never taken for an id.
  app.post('/users/me/token', async (c) => {
    const me = requireUser(c);
    const token = await node.reissueToken(me.id);
    return c.json({ id: me.id, username: me.username, token }, 201);
  });

  app.delete('/users/me/token', async (c) => {
    const me = requireUser(c);
    await node.revokeTokens(me.id);
    return c.body(null, 204);
  });

  app.post('/users/:id/token', async (c) => {
    requireAdmin(c);
    const user = nativeUser(node, c.req.param('id'));
    const token = await node.reissueToken(user.id);
    return c.json({ id: user.id, username: user.username, token }, 201);
  });

  app.delete('/users/:id/token', async (c) => {
    requireAdmin(c);
    const user = nativeUser(node, c.req.param('id'));
    await node.revokeTokens(user.id);
    return c.body(null, 204);
  });

  return app;
}
