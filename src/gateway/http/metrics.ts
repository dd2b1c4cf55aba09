/**
 * The gateway's Prometheus metrics, kept by prom-client. Most values are read from the node,
 * the P2P host and the bridge runtime at scrape time (`collect`), so nothing is counted twice;
 * the delivery latency histogram is fed as deliveries settle. Every label is bounded: intents,
 * refusal rules, configured networks and bridges, the runtime's reasons, HTTP methods and
 * status classes — never a person, a channel or a message.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { AppDeps } from './context.js';
import type { SseHub } from './sse-hub.js';
import { bridgeHealth } from '../status.js';

/** How long a scrape waits for the outbox counts from the mapping store. */
const OUTBOX_READ_MS = 2_000;

/** `work`'s value, or undefined when it fails or takes longer than `ms`. */
async function withinMs<T>(ms: number, work: Promise<T> | T): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([Promise.resolve(work).catch(() => undefined), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Counts HTTP responses by method and status class for /metrics. */
export class HttpCounters {
  readonly responses = new Map<string, number>();

  record(method: string, status: number): void {
    const key = `${method}\u0000${Math.floor(status / 100)}xx`;
    this.responses.set(key, (this.responses.get(key) ?? 0) + 1);
  }
}

/** Process and Node.js runtime metrics (CPU, memory, event loop, GC): one set per process. */
let processRegistry: Registry | undefined;
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/** Seconds from enqueue to the network's answer: sub-second when up, hours after an outage. */
const LATENCY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 7200];

/** Sets a counter to the totals of a snapshot (the owner keeps counting; we only show it). */
function showTotals<L extends string>(
  counter: Counter<L>,
  rows: readonly (readonly [Partial<Record<L, string>>, number])[],
): void {
  counter.reset();
  for (const [labels, value] of rows) if (value > 0) counter.inc(labels, value);
}

/** The metrics of one app (one registry, so several gateways in one process never mix). */
export class GatewayMetrics {
  private readonly registry = new Registry();
  private readonly latency: Histogram<'network'>;
  private subscribed = false;

  constructor(
    private readonly deps: AppDeps,
    http: HttpCounters,
    hub: SseHub,
  ) {
    const registers = [this.registry];
    const node = () => deps.node.metrics();
    new Counter({
      name: 'multichat_transactions_total',
      help: 'Transactions applied, by intent.',
      labelNames: ['intent'],
      registers,
      collect() {
        showTotals(
          this,
          Object.entries(node().transactions).map(([intent, n]) => [{ intent }, n]),
        );
      },
    });
    new Counter({
      name: 'multichat_rejections_total',
      help: 'Intents or entries refused, by reason.',
      labelNames: ['reason'],
      registers,
      collect() {
        showTotals(
          this,
          Object.entries(node().rejections).map(([reason, n]) => [{ reason }, n]),
        );
      },
    });
    // Totals only: a label per author would list every user's address and grow without bound.
    new Gauge({
      name: 'multichat_author_logs',
      help: 'Author logs stored (one per writing identity).',
      registers,
      collect() {
        this.set(Object.keys(node().logSizes).length);
      },
    });
    new Gauge({
      name: 'multichat_author_log_entries_max',
      help: 'Entries in the largest author log.',
      registers,
      collect() {
        this.set(Object.values(node().logSizes).reduce((a, b) => Math.max(a, b), 0));
      },
    });
    new Gauge({
      name: 'multichat_entries',
      help: 'Log entries stored in all.',
      registers,
      collect() {
        this.set(node().entries);
      },
    });
    new Gauge({
      name: 'multichat_pending_entries',
      help: 'Entries held for missing dependencies.',
      registers,
      collect() {
        this.set(node().pending);
      },
    });
    new Gauge({
      name: 'multichat_peers',
      help: 'Connected P2P peers.',
      registers,
      collect() {
        this.set(deps.status.p2p?.peers().length ?? 0);
      },
    });
    new Gauge({
      name: 'multichat_bridge_up',
      help: '1 when the bridge is connected.',
      labelNames: ['bridge', 'state'],
      registers,
      collect() {
        this.reset();
        for (const [bridge, h] of Object.entries(bridgeHealth(deps.status))) {
          this.set({ bridge, state: h.state }, h.state === 'connected' ? 1 : 0);
        }
      },
    });
    // Labels stay bounded: configured network names, two directions, the runtime's five reasons.
    new Counter({
      name: 'multichat_bridge_media_failures_total',
      help: 'Files not carried as files (sent as a link or a note instead), by network, direction and reason.',
      labelNames: ['network', 'direction', 'reason'],
      registers,
      collect() {
        const rows = deps.status.bridges?.mediaFailures?.() ?? [];
        showTotals(
          this,
          rows.map((f) => [
            { network: f.network, direction: f.direction, reason: f.reason },
            f.count,
          ]),
        );
      },
    });
    // Bounded too: configured networks, the contract's event kinds, the runtime's reasons.
    new Counter({
      name: 'multichat_bridge_dropped_total',
      help: 'Events a bridge did not carry (no link, a kind the network cannot take, …), by network, kind and reason.',
      labelNames: ['network', 'kind', 'reason'],
      registers,
      collect() {
        const rows = deps.status.bridges?.dropped?.() ?? [];
        showTotals(
          this,
          rows.map((d) => [{ network: d.network, kind: d.kind, reason: d.reason }, d.count]),
        );
      },
    });
    // Bounded: configured networks that decrypt (Matrix with encryption on), three outcomes.
    new Counter({
      name: 'multichat_matrix_undecryptable_total',
      help: 'Encrypted events not decryptable on arrival (outcome "seen"), of those decrypted later or given up (also counted as dropped), by network.',
      labelNames: ['network', 'outcome'],
      registers,
      collect() {
        const rows = deps.status.bridges?.undecryptable?.() ?? [];
        showTotals(
          this,
          rows.flatMap((u) => [
            [{ network: u.network, outcome: 'seen' }, u.seen] as const,
            [{ network: u.network, outcome: 'decrypted_later' }, u.decryptedLater] as const,
            [{ network: u.network, outcome: 'given_up' }, u.givenUp] as const,
          ]),
        );
      },
    });
    new Counter({
      name: 'multichat_matrix_key_reshare_requests_total',
      help: 'Lost room keys: senders asked to re-share (outcome "sent": a new Olm session and an m.dummy) or not askable ("not_possible": an Olm session existed already), by network.',
      labelNames: ['network', 'outcome'],
      registers,
      collect() {
        const rows = deps.status.bridges?.undecryptable?.() ?? [];
        showTotals(
          this,
          rows.flatMap((u) => [
            [{ network: u.network, outcome: 'sent' }, u.reshareAsked ?? 0] as const,
            [{ network: u.network, outcome: 'not_possible' }, u.reshareNotPossible ?? 0] as const,
          ]),
        );
      },
    });
    new Gauge({
      name: 'multichat_matrix_undecryptable_waiting',
      help: 'Encrypted events waiting for their room key now, by network.',
      labelNames: ['network'],
      registers,
      collect() {
        this.reset();
        for (const u of deps.status.bridges?.undecryptable?.() ?? []) {
          this.set({ network: u.network }, u.waiting);
        }
      },
    });
    new Gauge({
      name: 'multichat_outbox',
      help: 'Deliveries not delivered yet (pending, sending) or given up on (dead), by network and state.',
      labelNames: ['network', 'state'],
      registers,
      async collect() {
        this.reset();
        // The outbox is in the mapping store: while it is down (a PostgreSQL connect waits 30 s
        // before it fails) a scrape would wait with it and time out. Past a short wait the
        // gauge is left out of this scrape (absent, not a false 0).
        const rows = await withinMs(OUTBOX_READ_MS, deps.status.bridges?.outbox?.() ?? []);
        if (!rows) return;
        // Every configured network shows all three states, 0 included, so alerts need no absent().
        for (const network of Object.keys(deps.status.bridges?.health() ?? {})) {
          for (const state of ['pending', 'sending', 'dead']) this.set({ network, state }, 0);
        }
        for (const r of rows) this.inc({ network: r.network, state: r.state }, r.count);
      },
    });
    this.latency = new Histogram({
      name: 'multichat_delivery_latency_seconds',
      help: 'Time from a delivery’s enqueue to the network accepting it (waits for a down network and retries included), by network.',
      labelNames: ['network'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    new Gauge({
      name: 'multichat_sse_clients',
      help: 'Open server-sent event streams.',
      registers,
      collect() {
        this.set(hub.size);
      },
    });
    new Counter({
      name: 'multichat_http_responses_total',
      help: 'HTTP responses, by method and status class.',
      labelNames: ['method', 'status'],
      registers,
      collect() {
        showTotals(
          this,
          [...http.responses].map(([key, n]) => {
            const [method = '', status = ''] = key.split('\u0000');
            return [{ method, status }, n];
          }),
        );
      },
    });
    // Kept from the hand-written exposition; prom-client's own name is nodejs_heap_size_used_bytes.
    new Gauge({
      name: 'process_heap_used_bytes',
      help: 'V8 heap in use.',
      registers,
      collect() {
        this.set(process.memoryUsage().heapUsed);
      },
    });
    this.subscribe();
  }

  /** Feeds the latency histogram once the bridge runtime is registered. */
  private subscribe(): void {
    const on = this.deps.status.bridges?.onDelivered;
    if (this.subscribed || !on) return;
    this.subscribed = true;
    on((settled) => {
      if (settled.outcome === 'sent') {
        this.latency.observe({ network: settled.network }, settled.latencyMs / 1000);
      }
    });
  }

  readonly contentType = 'text/plain; version=0.0.4; charset=utf-8';

  /** The text exposition of this app and of the process. */
  async render(): Promise<string> {
    this.subscribe();
    const own = await this.registry.metrics();
    const proc = await processMetrics().metrics();
    return `${own.trimEnd()}\n${proc.trimEnd()}\n`;
  }
}
