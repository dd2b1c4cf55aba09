import type { UserId } from '../../core/types.js';
import type { Identity, IdentityInput, IdentityRepo, NetworkName } from '../types.js';
import type { SqlExecutor } from './db.js';
import { toIdentity } from './rows.js';

/** IdentityRepo over SQL; `db()` throws StoreClosedError when the store is not open. */
export class SqlIdentityRepo implements IdentityRepo {
  constructor(
    private readonly db: () => SqlExecutor,
    private readonly now: () => number,
  ) {}

  async get(network: NetworkName, externalId: string): Promise<Identity | undefined> {
    const rows = await this.db().all(
      'SELECT * FROM identities WHERE network = ? AND external_id = ?',
      [network, externalId],
    );
    return rows[0] ? toIdentity(rows[0]) : undefined;
  }

  async listByUser(userId: UserId, network?: NetworkName): Promise<Identity[]> {
    const rows =
      network === undefined
        ? await this.db().all(
            'SELECT * FROM identities WHERE user_id = ? ORDER BY created_at, network, external_id',
            [userId],
          )
        : await this.db().all(
            `SELECT * FROM identities WHERE user_id = ? AND network = ?
             ORDER BY created_at, external_id`,
            [userId, network],
          );
    return rows.map(toIdentity);
  }

  async listByUsers(userIds: readonly UserId[], network: NetworkName): Promise<Identity[]> {
    const ids = [...new Set(userIds)];
    if (ids.length === 0) return [];
    const marks = ids.map(() => '?').join(', ');
    const rows = await this.db().all(
      `SELECT * FROM identities WHERE network = ? AND user_id IN (${marks})
       ORDER BY created_at, external_id`,
      [network, ...ids],
    );
    return rows.map(toIdentity);
  }

  async upsert(input: IdentityInput): Promise<Identity> {
    const now = this.now();
    // `undefined` keeps the stored value: a flag per column tells the UPDATE which to take.
    const keepName = input.displayName === undefined ? 1 : 0;
    const keepAvatar = input.avatar === undefined ? 1 : 0;
    const keepKind = input.kind === undefined ? 1 : 0;
    const rows = await this.db().all(
      `INSERT INTO identities
         (network, external_id, user_id, kind, display_name, avatar, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (network, external_id) DO UPDATE SET
         user_id = excluded.user_id,
         kind = CASE WHEN ? = 1 THEN identities.kind ELSE excluded.kind END,
         display_name = CASE WHEN ? = 1 THEN identities.display_name ELSE excluded.display_name END,
         avatar = CASE WHEN ? = 1 THEN identities.avatar ELSE excluded.avatar END,
         updated_at = excluded.updated_at
       RETURNING *`,
      [
        input.network,
        input.externalId,
        input.userId,
        input.kind ?? 'native',
        input.displayName ?? null,
        input.avatar ?? null,
        now,
        now,
        keepKind,
        keepName,
        keepAvatar,
      ],
    );
    return toIdentity(rows[0]!);
  }

  async remove(network: NetworkName, externalId: string): Promise<boolean> {
    const rows = await this.db().all(
      'DELETE FROM identities WHERE network = ? AND external_id = ? RETURNING network',
      [network, externalId],
    );
    return rows.length > 0;
  }
}
