import { Hono } from 'hono';
import { requireAdmin, type AppDeps, type AppEnv } from '../context.js';
import { bridgeHealth } from '../../status.js';

/**
 * `GET /api/v1/status` (admin): the node's address, P2P peer id, peers and listen addresses,
 * sync state, channel count and bridge health.
 */
export function statusRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/status', (c) => {
    requireAdmin(c);
    const p2p = deps.status.p2p;
    return c.json({
      address: deps.node.address,
      peerId: p2p?.peerId() ?? null,
      peers: p2p?.peers().length ?? 0,
      peerIds: p2p?.peers() ?? [],
      listen: p2p?.addresses?.() ?? [],
      sync: p2p?.syncState?.() ?? null,
      channels: deps.node.listChannels().length,
      bridges: bridgeHealth(deps.status),
    });
  });
  return app;
}
