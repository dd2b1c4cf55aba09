/**
 * Issue 23: a route that needs the mapping store while it is down (PostgreSQL restarting)
 * answers 503 with Retry-After and the API's JSON error, not a 500; the store's own message
 * (which names the server) stays out of the answer. The OpenAPI document lists the 503 on the
 * paths whose routes use the store, and only there. The live form is
 * test/reliability/pg-hold.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { toErrorResponse } from '../../../src/gateway/http/error-response.js';
import { openApiDocument } from '../../../src/gateway/http/openapi/index.js';
import { outboxOpenApiPaths } from '../../../src/gateway/http/openapi/outbox-paths.js';
import { linkOpenApiPaths } from '../../../src/gateway/http/routes/links.js';
import { StoreUnavailableError } from '../../../src/mapping/index.js';

describe('the mapping store unavailable', () => {
  it('is a 503 with Retry-After, code store_unavailable, no server address', () => {
    const cause = Object.assign(new Error('connect ECONNREFUSED 10.1.2.3:5432'), {
      code: 'ECONNREFUSED',
    });
    const res = toErrorResponse(new StoreUnavailableError(cause));
    expect(res.status).toBe(503);
    expect(res.headers).toEqual({ 'Retry-After': '5' });
    expect(res.body.error.code).toBe('store_unavailable');
    expect(res.body.error.message).not.toContain('10.1.2.3');
    expect(res.internal).toBe(false);
  });

  it('is documented on the store routes only', () => {
    const doc = openApiDocument('test', { ...linkOpenApiPaths, ...outboxOpenApiPaths }) as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    };
    const with503 = Object.entries(doc.paths)
      .flatMap(([path, ops]) =>
        Object.entries(ops)
          .filter(([, op]) => '503' in op.responses)
          .map(([method]) => `${method.toUpperCase()} ${path}`),
      )
      .sort();
    expect(with503).toContain('GET /api/v1/links');
    expect(with503).toContain('POST /api/v1/links');
    expect(with503).toContain('DELETE /api/v1/links/{id}');
    expect(with503).toContain('GET /api/v1/outbox');
    expect(with503).toContain('GET /api/v1/users/me');
    expect(with503.filter((op) => op.includes('/channels') || op.includes('/media'))).toEqual([]);
  });
});
