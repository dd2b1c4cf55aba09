import { newId } from './ids.js';
import type { ChannelId } from '../../core/types.js';
import { LinkExistsError, LinkNotFoundError } from '../errors.js';
import { targetKeyOf } from '../target-key.js';
import type { Link, LinkId, LinkInput, LinkRepo, NetworkName, TargetKey } from '../types.js';
import type { SqlDatabase } from './db.js';
import { toLink } from './rows.js';

/** LinkRepo over SQL; `db()` throws StoreClosedError when the store is not open. */
export class SqlLinkRepo implements LinkRepo {
  constructor(
    private readonly db: () => SqlDatabase,
    private readonly now: () => number,
  ) {}

  async create(input: LinkInput): Promise<Link> {
    const targetKey = targetKeyOf(input.network, input.target);
    // Store the target with sorted keys, so it reads back the same whatever order it came in.
    const target: Record<string, string> = {};
    for (const k of Object.keys(input.target).sort()) target[k] = input.target[k]!;
    // ON CONFLICT DO NOTHING keeps the duplicate check in the database (safe between gateways)
    // without parsing driver-specific unique-violation errors.
    const rows = await this.db().all(
      `INSERT INTO links (id, channel, network, target, target_key, created_at)
       VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (network, target_key) DO NOTHING
       RETURNING *`,
      [newId(), input.channel, input.network, JSON.stringify(target), targetKey, this.now()],
    );
    if (!rows[0]) throw new LinkExistsError(input.network, targetKey);
    return toLink(rows[0]);
  }

  async delete(id: LinkId): Promise<void> {
    const now = this.now();
    await this.db().transaction(async (tx) => {
      const removed = await tx.run('DELETE FROM links WHERE id = ?', [id]);
      if (removed === 0) throw new LinkNotFoundError(id);
      await tx.run(
        `UPDATE outbox SET state = 'dead', last_error = 'link deleted', updated_at = ?
         WHERE link_id = ? AND state IN ('pending', 'sending')`,
        [now, id],
      );
    });
  }

  async get(id: LinkId): Promise<Link | undefined> {
    const rows = await this.db().all('SELECT * FROM links WHERE id = ?', [id]);
    return rows[0] ? toLink(rows[0]) : undefined;
  }

  async list(): Promise<Link[]> {
    const rows = await this.db().all('SELECT * FROM links ORDER BY created_at, id');
    return rows.map(toLink);
  }

  async listByChannel(channel: ChannelId): Promise<Link[]> {
    const rows = await this.db().all(
      'SELECT * FROM links WHERE channel = ? ORDER BY created_at, id',
      [channel],
    );
    return rows.map(toLink);
  }

  async findByTarget(network: NetworkName, targetKey: TargetKey): Promise<Link | undefined> {
    const rows = await this.db().all('SELECT * FROM links WHERE network = ? AND target_key = ?', [
      network,
      targetKey,
    ]);
    return rows[0] ? toLink(rows[0]) : undefined;
  }
}
