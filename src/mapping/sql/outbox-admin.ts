/**
 * The operator's view of the outbox: listing what is not delivered, counts per link, and the
 * two hands-on actions, retry and discard. Kept apart from sql/outbox.ts, which serves the
 * delivery worker.
 */
import { DeliveryNotFoundError, DeliveryStateError, OutboxCursorError } from '../errors.js';
import type {
  Delivery,
  DeliveryId,
  LinkId,
  NetworkName,
  OutboxPage,
  OutboxQuery,
  OutboxSummaryRow,
  UndeliveredState,
} from '../types.js';
import type { SqlExecutor, SqlParam } from './db.js';
import { num, str, toDelivery } from './rows.js';

const UNDELIVERED: readonly UndeliveredState[] = ['pending', 'sending', 'dead'];
const MAX_PAGE = 500;

/** A cursor is `<createdAt>~<id>` of the last row of a page: rows sort by (created_at, id). */
function cursorOf(d: Delivery): string {
  return `${d.createdAt}~${d.id}`;
}

function parseCursor(cursor: string): [number, string] {
  const match = /^(\d{1,16})~([0-9a-f-]{1,64})$/.exec(cursor);
  if (!match) throw new OutboxCursorError(cursor);
  return [Number(match[1]), match[2] as string];
}

export async function listUndelivered(
  db: SqlExecutor,
  query: OutboxQuery = {},
): Promise<OutboxPage> {
  const states = (query.states?.length ? query.states : UNDELIVERED).filter((s) =>
    UNDELIVERED.includes(s),
  );
  const limit = Math.min(MAX_PAGE, Math.max(1, Math.floor(query.limit ?? 50)));
  const where = [`state IN (${states.map(() => '?').join(', ')})`];
  const params: SqlParam[] = [...states];
  if (query.network !== undefined) {
    where.push('network = ?');
    params.push(query.network);
  }
  if (query.linkId !== undefined) {
    where.push('link_id = ?');
    params.push(query.linkId);
  }
  if (query.after !== undefined) {
    const [at, id] = parseCursor(query.after);
    where.push('(created_at > ? OR (created_at = ? AND id > ?))');
    params.push(at, at, id);
  }
  // One row more than asked tells whether another page exists.
  const rows = await db.all(
    `SELECT * FROM outbox WHERE ${where.join(' AND ')} ORDER BY created_at, id LIMIT ?`,
    [...params, limit + 1],
  );
  const items = rows.slice(0, limit).map(toDelivery);
  const last = items[items.length - 1];
  return rows.length > limit && last ? { items, next: cursorOf(last) } : { items };
}

export async function summarizeUndelivered(db: SqlExecutor): Promise<OutboxSummaryRow[]> {
  // The latest error of each group is read by a correlated subquery: PostgreSQL does not allow
  // a bare column next to an aggregate, as SQLite would.
  const rows = await db.all(
    `SELECT o.link_id, o.network, o.state, COUNT(*) AS n, MIN(o.created_at) AS oldest,
       (SELECT h.last_error FROM outbox h
         WHERE h.link_id = o.link_id AND h.network = o.network AND h.state = o.state
           AND h.last_error IS NOT NULL
         ORDER BY h.updated_at DESC, h.id DESC LIMIT 1) AS last_error
     FROM outbox o WHERE o.state <> 'sent'
     GROUP BY o.link_id, o.network, o.state
     ORDER BY o.network, o.link_id, o.state`,
  );
  return rows.map((r) => ({
    linkId: str(r.link_id) as LinkId,
    network: str(r.network) as NetworkName,
    state: str(r.state) as UndeliveredState,
    count: num(r.n),
    oldestAt: num(r.oldest),
    lastError: r.last_error === null || r.last_error === undefined ? null : str(r.last_error),
  }));
}

/** Tells a missing id from a state the action does not take, after an UPDATE/DELETE matched nothing. */
async function refuse(db: SqlExecutor, id: DeliveryId, wanted: string): Promise<never> {
  const current = await db.all('SELECT state FROM outbox WHERE id = ?', [id]);
  if (!current[0]) throw new DeliveryNotFoundError(id);
  throw new DeliveryStateError(id, String(current[0].state), wanted);
}

export async function requeueDelivery(
  db: SqlExecutor,
  id: DeliveryId,
  now: number,
): Promise<Delivery> {
  // 'sending' is refused: the worker has it in flight and will settle it itself.
  const rows = await db.all(
    `UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = ?, updated_at = ?
     WHERE id = ? AND state IN ('pending', 'dead') RETURNING *`,
    [now, now, id],
  );
  if (rows[0]) return toDelivery(rows[0]);
  return refuse(db, id, 'pending');
}

export async function discardDelivery(db: SqlExecutor, id: DeliveryId): Promise<void> {
  const n = await db.run(`DELETE FROM outbox WHERE id = ? AND state IN ('pending', 'dead')`, [id]);
  if (n === 0) await refuse(db, id, 'discarded');
}
