/**
 * The Slack adapter connected to a fresh fake, for contract tests, in either receiver mode:
 * Socket Mode (the fake's WebSocket) or HTTP (the fake POSTs signed requests to the adapter's
 * Events API listener on a free loopback port). Emitted events are collected in order.
 */
import type { SlackAdapter } from '../../../src/bridges/slack/index.js';
import { createSlackAdapter } from '../../../src/bridges/slack/index.js';
import type {
  AdapterComponents,
  AdapterHealth,
  AdapterLogger,
  InboundEvent,
  LinkControl,
  AccountLinkControl,
  NetworkName,
} from '../../../src/bridges/types.js';
import { eventually } from '../../support/eventually.js';
import { quietLogger } from '../../support/quiet-logger.js';
import { freePort } from '../free-port.js';
import { startSlackFake, type SlackFake, type SlackFakeOptions } from './index.js';

export type ReceiverMode = 'socket' | 'http';

export interface SlackHarness {
  readonly fake: SlackFake;
  readonly adapter: SlackAdapter;
  readonly events: InboundEvent[];
  /** Every health the adapter reported (its `reportHealth`), in order. */
  readonly healths: AdapterHealth[];
  readonly mode: ReceiverMode;
  /** The adapter's Events API URL (mode http). */
  readonly eventsUrl: string | undefined;
  stop(): Promise<void>;
}

export { quietLogger };

/** Generous limits so ordinary tests are never throttled; rate-limit tests pass their own. */
export const LOOSE_LIMITS = () => ({ rate: 1_000, burst: 1_000 });

export async function startSlackHarness(
  mode: ReceiverMode,
  options: {
    fake?: SlackFakeOptions;
    config?: Record<string, unknown>;
    /** The link control `/multichat` uses; absent, the command says linking is off. */
    links?: LinkControl;
    /** The account linking `/multichat link [CODE]` uses; absent, it says linking is off. */
    accounts?: AccountLinkControl;
    /** The adapter's logger (quiet by default), for tests that check what was logged. */
    logger?: AdapterLogger;
    /** Where the adapter reports what it does not carry (the contract suite records it). */
    reportDrop?: AdapterComponents['reportDrop'];
  } = {},
): Promise<SlackHarness> {
  const fake = await startSlackFake({
    limits: LOOSE_LIMITS,
    pingIntervalMs: 1_000,
    ...options.fake,
  });
  const events: InboundEvent[] = [];
  const port = mode === 'http' ? await freePort() : 0;
  const eventsUrl = mode === 'http' ? `http://127.0.0.1:${port}/slack/events` : undefined;
  if (eventsUrl) fake.useHttp(eventsUrl);
  const build = createSlackAdapter(
    {
      botToken: fake.botToken,
      apiUrl: fake.apiUrl,
      mode,
      ...(mode === 'socket'
        ? { appToken: fake.appToken }
        : { signingSecret: fake.signingSecret, listen: { host: '127.0.0.1', port } }),
      clientPingTimeoutMs: 300,
      // The fake serves attachments on loopback.
      allowPrivateAttachmentUrls: true,
      startTimeoutMs: 10_000,
      ...options.config,
    },
    'slack' as NetworkName,
  );
  const healths: AdapterHealth[] = [];
  const adapter = build({
    logger: options.logger ?? quietLogger,
    clock: { now: Date.now },
    emit: async (event) => {
      events.push(event);
    },
    reportHealth: (health) => healths.push(health),
    ...(options.reportDrop && { reportDrop: options.reportDrop }),
    ...(options.links && { links: options.links }),
    ...(options.accounts && { accounts: options.accounts }),
  }) as SlackAdapter;
  await adapter.start();
  if (adapter.health().state !== 'connected')
    throw new Error(`adapter not connected: ${JSON.stringify(adapter.health())}`);
  return {
    fake,
    adapter,
    events,
    healths,
    mode,
    eventsUrl,
    async stop() {
      await adapter.stop();
      await fake.stop();
    },
  };
}

/** Polls `check` every 10 ms, at most `tries` times. */
export async function until(check: () => boolean, what: string, tries = 500): Promise<void> {
  // `tries` polls 10 ms apart, kept as the call sites' unit; the waiting is the shared helper's.
  await eventually(check, { what, timeoutMs: tries * 10, intervalMs: 10 });
}
