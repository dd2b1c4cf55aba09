import { MemoTextError } from '../errors.js';
import type { MemoRepo, NetworkName } from '../types.js';
import type { SqlExecutor } from './db.js';
import { str } from './rows.js';

/** MemoRepo over SQL; `db()` throws StoreClosedError when the store is not open. */
export class SqlMemoRepo implements MemoRepo {
  constructor(
    private readonly db: () => SqlExecutor,
    private readonly now: () => number,
  ) {}

  async get(network: NetworkName, kind: string, key: string): Promise<string | undefined> {
    const rows = await this.db().all(
      'SELECT value FROM adapter_memos WHERE network = ? AND kind = ? AND key = ?',
      [network, kind, key],
    );
    return rows[0] ? str(rows[0].value) : undefined;
  }

  async set(network: NetworkName, kind: string, key: string, value: string): Promise<void> {
    // Refused the same way on both dialects, so SQLite never accepts what PostgreSQL cannot.
    if ([kind, key, value].some((t) => t.includes('\u0000'))) throw new MemoTextError(kind);
    await this.db().run(
      `INSERT INTO adapter_memos (network, kind, key, value, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (network, kind, key)
       DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
      [network, kind, key, value, this.now()],
    );
  }

  async delete(network: NetworkName, kind: string, key: string): Promise<boolean> {
    const changed = await this.db().run(
      'DELETE FROM adapter_memos WHERE network = ? AND kind = ? AND key = ?',
      [network, kind, key],
    );
    return changed > 0;
  }
}
