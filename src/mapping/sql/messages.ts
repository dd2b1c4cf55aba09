import type { MessageId } from '../../core/types.js';
import { MessageMappingConflictError } from '../errors.js';
import type {
  ExternalMessageId,
  MessageMapping,
  MessageMappingInput,
  MessageRepo,
  NetworkName,
  TargetKey,
} from '../types.js';
import type { SqlDatabase, SqlExecutor, SqlParam } from './db.js';
import { toMessageMapping } from './rows.js';

/** Ids per statement of getManyByExternal: well under both databases' parameter limits. */
const MAX_IDS_PER_QUERY = 256;

/**
 * Inserts one mapping or returns the stored one; throws when the external id is already mapped
 * to another message. Shared with OutboxRepo.markSent, which calls it inside its transaction.
 */
export async function putMapping(
  tx: SqlExecutor,
  input: MessageMappingInput,
  now: number,
): Promise<MessageMapping> {
  const inserted = await tx.all(
    `INSERT INTO message_map
       (network, target_key, external_id, message_id, channel, direction, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (network, target_key, external_id) DO NOTHING
     RETURNING *`,
    [
      input.network,
      input.targetKey,
      input.externalId,
      input.messageId,
      input.channel,
      input.direction,
      now,
    ],
  );
  if (inserted[0]) return toMessageMapping(inserted[0]);
  const rows = await tx.all(
    'SELECT * FROM message_map WHERE network = ? AND target_key = ? AND external_id = ?',
    [input.network, input.targetKey, input.externalId],
  );
  const existing = toMessageMapping(rows[0]!);
  if (existing.messageId !== input.messageId) {
    throw new MessageMappingConflictError(
      input.network,
      input.targetKey,
      input.externalId,
      existing.messageId,
      input.messageId,
    );
  }
  return existing;
}

/** Rows per multi-row INSERT of putMany (7 parameters each). */
const MAX_ROWS_PER_INSERT = 128;

const rowKey = (network: string, targetKey: string, externalId: string): string =>
  `${network}\n${targetKey}\n${externalId}`;

/**
 * Inserts `rows` in one statement, leaving out those whose key is stored; returns the keys
 * (rowKey) of the rows it inserted.
 */
async function insertRows(
  tx: SqlExecutor,
  rows: readonly MessageMappingInput[],
  now: number,
): Promise<Set<string>> {
  const params: SqlParam[] = [];
  for (const r of rows) {
    params.push(r.network, r.targetKey, r.externalId, r.messageId, r.channel, r.direction, now);
  }
  const values = Array.from({ length: rows.length }, () => '(?, ?, ?, ?, ?, ?, ?)').join(', ');
  const inserted = await tx.all(
    `INSERT INTO message_map
       (network, target_key, external_id, message_id, channel, direction, created_at)
     VALUES ${values}
     ON CONFLICT (network, target_key, external_id) DO NOTHING
     RETURNING network, target_key, external_id`,
    params,
  );
  return new Set(
    inserted.map((row) =>
      rowKey(String(row.network), String(row.target_key), String(row.external_id)),
    ),
  );
}

/** MessageRepo over SQL; `db()` throws StoreClosedError when the store is not open. */
export class SqlMessageRepo implements MessageRepo {
  constructor(
    private readonly db: () => SqlDatabase,
    private readonly now: () => number,
  ) {}

  put(input: MessageMappingInput): Promise<MessageMapping> {
    return putMapping(this.db(), input, this.now());
  }

  async putMany(inputs: readonly MessageMappingInput[]): Promise<MessageMappingConflictError[]> {
    if (inputs.length === 0) return [];
    const now = this.now();
    return this.db().transaction(async (tx) => {
      const conflicts: MessageMappingConflictError[] = [];
      let start = 0;
      while (start < inputs.length) {
        // Pieces of a power of two rows (500 = 256 + 128 + 64 + …, at most MAX_ROWS_PER_INSERT):
        // a handful of statement texts serve every batch size.
        const rest = Math.min(inputs.length - start, MAX_ROWS_PER_INSERT);
        const part = inputs.slice(start, start + 2 ** Math.floor(Math.log2(rest)));
        start += part.length;
        const inserted = await insertRows(tx, part, now);
        for (const input of part) {
          // Deleted once seen, so a second row with the same key is checked like a stored one.
          if (inserted.delete(rowKey(input.network, input.targetKey, input.externalId))) continue;
          // Stored before (or twice in the batch): the same message is a no-op, another a conflict.
          try {
            await putMapping(tx, input, now);
          } catch (error) {
            if (!(error instanceof MessageMappingConflictError)) throw error;
            conflicts.push(error);
          }
        }
      }
      return conflicts;
    });
  }

  async getByExternal(
    network: NetworkName,
    targetKey: TargetKey,
    externalId: ExternalMessageId,
  ): Promise<MessageMapping | undefined> {
    const rows = await this.db().all(
      'SELECT * FROM message_map WHERE network = ? AND target_key = ? AND external_id = ?',
      [network, targetKey, externalId],
    );
    return rows[0] ? toMessageMapping(rows[0]) : undefined;
  }

  async getManyByExternal(
    network: NetworkName,
    targetKey: TargetKey,
    externalIds: readonly ExternalMessageId[],
  ): Promise<Map<ExternalMessageId, MessageMapping>> {
    const found = new Map<ExternalMessageId, MessageMapping>();
    const ids = [...new Set(externalIds)];
    for (let start = 0; start < ids.length; start += MAX_IDS_PER_QUERY) {
      const part = ids.slice(start, start + MAX_IDS_PER_QUERY);
      // Padded to a power of two (repeating the last id, which IN ignores), so a handful of
      // statement texts serve every size and the prepared-statement cache stays small.
      const width = 2 ** Math.ceil(Math.log2(part.length));
      const params: SqlParam[] = [network, targetKey, ...part];
      while (params.length < width + 2) params.push(part[part.length - 1]!);
      const rows = await this.db().all(
        `SELECT * FROM message_map WHERE network = ? AND target_key = ?
         AND external_id IN (${Array.from({ length: width }, () => '?').join(', ')})`,
        params,
      );
      for (const row of rows) {
        const mapping = toMessageMapping(row);
        found.set(mapping.externalId, mapping);
      }
    }
    return found;
  }

  async listByMessage(
    messageId: MessageId,
    target?: { readonly network: NetworkName; readonly targetKey: TargetKey },
  ): Promise<MessageMapping[]> {
    // rowid/ctid are dialect-specific, so ties in created_at fall back to the key columns.
    const rows =
      target === undefined
        ? await this.db().all(
            `SELECT * FROM message_map WHERE message_id = ?
             ORDER BY created_at, network, target_key, external_id`,
            [messageId],
          )
        : await this.db().all(
            `SELECT * FROM message_map WHERE message_id = ? AND network = ? AND target_key = ?
             ORDER BY created_at, external_id`,
            [messageId, target.network, target.targetKey],
          );
    return rows.map(toMessageMapping);
  }

  deleteByMessage(messageId: MessageId): Promise<number> {
    return this.db().run('DELETE FROM message_map WHERE message_id = ?', [messageId]);
  }
}
