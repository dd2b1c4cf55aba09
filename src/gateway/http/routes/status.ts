import { Hono } from 'hono';
import { requireAdmin, type AppDeps, type AppEnv } from '../context.js';
import { bridgeHealth } from '../../status.js';
import { BridgeHistory } from '../bridge-history.js';

/**
 * `GET /api/v1/status` (admin): the node's address, P2P peer id, peers and listen addresses,
 * sync state, channel count, bridge health and `bridgeHistory` (each bridge's last changes,
 * newest first, sampled every second while bridges run).
 */
export function statusRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const history = new BridgeHistory(() => bridgeHealth(deps.status));
  // Only a gateway with bridges samples (unit apps without them start no timer).
  if (deps.status.bridges) history.start();
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
      bridgeHistory: history.snapshot(),
    });
  });
  return app;
}
