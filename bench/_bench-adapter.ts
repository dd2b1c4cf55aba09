/**
 * An adapter for benchmarks that holds nothing: `inject` hands the runtime inbound events as if
 * a network had sent them, and every outbound send is counted and forgotten. Its own memory therefore
 * stays flat, so a process's RSS is the gateway's. The leading `_` keeps run-all from running it.
 */
import type {
  AdapterComponents,
  BridgeAdapter,
  DeliveryResult,
  ExternalMessageId,
  InboundEvent,
  NetworkName,
  SendAction,
} from '../src/bridges/types.js';

export interface BenchNetwork {
  /** Emits an inbound event (resolves once the runtime handled it). */
  inject(event: InboundEvent): Promise<void>;
  /** Sends carried to this network so far. */
  sent(): number;
}

export function createBenchAdapter(
  name: string,
  options: { sendDelayMs?: number } = {},
): {
  build: ((c: AdapterComponents) => BridgeAdapter) & { network: NetworkName };
  net: BenchNetwork;
} {
  let emit: AdapterComponents['emit'] | undefined;
  let sent = 0;
  let seq = 0;
  const net: BenchNetwork = {
    inject: (event) => {
      if (!emit) throw new Error(`${name} is not started`);
      return emit(event);
    },
    sent: () => sent,
  };
  const build = (components: AdapterComponents): BridgeAdapter => {
    emit = components.emit;
    let state: 'connected' | 'stopped' = 'stopped';
    return {
      name: name as NetworkName,
      capabilities: {
        markup: 'markdown',
        maxMessageLength: 4000,
        edits: false,
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
        state = 'connected';
      },
      async stop() {
        state = 'stopped';
      },
      health: () => ({ state }),
      async send(_action: SendAction): Promise<DeliveryResult> {
        if (options.sendDelayMs) await new Promise((r) => setTimeout(r, options.sendDelayMs));
        sent += 1;
        return { externalIds: [`${name}-${++seq}` as ExternalMessageId] };
      },
    };
  };
  return { build: Object.assign(build, { network: name as NetworkName }), net };
}
