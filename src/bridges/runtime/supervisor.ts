/**
 * Keeps one adapter up: a start that throws or ends anything but `connected` or `failed` is
 * tried again after an exponential, jittered delay, and meanwhile the bridge reads
 * `reconnecting` with the real cause. `failed` is final: adapters report it only when the
 * network refused their credentials (or their config cannot work), so retrying would only be
 * refused again. (How long a bridge has been down is the gateway's business: bridge-watch.ts.)
 */
import { describe } from '../errors.js';
import type { AdapterHealth, AdapterLogger, BridgeAdapter } from '../types.js';
import { backoffDelay, type BackoffOptions } from './backoff.js';

export interface SupervisionOptions {
  /** Restart delays; default 1 s doubling up to 1 min, ±20 %. */
  readonly backoff?: BackoffOptions;
}

export const supervisionBackoff: BackoffOptions = { baseMs: 1_000, maxMs: 60_000, jitter: 0.2 };

interface SupervisorDeps {
  readonly adapter: BridgeAdapter;
  readonly logger: AdapterLogger;
  readonly random: () => number;
  /** Publishes a health the supervisor decided (logged, and the worker woken on connected). */
  readonly report: (health: AdapterHealth) => void;
  readonly options: SupervisionOptions;
}

export class AdapterSupervisor {
  private failures = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  /** The supervisor's own `reconnecting` between attempts, until the adapter says otherwise. */
  private override: AdapterHealth | undefined;
  private attempt: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly deps: SupervisorDeps) {}

  /** The first attempt; later ones are scheduled by the supervisor itself. */
  start(): Promise<void> {
    this.stopped = false;
    return this.tryStart();
  }

  /** Clears the timers; the runtime stops the adapter itself. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    await this.attempt?.catch(() => undefined);
  }

  health(): AdapterHealth {
    return this.override ?? this.deps.adapter.health();
  }

  /** Every health the adapter reports passes here first (bound by the runtime). */
  observe(health: AdapterHealth): void {
    // Connected on its own (Socket Mode's background retries): no restart is due any more.
    if (health.state !== 'connected') return;
    this.failures = 0;
    this.override = undefined;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  private tryStart(): Promise<void> {
    const attempt = (async () => {
      let thrown: unknown;
      try {
        await this.deps.adapter.start();
      } catch (error) {
        thrown = error;
      }
      if (this.stopped) return;
      const health = this.deps.adapter.health();
      if (health.state === 'connected') return this.observe(health);
      if (health.state === 'failed') {
        this.override = undefined;
        this.deps.logger.error(
          { bridge: this.deps.adapter.name, detail: health.detail },
          'bridge failed: the network refused it; not retrying (fix the config and restart)',
        );
        return;
      }
      const cause = thrown === undefined ? health.detail : describe(thrown);
      this.scheduleRetry(cause ?? `not connected (${health.state})`);
    })();
    this.attempt = attempt;
    return attempt;
  }

  private scheduleRetry(cause: string): void {
    this.failures += 1;
    const delay = backoffDelay(
      this.failures,
      this.deps.options.backoff ?? supervisionBackoff,
      this.deps.random,
    );
    this.override = {
      state: 'reconnecting',
      detail: `${cause} (attempt ${this.failures}; next in ${delay < 1_000 ? `${delay} ms` : `${Math.round(delay / 1_000)} s`})`,
    };
    this.deps.report(this.override);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (!this.stopped) void this.tryStart();
    }, delay);
    this.retryTimer.unref();
  }
}
