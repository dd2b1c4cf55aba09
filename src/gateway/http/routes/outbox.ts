/**
 * `GET /api/v1/outbox`, `POST /api/v1/outbox/:id/retry`, `DELETE /api/v1/outbox/:id` (admin
 * token only): what the bridges have not delivered yet (pending, in flight) or gave up on
 * (dead), per link with the last error, and the operator's two actions on one delivery.
 * Message content stays out of the answer: only the kind of event is shown.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { ConflictError, NotFoundError, ValidationError } from '../../../core/errors.js';
import {
  DeliveryNotFoundError,
  DeliveryStateError,
  OutboxCursorError,
} from '../../../mapping/index.js';
import type {
  Delivery,
  DeliveryId,
  LinkId,
  NetworkName,
  OutboxRepo,
  OutboxSummaryRow,
} from '../../../mapping/types.js';
import type { RouteModule } from '../app.js';
import { readQuery } from '../body.js';
import { requireAdmin, type AppEnv } from '../context.js';

/** What the routes need: the store's outbox, and a way to wake the delivery worker. */
export interface OutboxDeps {
  readonly outbox: Pick<OutboxRepo, 'list' | 'summary' | 'requeue' | 'discard'>;
  /** Called after a retry so the delivery goes out now, not at the next poll. */
  readonly kick: () => void;
}

export const outboxQuery = z.strictObject({
  state: z.enum(['pending', 'sending', 'dead']).optional(),
  network: z.string().min(1).max(64).optional(),
  link: z.string().min(1).max(128).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
  /** The `next` of the previous page: `<createdAt>~<id>` (the mapping store's cursor). */
  after: z
    .string()
    .regex(/^\d{1,16}~[0-9a-f-]{1,64}$/)
    .optional(),
});

/** One delivery as the API shows it. */
export function deliveryJson(d: Delivery): Record<string, unknown> {
  const action = d.action as { kind?: unknown } | null;
  return {
    id: d.id,
    linkId: d.linkId,
    network: d.network,
    channel: d.channel,
    kind: typeof action?.kind === 'string' ? action.kind : 'other',
    state: d.state,
    attempts: d.attempts,
    lastError: d.lastError,
    nextAttemptAt: new Date(d.nextAttemptAt).toISOString(),
    createdAt: new Date(d.createdAt).toISOString(),
    updatedAt: new Date(d.updatedAt).toISOString(),
  };
}

/** Folds the per-state rows into one entry per link. */
export function linksJson(rows: readonly OutboxSummaryRow[]): Record<string, unknown>[] {
  const byLink = new Map<string, { row: OutboxSummaryRow; counts: Record<string, number> }>();
  for (const r of rows) {
    const entry = byLink.get(r.linkId) ?? { row: r, counts: { pending: 0, sending: 0, dead: 0 } };
    entry.counts[r.state] = r.count;
    // The newest error wins only within a state; a dead letter's reason is the one to show.
    if (r.state === 'dead' || entry.row.lastError === null) entry.row = r;
    byLink.set(r.linkId, entry);
  }
  return [...byLink.values()].map(({ row, counts }) => ({
    linkId: row.linkId,
    network: row.network,
    pending: counts.pending,
    sending: counts.sending,
    dead: counts.dead,
    lastError: row.lastError,
  }));
}

function translate(error: unknown): never {
  if (error instanceof DeliveryNotFoundError) throw new NotFoundError('delivery', error.deliveryId);
  if (error instanceof DeliveryStateError) throw new ConflictError(error.message);
  if (error instanceof OutboxCursorError) throw new ValidationError('after', error.message);
  throw error;
}

/** The outbox route module for `createApp({ routes: [...] })`. */
export function outboxRoutes(deps: OutboxDeps): RouteModule {
  return () => {
    const app = new Hono<AppEnv>();

    app.get('/outbox', async (c) => {
      requireAdmin(c);
      const q = readQuery(c, outboxQuery);
      const [page, summary] = await Promise.all([
        deps.outbox
          .list({
            ...(q.state && { states: [q.state] }),
            ...(q.network && { network: q.network as NetworkName }),
            ...(q.link && { linkId: q.link as LinkId }),
            ...(q.limit !== undefined && { limit: q.limit }),
            ...(q.after && { after: q.after }),
          })
          .catch(translate),
        deps.outbox.summary(),
      ]);
      return c.json({
        links: linksJson(summary),
        deliveries: page.items.map(deliveryJson),
        ...(page.next !== undefined && { next: page.next }),
      });
    });

    app.post('/outbox/:id/retry', async (c) => {
      requireAdmin(c);
      const delivery = await deps.outbox.requeue(c.req.param('id') as DeliveryId).catch(translate);
      deps.kick();
      return c.json(deliveryJson(delivery));
    });

    app.delete('/outbox/:id', async (c) => {
      requireAdmin(c);
      await deps.outbox.discard(c.req.param('id') as DeliveryId).catch(translate);
      return c.body(null, 204);
    });

    return app;
  };
}
