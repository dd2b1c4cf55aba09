import { Hono } from 'hono';
import { requireAdmin, type AppDeps, type AppEnv } from '../context.js';
import { bridgeHealth } from '../../status.js';

/** `GET /api/v1/status` (admin): the node's address, P2P peers, channel count, bridge health. */
export function statusRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/status', (c) => {
    requireAdmin(c);
    const p2p = deps.status.p2p;
    return c.json({
      address: deps.node.address,
      peerId: p2p?.peerId() ?? null,
      peers: p2p?.peers().length ?? 0,
      listen: p2p?.addresses?.() ?? [],
      channels: deps.node.listChannels().length,
      bridges: bridgeHealth(deps.status),
    });
  });
  return app;
}
