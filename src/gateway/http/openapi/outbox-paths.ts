import { outboxQuery } from '../routes/outbox.js';
import { obj, type Json } from './components.js';
import { operation, type Op } from './operation.js';

const nullableText: Json = { type: ['string', 'null'] };
const time: Json = { type: 'string', format: 'date-time' };

const delivery = obj({
  id: { type: 'string' },
  linkId: { type: 'string' },
  network: { type: 'string' },
  channel: { type: 'string' },
  kind: { type: 'string', description: 'the event carried (send, edit, delete, react, …)' },
  state: { enum: ['pending', 'sending', 'dead'] },
  attempts: { type: 'integer', minimum: 0 },
  lastError: nullableText,
  nextAttemptAt: time,
  createdAt: time,
  updatedAt: time,
});

const linkCounts = obj({
  linkId: { type: 'string' },
  network: { type: 'string' },
  pending: { type: 'integer', minimum: 0 },
  sending: { type: 'integer', minimum: 0 },
  dead: { type: 'integer', minimum: 0 },
  lastError: { ...nullableText, description: 'a dead letter’s reason, else the latest error' },
});

const page: Json = {
  type: 'object',
  properties: {
    links: { type: 'array', items: linkCounts },
    deliveries: { type: 'array', items: delivery },
    next: { type: 'string', description: 'pass as `after` for the next page' },
  },
  required: ['links', 'deliveries'],
};

const withId = (operationId: string, op: Op): Json => ({ ...operation(op), operationId });

/** Adds an operationId, and response links to the operations taking a listed delivery's id. */
function listOperation(): Json {
  const op = operation({
    summary:
      'Undelivered deliveries (pending, sending, dead), oldest first, and counts per link with the last error (admin)',
    auth: 'admin',
    query: outboxQuery,
    ok: [200, 'a page of deliveries and every link’s counts', page],
  });
  const responses = op.responses as Json;
  const id = { id: '$response.body#/deliveries/0/id' };
  responses['200'] = {
    ...(responses['200'] as Json),
    links: {
      retry: { operationId: 'retryDelivery', parameters: id },
      discard: { operationId: 'discardDelivery', parameters: id },
    },
  };
  return { ...op, operationId: 'listOutbox' };
}

/** OpenAPI path items of routes/outbox.ts, for `startGateway`'s `openApiPaths`. */
export const outboxOpenApiPaths: Readonly<Record<string, Json>> = {
  '/api/v1/outbox': { get: listOperation() },
  '/api/v1/outbox/{id}/retry': {
    post: withId('retryDelivery', {
      summary: 'Deliver a dead or waiting delivery again now, with its attempts reset (admin)',
      auth: 'admin',
      params: ['id'],
      ok: [200, 'the delivery, pending and due now', delivery],
      answers: { 409: 'the delivery is in flight or already sent' },
    }),
  },
  '/api/v1/outbox/{id}': {
    delete: withId('discardDelivery', {
      summary: 'Discard a dead or waiting delivery: it is never sent (admin)',
      auth: 'admin',
      params: ['id'],
      ok: [204, 'discarded'],
      answers: { 409: 'the delivery is in flight or already sent' },
    }),
  },
};
