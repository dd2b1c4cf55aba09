import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { MultichatNode } from '../../core/types.js';
import type { AppEnv } from './context.js';
import { UnauthorizedError } from './errors.js';

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/**
 * Reads `Authorization: Bearer TOKEN` and sets `auth`: the admin token (compared in constant
 * time) or a user token known to the node. Anything else is 401.
 */
export function bearerAuth(node: MultichatNode, adminToken: string): MiddlewareHandler<AppEnv> {
  const adminDigest = digest(adminToken);
  return async (c, next) => {
    const header = c.req.header('authorization');
    const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) {
      throw new UnauthorizedError('missing bearer token: send "Authorization: Bearer TOKEN"');
    }
    const token = match[1]!;
    if (timingSafeEqual(digest(token), adminDigest)) {
      c.set('auth', { kind: 'admin' });
    } else {
      const user = node.userForToken(token);
      if (!user) throw new UnauthorizedError('unknown or revoked token');
      c.set('auth', { kind: 'user', user });
    }
    await next();
  };
}

/** The raw bearer token of a request, if any (the rate limiter keys on it). */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  return /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
}
