/**
 * The bridge runtime: builds the adapters with injected components, routes inbound events into
 * the core, fans core events out to the outbox, and runs the delivery worker. It knows adapters
 * only through the contract in `../types.ts` and never looks at a network's name to decide
 * anything.
 */
import type { MultichatNode } from '../../core/types.js';
import type { MappingStore, TargetKey } from '../../mapping/types.js';
import { AdapterRegistrationError, describe } from '../errors.js';
import type { AdapterBuilder, AdapterHealth, AdapterLogger, BridgeAdapter } from '../types.js';
import { AccountLinks } from './accounts.js';
import { BackfillGate } from './backfill.js';
import { defaultBackoff } from './backoff.js';
import { deliveryListeners, type DeliveryListener } from './delivery-events.js';
import type { AdapterSlot, RuntimeContext, RuntimeOptions } from './context.js';
import { DropStats, type DropCount } from './dropped.js';
import { FanOut } from './fanout.js';
import { InboundHandler } from './inbound.js';
import { mappingWrites } from './inbound-mapping.js';
import { DEFAULT_MAX_HELD_INBOUND, InboundHold } from './inbound-hold.js';
import { LinkManager } from './links.js';
import { MediaStats, type MediaFailureCount } from './media-stats.js';
import { InboundOrigins } from './origins.js';
import { attachPresence } from './presence.js';
import { attachProfiles } from './profiles.js';
import { RateLimiter, type Sleep } from './rate-limiter.js';
import { AdapterSupervisor, type SupervisionOptions } from './supervisor.js';
import { typingListeners, type TypingListener } from './typing.js';
import { DeliveryWorker } from './worker.js';
import { UnmappedTail } from './unmapped-tail.js';

export interface BridgeRuntimeDeps {
  readonly node: MultichatNode;
  /** An initialised mapping store; the runtime does not close it. */
  readonly store: MappingStore;
  /** One builder per configured network (`createXAdapter(config)`). */
  readonly adapters: readonly AdapterBuilder[];
  readonly logger: AdapterLogger & { child?(bindings: object): AdapterLogger };
  /** Default Date.now. */
  readonly now?: () => number;
  /** Waits for rate limits; default a real timer. Tests pass one that moves a virtual clock. */
  readonly sleep?: Sleep;
  readonly options?: Partial<RuntimeOptions>;
  /** Restart backoff and the down-too-long callback (./supervisor.ts). */
  readonly supervision?: SupervisionOptions;
}

export interface BridgeRuntime {
  readonly links: LinkManager;
  /** Account linking: link codes, linked identities (the HTTP users routes use it too). */
  readonly accounts: AccountLinks;
  /**
   * Starts every adapter (failures become health states; a transient one is retried with
   * backoff by ./supervisor.ts), then routing and delivery.
   */
  start(): Promise<void>;
  /** Stops delivery (waiting `graceMs` for in-flight sends), routing, then the adapters. */
  stop(graceMs?: number): Promise<void>;
  health(): Record<string, AdapterHealth>;
  adapter(network: string): BridgeAdapter | undefined;
  /** Wakes the worker (after a clock change in tests, or new links). */
  kick(): void;
  /** Resolves once every heard core event is enqueued and nothing due is left or in flight. */
  settle(): Promise<void>;
  /** Files not carried as files since start, by network, direction and reason (for metrics). */
  mediaFailures(): MediaFailureCount[];
  /** Events not carried since start, by network, kind and reason (for metrics). */
  dropped(): DropCount[];
  /** Bridged people typing in linked channels (ephemeral; the `/api/v1/events` stream). */
  onTyping(listener: TypingListener): () => void;
  /** Each delivery as it is sent or dead-lettered (the gateway's latency histogram). */
  onDelivered(listener: DeliveryListener): () => void;
}

const defaults: RuntimeOptions = {
  maxAttempts: 8,
  backoff: defaultBackoff,
  pollIntervalMs: 1_000,
  sendTimeoutMs: 60_000,
  keepSentMs: 7 * 24 * 3_600_000,
  random: Math.random,
  mediaMaxBytes: 25 * 1024 * 1024,
  blobWaitMs: 15_000,
  mediaLinks: { urlFor: (hash) => `/api/v1/media/${hash}` },
  deleteOriginals: false,
  maxHeldInbound: DEFAULT_MAX_HELD_INBOUND,
};

export function createBridgeRuntime(deps: BridgeRuntimeDeps): BridgeRuntime {
  const now = deps.now ?? Date.now;
  const sleep: Sleep = deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  const slots = new Map<string, AdapterSlot>();
  let stopping = false;
  const options = { ...defaults, ...deps.options };
  const drops = new DropStats(deps.logger);
  const gates = new Map<string, BackfillGate>();
  const hold = new InboundHold({
    limit: options.maxHeldInbound,
    logger: deps.logger,
    drops,
    // Networks that keep history read back what was shed (runtime/inbound-hold.ts).
    readBack: (shed) => [...shed.keys()].filter((name) => gates.get(name)?.reread() === true),
  });
  const ctx: RuntimeContext = {
    node: deps.node,
    store: deps.store,
    adapters: slots,
    logger: deps.logger,
    now,
    sleep,
    origins: new InboundOrigins(),
    options,
    media: new MediaStats(),
    drops,
    stopping: () => stopping,
    unmappedTail: new UnmappedTail(deps.node),
    hold,
  };
  const worker = new DeliveryWorker(ctx);
  const inbound = new InboundHandler(ctx, (network: string, key: TargetKey) =>
    worker.pending(network, key),
  );
  const fanout = new FanOut(ctx, () => worker.kick());
  const supervisors = new Map<string, AdapterSupervisor>();

  const reportHealth = (name: string, health: AdapterHealth): void => {
    supervisors.get(name)?.observe(health);
    deps.logger.info({ bridge: name, state: health.state, detail: health.detail }, 'bridge health');
    gates.get(name)?.health(health.state); // a (re)connect backfills what was missed
    if (health.state === 'connected') worker.kick(); // deliveries held while it was down
  };

  const links = new LinkManager(ctx);
  const accounts = new AccountLinks(ctx);
  for (const build of deps.adapters) {
    // The name comes with the builder, so emit and health are bound before the adapter exists.
    const name = build.network;
    if (slots.has(name)) throw new AdapterRegistrationError(`two adapters are named ${name}`);
    const gate = new BackfillGate(ctx, name, inbound.emitterFor(name), (m) => fanout.carry(m));
    gates.set(name, gate);
    const adapter = build({
      logger: deps.logger.child?.({ bridge: 'adapter' }) ?? deps.logger,
      emit: gate.emitter,
      reportHealth: (health) => reportHealth(name, health),
      clock: { now },
      links,
      accounts: accounts.controlFor(name),
      reportDrop: (kind, reason = 'adapter', detail) =>
        ctx.drops.drop(name, kind, reason, { direction: 'adapter', ...(detail && { detail }) }),
      memos: {
        get: (kind, key) => ctx.store.memos.get(name, kind, key),
        set: (kind, key, value) => ctx.store.memos.set(name, kind, key, value),
        delete: (kind, key) => ctx.store.memos.delete(name, kind, key),
      },
    });
    if (adapter.name !== name) {
      throw new AdapterRegistrationError(
        `the builder for ${name} made an adapter named ${adapter.name}`,
      );
    }
    gate.attach(adapter);
    supervisors.set(
      name,
      new AdapterSupervisor({
        adapter,
        logger: deps.logger,
        random: ctx.options.random,
        report: (health) => reportHealth(name, health),
        options: deps.supervision ?? {},
      }),
    );
    slots.set(name, {
      adapter,
      limiter: new RateLimiter(adapter.capabilities.rateLimit, now, sleep),
    });
  }

  let detach: (() => void) | undefined;
  let pruneTimer: NodeJS.Timeout | undefined;
  return {
    links,
    accounts,
    async start() {
      stopping = false;
      // The fan-out listens (and catches up on what a crash left unqueued) before any adapter
      // starts: an adapter that connects backfills at once, and a backfilled message committed
      // before the fan-out listened was never queued (catch-up skips it: it is dated as an
      // import), while the network's own retry of it then stopped at the loop guard (issue 23).
      const first = !detach;
      if (first) detach = fanout.attach();
      await fanout.catchUp();
      await Promise.all(
        // A connection failure is a health state, not a reason to keep the gateway down.
        [...supervisors.values()].map((supervisor) => supervisor.start()),
      );
      if (first && detach) {
        const offs = [detach, attachPresence(ctx), attachProfiles(ctx)];
        detach = () => offs.forEach((off) => off());
      }
      worker.start();
      const prune = () =>
        void deps.store.outbox.pruneSent(now() - ctx.options.keepSentMs).catch((error: unknown) => {
          deps.logger.warn({ err: describe(error) }, 'outbox prune failed');
        });
      prune();
      pruneTimer ??= setInterval(prune, 3_600_000);
      pruneTimer.unref();
    },
    async stop(graceMs) {
      // Work waiting for a down mapping store gives up now (runtime/store-wait.ts): the
      // fan-out's catch-up plans a message again at the next start.
      stopping = true;
      clearInterval(pruneTimer);
      pruneTimer = undefined;
      detach?.();
      detach = undefined;
      // Inbound mappings are written a turn after their message (runtime/inbound-mapping.ts).
      await mappingWrites(ctx);
      await fanout.idle();
      await worker.stop(graceMs);
      await Promise.all([...supervisors.values()].map((supervisor) => supervisor.stop()));
      await Promise.all(
        [...slots.values()].map(({ adapter }) => adapter.stop().catch(() => undefined)),
      );
    },
    health() {
      const out: Record<string, AdapterHealth> = {};
      for (const [name, { adapter }] of slots)
        out[name] = supervisors.get(name)?.health() ?? adapter.health();
      return out;
    },
    adapter: (network) => slots.get(network)?.adapter,
    kick: () => worker.kick(),
    mediaFailures: () => ctx.media.failures(),
    dropped: () => ctx.drops.list(),
    onTyping: (listener) => typingListeners(ctx).on(listener),
    onDelivered: (listener) => deliveryListeners(ctx).on(listener),
    async settle() {
      await fanout.idle();
      await worker.drain();
    },
  };
}
