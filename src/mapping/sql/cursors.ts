import type { CursorRepo, NetworkName } from '../types.js';
import type { SqlExecutor } from './db.js';
import { str } from './rows.js';

/** CursorRepo over SQL; `db()` throws StoreClosedError when the store is not open. */
export class SqlCursorRepo implements CursorRepo {
  constructor(
    private readonly db: () => SqlExecutor,
    private readonly now: () => number,
  ) {}

  async get(network: NetworkName, key: string): Promise<string | undefined> {
    const rows = await this.db().all('SELECT value FROM cursors WHERE network = ? AND key = ?', [
      network,
      key,
    ]);
    return rows[0] ? str(rows[0].value) : undefined;
  }

  async set(network: NetworkName, key: string, value: string): Promise<void> {
    await this.db().run(
      `INSERT INTO cursors (network, key, value, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (network, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
      [network, key, value, this.now()],
    );
  }
}
