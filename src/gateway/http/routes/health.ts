import { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../context.js';
import { bridgeHealth } from '../../status.js';

/** Liveness and readiness probes: anonymous, cheap, never rate limited. */
export function healthRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  // Ready once P2P has started and every configured bridge is connected; with no bridges the
  // node alone is ready. /healthz answers before P2P starts: it says the process is alive.
  app.get('/readyz', (c) => {
    const bridges = bridgeHealth(deps.status);
    const starting = deps.status.p2pStarting === true;
    const ready = !starting && Object.values(bridges).every((b) => b.state === 'connected');
    return c.json({ ready, bridges, ...(starting && { p2p: 'starting' }) }, ready ? 200 : 503);
  });
  return app;
}
