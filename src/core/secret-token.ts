/**
 * Bearer tokens (users' and the admin's): 32 random bytes in base64url, never starting with
 * `-`. One in 64 would, and a command line then reads it as a flag (`multichat user list
 * --token -Ab…` is refused as an ambiguous option), so such a draw is made again.
 */
import { randomBytes } from 'node:crypto';

export function newSecretToken(): string {
  for (;;) {
    const token = randomBytes(32).toString('base64url');
    if (!token.startsWith('-')) return token;
  }
}
