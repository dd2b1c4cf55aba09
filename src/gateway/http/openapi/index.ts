import { components, ref, type Json } from './components.js';
import { mediaPaths } from './media-paths.js';
import { operation } from './operation.js';
import { paths } from './paths.js';

/** Everything under /api/v1 passes the rate limiter, the public document included. */
const rateLimited: Json = {
  description: 'rate limited (http.rateLimit); retry after the seconds in Retry-After',
  headers: { 'Retry-After': { required: true, schema: { type: 'integer', minimum: 1 } } },
  content: { 'application/json': { schema: ref('Error') } },
};

/** The answer of a route that needs the mapping store while it is down (error-response.ts). */
const storeUnavailable: Json = {
  description:
    'the mapping store is unavailable (e.g. PostgreSQL restarting); retry after Retry-After',
  headers: { 'Retry-After': { required: true, schema: { type: 'integer', minimum: 1 } } },
  content: { 'application/json': { schema: ref('Error') } },
};

/** Paths whose routes read or write the mapping store: links, outbox, a user's identities. */
const STORE_PREFIXES = ['/api/v1/links', '/api/v1/outbox'];
const STORE_PATHS = new Set([
  '/api/v1/users/me',
  '/api/v1/users/{id}',
  '/api/v1/users/me/link-codes',
  '/api/v1/users/me/identities/{network}/{externalId}',
]);

/** Adds the 503 answer to every operation of the paths that need the mapping store. */
function withStore(path: string, ops: Json): Json {
  const store = STORE_PATHS.has(path) || STORE_PREFIXES.some((p) => path.startsWith(p));
  if (!store) return ops;
  const out: Json = {};
  for (const [method, op] of Object.entries(ops)) {
    const o = op as Json;
    out[method] = {
      ...o,
      responses: { ...((o.responses ?? {}) as Json), '503': storeUnavailable },
    };
  }
  return out;
}

/** Adds the 429 answer to every operation of the rate-limited paths. */
function withRateLimit(path: string, ops: Json): Json {
  if (!path.startsWith('/api/v1/')) return ops;
  const out: Json = {};
  for (const [method, op] of Object.entries(ops)) {
    const o = op as Json;
    const responses = (o.responses ?? {}) as Json;
    const own = responses['429'] as Json | undefined;
    // A route's own 429 (too many event streams) carries no Retry-After.
    const answer = own
      ? {
          ...rateLimited,
          description: `${rateLimited.description as string}; or ${own.description as string}`,
          headers: { 'Retry-After': { required: false, schema: { type: 'integer', minimum: 1 } } },
        }
      : rateLimited;
    out[method] = { ...o, responses: { ...responses, '429': answer } };
  }
  return out;
}

/**
 * The OpenAPI 3.1 document of the API. Request bodies come from the same zod schemas the
 * routes validate with; responses are described by the shared component schemas.
 */
export function openApiDocument(
  version: string,
  extraPaths: Readonly<Record<string, Json>> = {},
): Json {
  const all: Json = {};
  for (const [path, ops] of Object.entries(paths())) {
    all[path] = Object.fromEntries(Object.entries(ops).map(([m, op]) => [m, operation(op)]));
  }
  Object.assign(all, mediaPaths());
  // Path items of route modules added from outside (the links routes of the bridge runtime).
  Object.assign(all, extraPaths);
  const out: Json = {};
  for (const [path, ops] of Object.entries(all))
    out[path] = withStore(path, withRateLimit(path, ops as Json));
  return {
    openapi: '3.1.0',
    info: {
      title: 'Multichat Gateway API',
      version,
      description:
        'Errors are {"error":{"code","message"}}. The admin token may create users and read status; it cannot act as a user. A known path called with a method it does not take answers 405 with Allow.',
    },
    paths: out,
    components,
  };
}

export type { Json };
