import type { BridgeHealth } from '../status.js';

/** One change of a bridge's health, as `GET /api/v1/status` shows it in `bridgeHistory`. */
export interface BridgeChange {
  readonly state: BridgeHealth['state'];
  readonly detail?: string;
  /** ISO time the change was first seen. */
  readonly at: string;
}

/**
 * The last few health changes of every bridge, so an operator opening the console after a
 * flap still sees it. The runtime reports health to its adapters' slots only, so this samples
 * `read()` (every `intervalMs`, and on every status request) and keeps a change when state or
 * detail differ from the last one kept: a flap shorter than the interval between two samples is
 * not seen. Bounded to `limit` changes per bridge; memory only (a restart starts afresh).
 */
export class BridgeHistory {
  private readonly changes = new Map<string, BridgeChange[]>();
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly read: () => Readonly<Record<string, BridgeHealth>>,
    private readonly limit = 20,
    private readonly now: () => number = Date.now,
  ) {}

  /** Samples every `intervalMs` without keeping the process alive; returns the stop function. */
  start(intervalMs = 1000): () => void {
    this.timer ??= setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
    return () => {
      clearInterval(this.timer);
      this.timer = undefined;
    };
  }

  sample(): void {
    for (const [name, health] of Object.entries(this.read())) {
      const list = this.changes.get(name) ?? [];
      const last = list[0];
      if (last && last.state === health.state && last.detail === health.detail) continue;
      const change: BridgeChange = {
        state: health.state,
        ...(health.detail !== undefined && { detail: health.detail }),
        at: new Date(this.now()).toISOString(),
      };
      list.unshift(change);
      if (list.length > this.limit) list.length = this.limit;
      this.changes.set(name, list);
    }
  }

  /** Newest first, per bridge; samples first so the current state is always the head. */
  snapshot(): Record<string, BridgeChange[]> {
    this.sample();
    return Object.fromEntries([...this.changes].map(([name, list]) => [name, [...list]]));
  }
}
