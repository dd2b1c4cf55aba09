/**
 * Account linking over SQL: one-time link codes (only their hash is kept) and the audit log of
 * who joined which identity to which profile. Both dialects run the same statements.
 */
import type { UserId } from '../../core/types.js';
import type {
  AccountAuditAction,
  AccountAuditEntry,
  AccountAuditInput,
  AccountAuditRepo,
  LinkCode,
  LinkCodeClaim,
  LinkCodeInput,
  LinkCodeRepo,
  NetworkName,
} from '../types.js';
import type { SqlExecutor, SqlRow } from './db.js';
import { newId } from './ids.js';
import { num, str } from './rows.js';

function toLinkCode(r: SqlRow): LinkCode {
  return {
    codeHash: str(r.code_hash),
    userId: str(r.user_id) as UserId,
    issuedVia: str(r.issued_via),
    issuedBy: r.issued_by === null || r.issued_by === undefined ? null : str(r.issued_by),
    createdAt: num(r.created_at),
    expiresAt: num(r.expires_at),
    usedAt: r.used_at === null || r.used_at === undefined ? null : num(r.used_at),
  };
}

function toAuditEntry(r: SqlRow): AccountAuditEntry {
  return {
    id: str(r.id),
    action: str(r.action) as AccountAuditAction,
    userId: str(r.user_id) as UserId,
    network: str(r.network) as NetworkName,
    externalId: str(r.external_id),
    actor: str(r.actor),
    at: num(r.at),
  };
}

/** LinkCodeRepo over SQL; `db()` throws StoreClosedError when the store is not open. */
export class SqlLinkCodeRepo implements LinkCodeRepo {
  constructor(
    private readonly db: () => SqlExecutor,
    private readonly now: () => number,
  ) {}

  async create(input: LinkCodeInput): Promise<LinkCode> {
    const rows = await this.db().all(
      `INSERT INTO link_codes (code_hash, user_id, issued_via, issued_by, created_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?) RETURNING *`,
      [
        input.codeHash,
        input.userId,
        input.issuedVia,
        input.issuedBy ?? null,
        this.now(),
        input.expiresAt,
      ],
    );
    return toLinkCode(rows[0]!);
  }

  async claim(codeHash: string, now: number): Promise<LinkCodeClaim> {
    // One statement decides: of two concurrent redemptions only one finds used_at still NULL.
    const claimed = await this.db().all(
      `UPDATE link_codes SET used_at = ?
       WHERE code_hash = ? AND used_at IS NULL AND expires_at > ? RETURNING *`,
      [now, codeHash, now],
    );
    if (claimed[0]) return { outcome: 'redeemed', code: toLinkCode(claimed[0]) };
    const rows = await this.db().all('SELECT * FROM link_codes WHERE code_hash = ?', [codeHash]);
    const row = rows[0];
    if (!row) return { outcome: 'unknown' };
    return { outcome: toLinkCode(row).usedAt !== null ? 'used' : 'expired' };
  }

  pruneExpired(before: number): Promise<number> {
    return this.db().run('DELETE FROM link_codes WHERE expires_at < ?', [before]);
  }
}

/** AccountAuditRepo over SQL; rows are only ever appended. */
export class SqlAccountAuditRepo implements AccountAuditRepo {
  constructor(
    private readonly db: () => SqlExecutor,
    private readonly now: () => number,
  ) {}

  async record(input: AccountAuditInput): Promise<AccountAuditEntry> {
    const at = this.now();
    const rows = await this.db().all(
      `INSERT INTO account_audit (id, action, user_id, network, external_id, actor, at)
       VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING *`,
      [newId(at), input.action, input.userId, input.network, input.externalId, input.actor, at],
    );
    return toAuditEntry(rows[0]!);
  }

  async listByUser(userId: UserId): Promise<AccountAuditEntry[]> {
    const rows = await this.db().all(
      'SELECT * FROM account_audit WHERE user_id = ? ORDER BY at, id',
      [userId],
    );
    return rows.map(toAuditEntry);
  }
}
