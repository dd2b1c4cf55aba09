/**
 * A minimal adapter that talks to `http-network.ts` over loopback: sends and edits, passing the
 * idempotency key along as a real network's txnId or nonce.
 */
import { DeliveryError } from '../../src/bridges/errors.js';
import type {
  AdapterComponents,
  AdapterHealth,
  DeliveryResult,
  EditingAdapter,
  ExternalMessageId,
  NetworkName,
} from '../../src/bridges/types.js';

export function createHttpAdapter(options: { name: string; url: string }) {
  const build = (_components: AdapterComponents): EditingAdapter => {
    let health: AdapterHealth = { state: 'stopped' };
    const call = async (path: string, body: unknown): Promise<DeliveryResult> => {
      const res = await fetch(`${options.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }).catch((error: unknown) => {
        throw new DeliveryError('network unreachable', { cause: error });
      });
      if (!res.ok) throw new DeliveryError(`network answered ${res.status}`);
      const { ids } = (await res.json()) as { ids: string[] };
      return { externalIds: ids as ExternalMessageId[] };
    };
    const adapter = {
      name: options.name as NetworkName,
      capabilities: {
        markup: 'markdown',
        maxMessageLength: 4000,
        edits: true,
        deletes: false,
        reactions: false,
        threads: false,
        replies: false,
        presence: false,
        membership: false,
        attachments: false,
        rateLimit: { messagesPerSecond: 0, burst: 1 },
        idempotentSends: true,
      },
      async start() {
        health = { state: 'connected' };
      },
      async stop() {
        health = { state: 'stopped' };
      },
      health: () => health,
      send: (action) =>
        call('/send', {
          idempotencyKey: action.idempotencyKey,
          target: action.targetKey,
          text: action.text,
        }),
      edit: (action) => call('/edit', { externalIds: action.externalIds, text: action.text }),
    } satisfies EditingAdapter;
    return adapter;
  };
  return Object.assign(build, { network: options.name as NetworkName });
}
