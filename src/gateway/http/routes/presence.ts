import { Hono } from 'hono';
import { readBody } from '../body.js';
import { requireUser, type AppDeps, type AppEnv } from '../context.js';
import { presenceBody } from '../schemas.js';
import { presenceJson } from '../views.js';

/** `PUT /api/v1/presence`: the caller's status, gossiped and bridged where networks have it. */
export function presenceRoutes(deps: AppDeps): Hono<AppEnv> {
  const { node } = deps;
  const app = new Hono<AppEnv>();
  app.put('/presence', async (c) => {
    const me = requireUser(c);
    const body = await readBody(c, presenceBody);
    await node.submit(me.id, { kind: 'setPresence', ...body });
    const current = node.listPresence().find((p) => p.user === me.id);
    return c.json(
      current
        ? presenceJson(current)
        : { user: me.id, status: body.status, text: body.text ?? null },
    );
  });
  app.get('/presence', (c) => {
    requireUser(c);
    return c.json({ presence: node.listPresence().map(presenceJson) });
  });
  return app;
}
