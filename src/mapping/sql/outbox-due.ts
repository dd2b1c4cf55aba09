import type { Delivery } from '../types.js';
import type { SqlDatabase } from './db.js';
import { toDelivery } from './rows.js';

/**
 * The first `limit` open deliveries of every target, read through the partial index on open
 * rows with one short index range per target in `outbox_targets`: the cost grows with the
 * number of targets and `limit`, not with the backlog (a target that is down for hours may hold
 * many thousands of rows; scanning them on every poll made nextDue take 100+ ms at 20,000).
 * The plan has to be spelled out per dialect: PostgreSQL has LATERAL; SQLite has not, but its
 * CROSS JOIN fixes the join order so the targets drive the lookups.
 */
const HEADS: Record<SqlDatabase['dialect'], string> = {
  postgres: `
SELECT o.* FROM outbox_targets t
CROSS JOIN LATERAL (
  SELECT * FROM outbox h
  WHERE h.network = t.network AND h.target_key = t.target_key
    AND h.state IN ('pending', 'sending')
  ORDER BY h.sequence LIMIT ?) o
ORDER BY o.network, o.target_key, o.sequence`,
  sqlite: `
SELECT o.* FROM outbox_targets t CROSS JOIN outbox o
WHERE o.network = t.network AND o.target_key = t.target_key
  AND o.state IN ('pending', 'sending')
  AND o.sequence <= COALESCE(
    (SELECT h.sequence FROM outbox h
     WHERE h.network = t.network AND h.target_key = t.target_key
       AND h.state IN ('pending', 'sending')
     ORDER BY h.sequence LIMIT 1 OFFSET ?),
    9007199254740991)
ORDER BY o.network, o.target_key, o.sequence`,
};

/**
 * Head-of-line selection: per target, the open deliveries in sequence order up to the first
 * that is not due yet (it holds back everything behind it). Targets come oldest head first.
 */
export async function selectDue(db: SqlDatabase, now: number, limit: number): Promise<Delivery[]> {
  const param = db.dialect === 'postgres' ? limit : limit - 1;
  const rows = (await db.all(HEADS[db.dialect], [param])).map(toDelivery);
  const groups: Delivery[][] = [];
  let current: Delivery[] = [];
  let blocked = false;
  let prev: Delivery | undefined;
  for (const d of rows) {
    if (!prev || prev.network !== d.network || prev.targetKey !== d.targetKey) {
      current = [];
      groups.push(current);
      blocked = false;
    }
    prev = d;
    if (blocked || d.nextAttemptAt > now) {
      blocked = true;
      continue;
    }
    current.push(d);
  }
  return groups
    .filter((g) => g.length > 0)
    .sort((a, b) => a[0]!.createdAt - b[0]!.createdAt)
    .flat();
}
