import { newId } from './ids.js';
import { DeliveryNotFoundError, DeliveryStateError } from '../errors.js';
import type {
  Delivery,
  DeliveryId,
  DeliveryInput,
  DeliveryState,
  ExternalMessageId,
  MessageMappingInput,
  OutboxPage,
  OutboxQuery,
  OutboxRepo,
  OutboxSummaryRow,
} from '../types.js';
import type { SqlDatabase, SqlExecutor, SqlParam } from './db.js';
import { putMapping } from './messages.js';
import { num, toDelivery } from './rows.js';
import { selectDue } from './outbox-due.js';
import { enqueueOne } from './outbox-enqueue.js';
import {
  discardDelivery,
  listUndelivered,
  requeueDelivery,
  summarizeUndelivered,
} from './outbox-admin.js';

const OPEN = "state IN ('pending', 'sending')";

/** OutboxRepo over SQL; `db()` throws StoreClosedError when the store is not open. */
export class SqlOutboxRepo implements OutboxRepo {
  constructor(
    private readonly db: () => SqlDatabase,
    private readonly now: () => number,
  ) {}

  enqueue(deliveries: readonly DeliveryInput[]): Promise<Delivery[]> {
    if (deliveries.length === 0) return Promise.resolve([]);
    const now = this.now();
    return this.db().transaction(async (tx) => {
      const out: Delivery[] = [];
      for (const d of deliveries) out.push(await enqueueOne(tx, d, newId(), now));
      return out;
    });
  }

  async nextDue(now: number, limitPerTarget = 1): Promise<Delivery[]> {
    const limit = Math.max(1, Math.floor(limitPerTarget));
    return selectDue(this.db(), now, limit);
  }

  markSending(id: DeliveryId, leaseUntil?: number): Promise<Delivery> {
    return this.transition(
      id,
      'sending',
      `state = 'sending', attempts = attempts + 1,
       next_attempt_at = COALESCE(?, next_attempt_at), updated_at = ?`,
      [leaseUntil ?? null, this.now()],
    );
  }

  markSent(
    id: DeliveryId,
    externalIds: readonly ExternalMessageId[],
    mappings: readonly MessageMappingInput[] = [],
  ): Promise<Delivery> {
    const now = this.now();
    return this.db().transaction(async (tx) => {
      const sent = await this.transition(
        id,
        'sent',
        `state = 'sent', external_ids = ?, last_error = NULL, updated_at = ?`,
        [JSON.stringify(externalIds), now],
        tx,
      );
      for (const m of mappings) await putMapping(tx, m, now);
      return sent;
    });
  }

  markRetry(id: DeliveryId, error: string, nextAttemptAt: number): Promise<Delivery> {
    return this.transition(
      id,
      'pending',
      `state = 'pending', last_error = ?, next_attempt_at = ?, updated_at = ?`,
      [error, nextAttemptAt, this.now()],
    );
  }

  markDead(id: DeliveryId, reason: string): Promise<Delivery> {
    return this.transition(id, 'dead', `state = 'dead', last_error = ?, updated_at = ?`, [
      reason,
      this.now(),
    ]);
  }

  async get(id: DeliveryId): Promise<Delivery | undefined> {
    const rows = await this.db().all('SELECT * FROM outbox WHERE id = ?', [id]);
    return rows[0] ? toDelivery(rows[0]) : undefined;
  }

  async getByKey(idempotencyKey: string): Promise<Delivery | undefined> {
    const rows = await this.db().all('SELECT * FROM outbox WHERE idempotency_key = ?', [
      idempotencyKey,
    ]);
    return rows[0] ? toDelivery(rows[0]) : undefined;
  }

  async listDead(limit = 100): Promise<Delivery[]> {
    const rows = await this.db().all(
      `SELECT * FROM outbox WHERE state = 'dead' ORDER BY updated_at DESC, sequence DESC LIMIT ?`,
      [Math.max(0, Math.floor(limit))],
    );
    return rows.map(toDelivery);
  }

  async countByState(): Promise<Record<DeliveryState, number>> {
    const rows = await this.db().all('SELECT state, COUNT(*) AS n FROM outbox GROUP BY state');
    const counts: Record<DeliveryState, number> = { pending: 0, sending: 0, sent: 0, dead: 0 };
    for (const r of rows) counts[r.state as DeliveryState] = num(r.n);
    return counts;
  }

  pruneSent(before: number): Promise<number> {
    return this.db().run(`DELETE FROM outbox WHERE state = 'sent' AND updated_at < ?`, [before]);
  }

  list(query?: OutboxQuery): Promise<OutboxPage> {
    return listUndelivered(this.db(), query);
  }

  summary(): Promise<OutboxSummaryRow[]> {
    return summarizeUndelivered(this.db());
  }

  requeue(id: DeliveryId): Promise<Delivery> {
    return requeueDelivery(this.db(), id, this.now());
  }

  discard(id: DeliveryId): Promise<void> {
    return discardDelivery(this.db(), id);
  }

  /**
   * Applies `set` to an open delivery in one statement (the state check and the change cannot
   * be split by another writer); tells a missing id from a final state when nothing matched.
   */
  private async transition(
    id: DeliveryId,
    wanted: DeliveryState,
    set: string,
    params: readonly SqlParam[],
    tx: SqlExecutor = this.db(),
  ): Promise<Delivery> {
    const rows = await tx.all(`UPDATE outbox SET ${set} WHERE id = ? AND ${OPEN} RETURNING *`, [
      ...params,
      id,
    ]);
    if (rows[0]) return toDelivery(rows[0]);
    const current = await tx.all('SELECT state FROM outbox WHERE id = ?', [id]);
    if (!current[0]) throw new DeliveryNotFoundError(id);
    throw new DeliveryStateError(id, String(current[0].state), wanted);
  }
}
