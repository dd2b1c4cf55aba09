import { Hono } from 'hono';
import { NotFoundError } from '../../../core/errors.js';
import type { UserId, UserView } from '../../../core/types.js';
import { readBody } from '../body.js';
import { requireAdmin, requireUser, type AppDeps, type AppEnv } from '../context.js';
import { createUserBody, updateProfileBody } from '../schemas.js';
import { userJson } from '../views.js';

/** Users: created by the operator (admin token), each gets its own bearer token. */
export function userRoutes(deps: AppDeps): Hono<AppEnv> {
  const { node } = deps;
  const app = new Hono<AppEnv>();

  // 400 for a name with control, bidi or invisible characters; 409 when taken or look-alike.
  app.post('/users', async (c) => {
    requireAdmin(c);
    const { username } = await readBody(c, createUserBody);
    const { user, token } = await node.createLocalUser(username);
    return c.json({ id: user.id, username: user.username, token }, 201);
  });

  app.get('/users/me', (c) => c.json(withLookalikes(requireUser(c))));

  app.patch('/users/me', async (c) => {
    const me = requireUser(c);
    const body = await readBody(c, updateProfileBody);
    await node.submit(me.id, { kind: 'updateProfile', ...body });
    return c.json(withLookalikes(node.getUser(me.id) ?? me));
  });

  // Reading a profile acts as nobody, so the admin token may do it too.
  app.get('/users/:id', (c) => {
    const id = c.req.param('id');
    const user = node.getUser(id as UserId);
    if (!user) throw new NotFoundError('user', id);
    return c.json(withLookalikes(user));
  });

  function withLookalikes(user: UserView): Record<string, unknown> {
    return userJson(user, node.lookalikesOf([user.id]).get(user.id));
  }

  return app;
}
