/**
 * The Discord adapter connected to a fresh fake, for contract tests: events it emits are
 * collected in order; `until` polls (bounded) for a condition.
 */
import type { DiscordAdapter } from '../../../src/bridges/discord/index.js';
import { createDiscordAdapter } from '../../../src/bridges/discord/index.js';
import type {
  AccountLinkControl,
  InboundEvent,
  LinkControl,
  NetworkName,
} from '../../../src/bridges/types.js';
import { eventually } from '../../support/eventually.js';
import { quietLogger } from '../../support/quiet-logger.js';
import { startDiscordFake, type DiscordFake, type DiscordFakeOptions } from './index.js';

export interface DiscordHarness {
  readonly fake: DiscordFake;
  readonly adapter: DiscordAdapter;
  readonly events: InboundEvent[];
  /** What the adapter reported as not carried (`reportDrop`): [kind, reason, detail]. */
  readonly drops: [string, string | undefined, string | undefined][];
  /** A new adapter on the same fake (a gateway restart); the old one must be stopped first. */
  restart(): Promise<DiscordAdapter>;
  stop(): Promise<void>;
}

export { quietLogger };

/** Fast buckets so tests do not wait seconds; the shapes and semantics stay Discord's. */
export const FAST_LIMITS: DiscordFakeOptions = {
  heartbeatIntervalMs: 1_000,
  limitFor: () => ({ limit: 5, windowMs: 100 }),
};

export async function startDiscordHarness(
  options: {
    fake?: DiscordFakeOptions;
    config?: Record<string, unknown>;
    /** The link control `/multichat` uses; absent, the command says linking is off. */
    links?: LinkControl;
    /** The account linking `/multichat link [code:]` uses; absent, it says linking is off. */
    accounts?: AccountLinkControl;
  } = {},
): Promise<DiscordHarness> {
  const fake = await startDiscordFake({ ...FAST_LIMITS, ...options.fake });
  const events: InboundEvent[] = [];
  const drops: DiscordHarness['drops'] = [];
  const make = async (): Promise<DiscordAdapter> => {
    const build = createDiscordAdapter(
      {
        token: fake.token,
        apiUrl: fake.apiUrl,
        cdnUrl: fake.cdnUrl,
        readyTimeoutMs: 10_000,
        ...options.config,
      },
      'discord' as NetworkName,
    );
    const adapter = build({
      logger: quietLogger,
      clock: { now: Date.now },
      emit: async (event) => {
        events.push(event);
      },
      reportHealth: () => undefined,
      reportDrop: (kind, reason, detail) => void drops.push([kind, reason, detail]),
      ...(options.links && { links: options.links }),
      ...(options.accounts && { accounts: options.accounts }),
    }) as DiscordAdapter;
    await adapter.start();
    if (adapter.health().state !== 'connected')
      throw new Error(`adapter not connected: ${JSON.stringify(adapter.health())}`);
    return adapter;
  };
  const harness = {
    fake,
    adapter: await make(),
    events,
    drops,
    async restart() {
      const next = await make();
      (harness as { adapter: DiscordAdapter }).adapter = next;
      return next;
    },
    async stop() {
      await harness.adapter.stop();
      await fake.stop();
    },
  };
  return harness;
}

/** Polls `check` every 10 ms, at most `tries` times (generous: the test machines are shared). */
export async function until(check: () => boolean, what: string, tries = 1_500): Promise<void> {
  // `tries` polls 10 ms apart, kept as the call sites' unit; the waiting is the shared helper's.
  await eventually(check, { what, timeoutMs: tries * 10, intervalMs: 10 });
}
