/**
 * The adapter's health: connected once the homeserver answers; on an outage (a send that could
 * not reach it) `reconnecting`, probing `/versions` every 2 s until it answers again. The router
 * holds deliveries while the adapter is not connected, so an outage does not use up retries.
 */
import type { AdapterHealth } from '../types.js';

const PROBE_MS = 2_000;

export class HealthMonitor {
  private current: AdapterHealth = { state: 'stopped' };
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    private readonly homeserverUrl: string,
    /** The runtime's `reportHealth`, called on every change. */
    private readonly report: (h: AdapterHealth) => void,
  ) {}

  get state(): AdapterHealth {
    return this.current;
  }

  set(next: AdapterHealth): void {
    if (next.state === this.current.state && next.detail === this.current.detail) return;
    this.current = next;
    this.report(next);
  }

  /** Starts probing; resolves after the first probe (connected or reconnecting). */
  async start(): Promise<void> {
    this.running = true;
    await this.probe();
  }

  stop(): void {
    this.running = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.set({ state: 'stopped' });
  }

  /** An action succeeded: the homeserver is there. */
  ok(): void {
    if (this.running && this.current.state !== 'connected') this.set({ state: 'connected' });
  }

  /** An action could not reach the homeserver. */
  lost(detail: string): void {
    if (!this.running || this.current.state === 'reconnecting') return;
    this.set({ state: 'reconnecting', detail });
    this.schedule();
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.probe(), PROBE_MS);
    this.timer.unref();
  }

  private async probe(): Promise<void> {
    if (!this.running) return;
    try {
      const res = await fetch(`${this.homeserverUrl}/_matrix/client/versions`, {
        signal: AbortSignal.timeout(5_000),
      });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      if (this.running) this.set({ state: 'connected' });
    } catch (error) {
      if (!this.running) return;
      this.set({
        state: 'reconnecting',
        detail: `homeserver unreachable: ${(error as Error).message}`,
      });
      this.schedule();
    }
  }
}
