import type { NodeMetrics } from '../../core/types.js';
import type { BridgeHealth, DroppedEvents, MediaFailure } from '../status.js';

/** Counts HTTP responses by method and status class for /metrics. */
export class HttpCounters {
  readonly responses = new Map<string, number>();

  record(method: string, status: number): void {
    const key = `${method}\u0000${Math.floor(status / 100)}xx`;
    this.responses.set(key, (this.responses.get(key) ?? 0) + 1);
  }
}

type Sample = readonly [labels: Readonly<Record<string, string>>, value: number];

/** Escapes a label value per the Prometheus text exposition format. */
function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function family(name: string, type: 'counter' | 'gauge', help: string, samples: Sample[]): string {
  const lines = [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`];
  for (const [labels, value] of samples) {
    const entries = Object.entries(labels);
    const text = entries.length
      ? `{${entries.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}`
      : '';
    lines.push(`${name}${text} ${Number.isFinite(value) ? value : 0}`);
  }
  return lines.join('\n');
}

export interface MetricsInput {
  readonly node: NodeMetrics;
  readonly peers: number;
  readonly bridges: Readonly<Record<string, BridgeHealth>>;
  readonly http: HttpCounters;
  readonly sseClients: number;
  /** The bridge runtime's media failure counts (empty without bridges). */
  readonly mediaFailures?: readonly MediaFailure[];
  /** The bridge runtime's counts of events not carried (empty without bridges). */
  readonly dropped?: readonly DroppedEvents[];
}

/** Renders the Prometheus text exposition (version 0.0.4) of the gateway and its process. */
export function renderMetrics(input: MetricsInput): string {
  const byLabel = (label: string, rec: Readonly<Record<string, number>>): Sample[] =>
    Object.entries(rec).map(([k, v]) => [{ [label]: k }, v] as const);
  const mem = process.memoryUsage();
  const cpu = process.cpuUsage();
  const parts = [
    family(
      'multichat_transactions_total',
      'counter',
      'Transactions applied, by intent.',
      byLabel('intent', input.node.transactions),
    ),
    family(
      'multichat_rejections_total',
      'counter',
      'Intents or entries refused, by reason.',
      byLabel('reason', input.node.rejections),
    ),
    // Totals only: a label per author would list every user's address and grow without bound.
    family('multichat_author_logs', 'gauge', 'Author logs stored (one per writing identity).', [
      [{}, Object.keys(input.node.logSizes).length],
    ]),
    family('multichat_author_log_entries_max', 'gauge', 'Entries in the largest author log.', [
      [{}, Object.values(input.node.logSizes).reduce((a, b) => Math.max(a, b), 0)],
    ]),
    family('multichat_entries', 'gauge', 'Log entries stored in all.', [[{}, input.node.entries]]),
    family('multichat_pending_entries', 'gauge', 'Entries held for missing dependencies.', [
      [{}, input.node.pending],
    ]),
    family('multichat_peers', 'gauge', 'Connected P2P peers.', [[{}, input.peers]]),
    family(
      'multichat_bridge_up',
      'gauge',
      '1 when the bridge is connected.',
      Object.entries(input.bridges).map(
        ([name, h]) => [{ bridge: name, state: h.state }, h.state === 'connected' ? 1 : 0] as const,
      ),
    ),
    // Labels stay bounded: configured network names, two directions, the runtime's five reasons.
    family(
      'multichat_bridge_media_failures_total',
      'counter',
      'Files not carried as files (sent as a link or a note instead), by network, direction and reason.',
      (input.mediaFailures ?? []).map(
        (f) => [{ network: f.network, direction: f.direction, reason: f.reason }, f.count] as const,
      ),
    ),
    // Bounded too: configured networks, the contract's event kinds, the runtime's reasons.
    family(
      'multichat_bridge_dropped_total',
      'counter',
      'Events a bridge did not carry (no link, a kind the network cannot take, …), by network, kind and reason.',
      (input.dropped ?? []).map(
        (d) => [{ network: d.network, kind: d.kind, reason: d.reason }, d.count] as const,
      ),
    ),
    family('multichat_sse_clients', 'gauge', 'Open server-sent event streams.', [
      [{}, input.sseClients],
    ]),
    family(
      'multichat_http_responses_total',
      'counter',
      'HTTP responses, by method and status class.',
      [...input.http.responses].map(([key, v]) => {
        const [method = '', status = ''] = key.split('\u0000');
        return [{ method, status }, v] as const;
      }),
    ),
    family('process_cpu_seconds_total', 'counter', 'User and system CPU time.', [
      [{}, (cpu.user + cpu.system) / 1e6],
    ]),
    family('process_resident_memory_bytes', 'gauge', 'Resident memory.', [[{}, mem.rss]]),
    family('process_heap_used_bytes', 'gauge', 'V8 heap in use.', [[{}, mem.heapUsed]]),
    family('process_start_time_seconds', 'gauge', 'Start time, seconds since epoch.', [
      [{}, Math.round(Date.now() / 1000 - process.uptime())],
    ]),
  ];
  return `${parts.join('\n')}\n`;
}
