import { createHash, timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import { bearerToken } from '../auth.js';
import type { AppDeps, AppEnv } from '../context.js';
import { UnauthorizedError } from '../errors.js';
import { GatewayMetrics, type HttpCounters } from '../metrics.js';
import type { SseHub } from '../sse-hub.js';

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
  const metrics = new GatewayMetrics(deps, http, hub);
  const app = new Hono<AppEnv>();
  app.get('/metrics', async (c) => {
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
    const text = await metrics.render();
    return c.body(text, 200, { 'Content-Type': metrics.contentType });
  });
  return app;
}
