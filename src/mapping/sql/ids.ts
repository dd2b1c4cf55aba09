import { randomBytes } from 'node:crypto';

let last = 0;
let counter = 0;

/**
 * A new row id that sorts in creation order: hex milliseconds, a per-process counter for rows
 * made in the same millisecond, then randomness so ids from several gateways never collide.
 * Lists ordered by `(created_at, id)` thus keep insertion order even within one millisecond.
 */
export function newId(now = Date.now()): string {
  if (now > last) {
    last = now;
    counter = 0;
  } else {
    counter++;
  }
  const time = last.toString(16).padStart(12, '0');
  const seq = counter.toString(16).padStart(6, '0');
  return `${time}-${seq}-${randomBytes(6).toString('hex')}`;
}
