import { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../context.js';
import { renderMetrics, type HttpCounters } from '../metrics.js';
import type { SseHub } from '../sse-hub.js';
import { bridgeHealth } from '../../status.js';

/** `GET /metrics`: Prometheus text, anonymous like the probes (bind HTTP to loopback). */
export function metricsRoutes(deps: AppDeps, http: HttpCounters, hub: SseHub): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/metrics', (c) => {
    const text = renderMetrics({
      node: deps.node.metrics(),
      peers: deps.status.p2p?.peers().length ?? 0,
      bridges: bridgeHealth(deps.status),
      http,
      sseClients: hub.size,
    });
    return c.body(text, 200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' });
  });
  return app;
}
