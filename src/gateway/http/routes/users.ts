import { Hono } from 'hono';
import { z } from 'zod';
import { IdentityNotFoundError, IdentityNotLinkedError } from '../../../bridges/runtime/index.js';
import { ConflictError, NotFoundError } from '../../../core/errors.js';
import type { UserId, UserView } from '../../../core/types.js';
import type { NetworkName } from '../../../mapping/types.js';
import { readBody, readQuery } from '../body.js';
import {
  requireAdmin,
  requireUser,
  type AccountDeps,
  type AppDeps,
  type AppEnv,
} from '../context.js';
import { AccountLinkingOffError } from '../errors.js';
import { createUserBody, updateProfileBody } from '../schemas.js';
import { userJson } from '../views.js';

/** `GET /users?network=&externalId=`: the profile of one external identity. */
export const identityQuery = z.strictObject({
  network: z.string().min(1).max(64),
  externalId: z.string().min(1).max(512),
});

/**
 * Users: created by the operator (admin token), each gets its own bearer token. A profile
 * lists its identities on other networks (the person's own accounts, and the ghosts and
 * puppets the gateway made for them); a user joins another network's account to their profile
 * with a one-time link code entered there (runtime/accounts.ts), and can take it off again.
 */
export function userRoutes(deps: AppDeps): Hono<AppEnv> {
  const { node, accounts } = deps;
  const app = new Hono<AppEnv>();
  const linking = (): AccountDeps => {
    if (!accounts) throw new AccountLinkingOffError();
    return accounts;
  };

  // 400 for a name with control, bidi or invisible characters; 409 when taken or look-alike.
  app.post('/users', async (c) => {
    requireAdmin(c);
    const { username } = await readBody(c, createUserBody);
    const { user, token } = await node.createLocalUser(username);
    return c.json({ id: user.id, username: user.username, token }, 201);
  });

  // Reading profiles acts as nobody, so the admin token may do it too.
  app.get('/users', async (c) => {
    const { network, externalId } = readQuery(c, identityQuery);
    const id = await accounts?.profileOf(network as NetworkName, externalId);
    const user = id && node.getUser(id);
    if (!user) throw new NotFoundError('identity', `${externalId} on ${network}`);
    return c.json(await profile(user));
  });

  app.get('/users/me', async (c) => c.json(await profile(requireUser(c))));

  app.patch('/users/me', async (c) => {
    const me = requireUser(c);
    const body = await readBody(c, updateProfileBody);
    await node.submit(me.id, { kind: 'updateProfile', ...body });
    return c.json(await profile(node.getUser(me.id) ?? me));
  });

  app.post('/users/me/link-codes', async (c) => {
    const me = requireUser(c);
    const { code, expiresAt } = await linking().issue(me.id, 'api');
    return c.json({ code, expiresAt: new Date(expiresAt).toISOString() }, 201);
  });

  app.delete('/users/me/identities/:network/:externalId', async (c) => {
    const me = requireUser(c);
    const network = c.req.param('network') as NetworkName;
    const externalId = c.req.param('externalId');
    await linking()
      .unlink(me.id, network, externalId)
      .catch((error: unknown) => {
        if (error instanceof IdentityNotFoundError) {
          throw new NotFoundError('identity', `${externalId} on ${network}`);
        }
        if (error instanceof IdentityNotLinkedError) throw new ConflictError(error.message);
        throw error;
      });
    return c.body(null, 204);
  });

  app.get('/users/:id', async (c) => {
    const id = c.req.param('id');
    const user = node.getUser(id as UserId);
    if (!user) throw new NotFoundError('user', id);
    return c.json(await profile(user));
  });

  /** A profile as answered: look-alike names and the identities on other networks. */
  async function profile(user: UserView): Promise<Record<string, unknown>> {
    const identities = accounts ? await accounts.identitiesOf(user.id) : [];
    return {
      ...userJson(user, node.lookalikesOf([user.id]).get(user.id)),
      identities: identities.map((i) => ({
        network: i.network,
        externalId: i.externalId,
        kind: i.kind,
        ...(i.linkedAt !== undefined && { linkedAt: new Date(i.linkedAt).toISOString() }),
      })),
    };
  }

  return app;
}
