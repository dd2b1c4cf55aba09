/** Keys of the native users this node hosts, and their API tokens (stored only as hashes). */
import { createHash } from 'node:crypto';
import type { UserId } from '../types.js';
import type { Db } from './database.js';

export class LocalStore {
  private readonly stmt;

  constructor(db: Db) {
    this.stmt = {
      addKey: db.prepare('INSERT INTO local_keys (address, seed, user_id) VALUES (?, ?, ?)'),
      keys: db.prepare('SELECT seed FROM local_keys').pluck(),
      addToken: db.prepare('INSERT INTO tokens (token_hash, user_id, created_at) VALUES (?, ?, ?)'),
      token: db.prepare('SELECT user_id FROM tokens WHERE token_hash = ?').pluck(),
      revoke: db.prepare('DELETE FROM tokens WHERE user_id = ?'),
      keyUsers: db.prepare('SELECT DISTINCT user_id FROM local_keys').pluck(),
    };
  }

  addKey(address: string, seed: Uint8Array, user: UserId): void {
    this.stmt.addKey.run(address, seed, user);
  }

  seeds(): Uint8Array[] {
    return this.stmt.keys.all() as Uint8Array[];
  }

  addToken(token: string, user: UserId, now: number): void {
    this.stmt.addToken.run(hashToken(token), user, now);
  }

  /** Deletes every token of `user`; returns how many there were. */
  revokeTokens(user: UserId): number {
    return this.stmt.revoke.run(user).changes;
  }

  /** The users whose keys this node holds (its native users and its own profile). */
  keyUsers(): UserId[] {
    return this.stmt.keyUsers.all() as UserId[];
  }

  userForToken(token: string): UserId | undefined {
    return this.stmt.token.get(hashToken(token)) as UserId | undefined;
  }
}

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
