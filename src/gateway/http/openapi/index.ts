import { components, type Json } from './components.js';
import { operation } from './operation.js';
import { paths } from './paths.js';

/**
 * The OpenAPI 3.1 document of the API. Request bodies come from the same zod schemas the
 * routes validate with; responses are described by the shared component schemas.
 */
export function openApiDocument(
  version: string,
  extraPaths: Readonly<Record<string, Json>> = {},
): Json {
  const out: Json = {};
  for (const [path, ops] of Object.entries(paths)) {
    out[path] = Object.fromEntries(Object.entries(ops).map(([m, op]) => [m, operation(op)]));
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Multichat Gateway API',
      version,
      description:
        'Errors are {"error":{"code","message"}}. The admin token may create users and read status; it cannot act as a user.',
    },
    // Path items of route modules added from outside (the links routes of the bridge runtime).
    paths: { ...out, ...extraPaths },
    components,
  };
}

export type { Json };
