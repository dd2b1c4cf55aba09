import { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../context.js';
import { bridgeHealth } from '../../status.js';

/** Liveness and readiness probes: anonymous, cheap, never rate limited. */
export function healthRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  // Ready once every configured bridge is connected; with no bridges the node alone is ready.
  app.get('/readyz', (c) => {
    const bridges = bridgeHealth(deps.status);
    const ready = Object.values(bridges).every((b) => b.state === 'connected');
    return c.json({ ready, bridges }, ready ? 200 : 503);
  });
  return app;
}
