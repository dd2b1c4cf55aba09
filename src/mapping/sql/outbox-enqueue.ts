import type { Delivery, DeliveryInput } from '../types.js';
import type { SqlExecutor } from './db.js';
import { toDelivery } from './rows.js';

/**
 * Enqueues one delivery inside the caller's transaction, or returns the stored one with the same
 * idempotency key.
 *
 * The sequence comes from an upsert on the target's counter row. On PostgreSQL that upsert
 * row-locks the counter until commit, so concurrent enqueues to one target (from this or another
 * gateway) take numbers one after the other and commit in that order; on SQLite the transaction
 * holds the write lock anyway. If two gateways race on the same key, the loser's number is
 * skipped: sequences stay strictly increasing, only not gap-free.
 */
export async function enqueueOne(
  tx: SqlExecutor,
  d: DeliveryInput,
  id: string,
  now: number,
): Promise<Delivery> {
  const existing = await tx.all('SELECT * FROM outbox WHERE idempotency_key = ?', [
    d.idempotencyKey,
  ]);
  if (existing[0]) return toDelivery(existing[0]);

  const counter = await tx.all(
    `INSERT INTO outbox_targets (network, target_key, last_sequence) VALUES (?, ?, 1)
     ON CONFLICT (network, target_key)
     DO UPDATE SET last_sequence = outbox_targets.last_sequence + 1
     RETURNING last_sequence`,
    [d.network, d.targetKey],
  );
  const sequence = counter[0]!.last_sequence as number | string;

  const action = JSON.stringify(d.action ?? null);
  const inserted = await tx.all(
    `INSERT INTO outbox
       (id, idempotency_key, link_id, network, target_key, channel, sequence, action, state,
        attempts, next_attempt_at, last_error, external_ids, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, NULL, '[]', ?, ?)
     ON CONFLICT (idempotency_key) DO NOTHING
     RETURNING *`,
    [
      id,
      d.idempotencyKey,
      d.linkId,
      d.network,
      d.targetKey,
      d.channel,
      Number(sequence),
      action,
      d.nextAttemptAt ?? now,
      now,
      now,
    ],
  );
  if (inserted[0]) return toDelivery(inserted[0]);
  // Another writer committed the same key after our first look (PostgreSQL, READ COMMITTED:
  // this statement sees it).
  const raced = await tx.all('SELECT * FROM outbox WHERE idempotency_key = ?', [d.idempotencyKey]);
  return toDelivery(raced[0]!);
}
