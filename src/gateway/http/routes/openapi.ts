import { Hono } from 'hono';
import type { AppEnv } from '../context.js';
import { openApiDocument, type Json } from '../openapi/index.js';

/** `GET /api/v1/openapi.json`: anonymous, so clients can discover the API before a token. */
export function openApiRoutes(
  version: string,
  extraPaths: Readonly<Record<string, Json>> = {},
): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  let cached: Record<string, unknown> | undefined;
  app.get('/openapi.json', (c) => c.json((cached ??= openApiDocument(version, extraPaths))));
  return app;
}
