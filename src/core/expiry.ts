/**
 * Expiry and retention. Every replica deletes a message's content on its own once the signed
 * expiry (or the channel's retention) has passed, so no log entry is needed; the tombstone row
 * stays, and the WAL is checkpointed so the text is gone from disk, not only from the index.
 */
import { deleteMessageContent } from './state/apply.js';
import type { NodeInternals } from './internals.js';
import type { EventPublisher } from './publish.js';
import type { ChannelId, MessageId, UserId } from './types.js';

export class ExpirySweeper {
  private checkpointDue = false;

  constructor(
    private readonly q: NodeInternals,
    private readonly publisher: EventPublisher,
  ) {}

  /** Deletes what has expired; returns how many messages it retired. */
  sweep(): number {
    this.checkpointIfDue();
    const now = this.q.now();
    const { projections } = this.q;
    const ids = new Set(projections.expired.all(now) as MessageId[]);
    for (const row of projections.retentionChannels.all() as {
      channel_id: ChannelId;
      retention_seconds: number;
    }[]) {
      for (const id of projections.retired.all(
        row.channel_id,
        now - row.retention_seconds * 1000,
      ) as MessageId[]) {
        ids.add(id);
      }
    }
    if (ids.size === 0) return 0;
    const { committed } = this.q.commit.run(
      () => {
        const retired: { id: MessageId; channel: ChannelId; sender: UserId }[] = [];
        for (const id of ids) {
          const row = projections.message.get(id) as
            { channel: ChannelId; sender: UserId } | undefined;
          if (!row) continue;
          deleteMessageContent(this.q, id);
          if (projections.markDeleted.run(id).changes > 0) retired.push({ id, ...row });
        }
        return retired;
      },
      (retired) => {
        this.checkpointDue = true;
        for (const r of retired) this.publisher.expired(r.channel, r.id, r.sender);
        setImmediate(() => this.checkpointIfDue());
      },
    );
    committed.catch((error: unknown) => this.q.logger.error({ err: error }, 'expiry sweep failed'));
    return ids.size;
  }

  /** Moves the WAL (which may still hold deleted text) into the main file and truncates it. */
  private checkpointIfDue(): void {
    if (!this.checkpointDue || !this.q.db.open || this.q.db.inTransaction) return;
    this.q.db.pragma('wal_checkpoint(TRUNCATE)');
    this.checkpointDue = false;
  }
}
