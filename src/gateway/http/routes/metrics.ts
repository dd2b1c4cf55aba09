import { createHash, timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import { bearerToken } from '../auth.js';
import type { AppDeps, AppEnv } from '../context.js';
import { UnauthorizedError } from '../errors.js';
import { renderMetrics, type HttpCounters } from '../metrics.js';
import type { SseHub } from '../sse-hub.js';
import { bridgeHealth } from '../../status.js';

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/**
 * `GET /metrics`: Prometheus text for `Authorization: Bearer <admin token or metricsToken>`
 * (Prometheus: `authorization: { credentials: … }` in the scrape config). User tokens are
 * refused: the counts describe the whole node. Not rate limited, like the probes.
 */
export function metricsRoutes(
  deps: AppDeps,
  http: HttpCounters,
  hub: SseHub,
  metricsToken?: string,
): Hono<AppEnv> {
  // Compared as digests in constant time, like the admin token in auth.ts.
  const accepted = [deps.adminToken, metricsToken].flatMap((t) => (t ? [digest(t)] : []));
  const app = new Hono<AppEnv>();
  app.get('/metrics', (c) => {
    const token = bearerToken(c.req.header('authorization'));
    if (token === undefined) {
      throw new UnauthorizedError(
        'missing bearer token: /metrics needs "Authorization: Bearer <admin or metrics token>"',
      );
    }
    const given = digest(token);
    // Every candidate is compared, so the time does not tell which one matched.
    const ok = accepted.map((d) => timingSafeEqual(d, given)).includes(true);
    if (!ok) throw new UnauthorizedError('/metrics needs the admin token or http.metricsToken');
    const text = renderMetrics({
      node: deps.node.metrics(),
      peers: deps.status.p2p?.peers().length ?? 0,
      bridges: bridgeHealth(deps.status),
      http,
      sseClients: hub.size,
      mediaFailures: deps.status.bridges?.mediaFailures?.() ?? [],
      dropped: deps.status.bridges?.dropped?.() ?? [],
    });
    return c.body(text, 200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' });
  });
  return app;
}
