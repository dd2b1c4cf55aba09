import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { bearerAuth } from './auth.js';
import type { AppDeps, AppEnv, MediaDeps } from './context.js';
import { MediaLinks } from '../media-links.js';
import { toErrorResponse } from './error-response.js';
import { AllowedMethods } from './allowed-methods.js';
import { BodyTooLargeError, MethodNotAllowedError, RouteNotFoundError } from './errors.js';
import { HttpCounters } from './metrics.js';
import { rateLimit, type RateLimitOptions } from './rate-limit.js';
import { channelRoutes } from './routes/channels.js';
import { dashboardRoutes } from './routes/dashboard.js';
import { eventRoutes } from './routes/events.js';
import { healthRoutes } from './routes/health.js';
import { mediaRoutes, signedMediaMiddleware } from './routes/media.js';
import { messageRoutes } from './routes/messages.js';
import { metricsRoutes } from './routes/metrics.js';
import { openApiRoutes } from './routes/openapi.js';
import { presenceRoutes } from './routes/presence.js';
import { statusRoutes } from './routes/status.js';
import { userRoutes } from './routes/users.js';
import { adminUserRoutes } from './routes/admin-users.js';
import { DEFAULT_SSE_LIMITS, SseHub } from './sse-hub.js';

/** A module of authenticated `/api/v1` routes contributed from outside (e.g. links). */
export type RouteModule = (deps: AppDeps) => Hono<AppEnv>;

export interface AppOptions {
  /** Files: upload limit (media.maxBytes), link signer, wait for peers (defaults: 25 MiB, a throw-away key, 10 s). */
  readonly media?: Partial<MediaDeps>;
  /** Largest request body in bytes (default 1 MiB); uploads have media.maxBytes instead. */
  readonly maxBodyBytes?: number;
  readonly rateLimit?: RateLimitOptions;
  /** Reported in the OpenAPI document. */
  readonly version?: string;
  /** Extra authenticated route modules mounted under /api/v1. */
  readonly routes?: readonly RouteModule[];
  /** OpenAPI path items of those modules, keyed by full path (e.g. `/api/v1/links`). */
  readonly openApiPaths?: Readonly<Record<string, Record<string, unknown>>>;
  /** A token that may read /metrics (the admin token always may). */
  readonly metricsToken?: string;
  /** Concurrent event streams per user token (default 5). */
  readonly maxStreamsPerToken?: number;
  /** Unsent bytes before an event stream is dropped with an `overflow` event (default 1 MiB). */
  readonly streamBufferBytes?: number;
  /** How long a dropped stream may take to read its last events (default 30 s; for tests). */
  readonly streamOverflowGraceMs?: number;
}

export interface GatewayApp {
  readonly app: Hono<AppEnv>;
  /** Open SSE streams; `closeAll()` on shutdown. */
  readonly sse: SseHub;
}

/** Files when the caller gives no media settings: 25 MiB, links signed with a throw-away key. */
function defaultMedia(): MediaDeps {
  return { maxBytes: 25 * 1024 * 1024, links: MediaLinks.ephemeral(), fetchWaitMs: 10_000 };
}

/** The upload route streams its body under its own limit (media.maxBytes). */
const isUpload = (method: string, path: string): boolean =>
  method === 'POST' && path === '/api/v1/media';

/** Builds the HTTP API (no I/O; serve `app.fetch` or call `app.request` in tests). */
export function createApp(given: AppDeps, options: AppOptions = {}): GatewayApp {
  const media: MediaDeps = given.media ?? { ...defaultMedia(), ...options.media };
  const deps: AppDeps = { ...given, media };
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const sse = new SseHub({
    maxStreamsPerToken: options.maxStreamsPerToken ?? DEFAULT_SSE_LIMITS.maxStreamsPerToken,
    bufferBytes: options.streamBufferBytes ?? DEFAULT_SSE_LIMITS.bufferBytes,
    overflowGraceMs: options.streamOverflowGraceMs ?? DEFAULT_SSE_LIMITS.overflowGraceMs,
  });
  const counters = new HttpCounters();
  const app = new Hono<AppEnv>();

  app.use('*', async (c, next) => {
    const started = performance.now();
    await next();
    counters.record(c.req.method, c.res.status);
    // The path only: query strings may carry cursors, and tokens never travel in URLs here.
    deps.logger.debug(
      {
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: Math.round(performance.now() - started),
      },
      'request',
    );
  });
  app.route('/', healthRoutes(deps));
  app.route('/', metricsRoutes(deps, counters, sse, options.metricsToken));
  app.route('/', dashboardRoutes());

  app.use('/api/v1/*', rateLimit(options.rateLimit ?? { perSecond: 50, burst: 200 }));
  const limitBody = bodyLimit({
    maxSize: maxBodyBytes,
    onError: () => {
      throw new BodyTooLargeError(maxBodyBytes);
    },
  });
  app.use('/api/v1/*', (c, next) =>
    isUpload(c.req.method, c.req.path) ? next() : limitBody(c, next),
  );
  // Registered before the auth middleware: it answers without calling next, so it stays public.
  app.route('/api/v1', openApiRoutes(options.version ?? '0.0.0', options.openApiPaths));
  // Also before the auth middleware: a signed media link needs no token.
  app.use('/api/v1/media/:hash', signedMediaMiddleware(deps.node, media));
  app.use('/api/v1/*', bearerAuth(deps.node, deps.adminToken));
  for (const routes of [
    statusRoutes(deps),
    // Before userRoutes: GET /users without an identity query is the admin's list.
    adminUserRoutes(deps),
    userRoutes(deps),
    channelRoutes(deps),
    messageRoutes(deps),
    mediaRoutes(deps.node, media),
    presenceRoutes(deps),
    eventRoutes(deps, sse),
  ]) {
    app.route('/api/v1', routes);
  }
  // Links: the bridge runtime passes its route module (GET/POST /links, DELETE /links/:id) here.
  for (const module of options.routes ?? []) app.route('/api/v1', module(deps));

  const allowed = new AllowedMethods(() => app.routes);
  app.notFound((c) => {
    const allow = allowed.for(c.req.path);
    if (allow.length > 0) throw new MethodNotAllowedError(c.req.method, c.req.path, allow);
    throw new RouteNotFoundError(`no route for ${c.req.method} ${c.req.path}`);
  });
  app.onError((err, c) => {
    const mapped = toErrorResponse(err);
    if (mapped.internal) {
      deps.logger.error({ err, method: c.req.method, path: c.req.path }, 'request failed');
    }
    return c.json(mapped.body, mapped.status as 400, mapped.headers);
  });
  return { app, sse };
}
