/**
 * `supervision.exitWhenDownMinutes`: the gateway exits (non-zero) when a configured bridge has
 * not been `connected` for that long, so a process supervisor (systemd `Restart=on-failure`,
 * Docker `restart: unless-stopped`) restarts it, instead of the process running on with a dead
 * bridge. The bridge runtime already retries on its own; this is the last resort. Down means any
 * state but `connected` and `stopped`: `starting`, `reconnecting`, and `failed` (credentials the
 * network refused, which a restart does not fix either, but a supervisor then shows the loop).
 */
import type { BridgeHealth } from './status.js';

export interface BridgeDown {
  readonly network: string;
  readonly downMs: number;
  readonly state: string;
  readonly detail?: string;
}

export interface BridgeWatchOptions {
  readonly limitMs: number;
  /** Each configured bridge's health (the gateway's status provider). */
  readonly health: () => Readonly<Record<string, BridgeHealth>>;
  readonly now?: () => number;
  /** How often health is read; default a tenth of the limit, between 100 ms and 10 s. */
  readonly everyMs?: number;
}

/** Resolves with the first bridge down longer than the limit; `stop()` ends the watch. */
export function watchBridges(options: BridgeWatchOptions): {
  readonly down: Promise<BridgeDown>;
  stop(): void;
} {
  const now = options.now ?? Date.now;
  const since = new Map<string, number>();
  let timer: NodeJS.Timeout | undefined;
  const down = new Promise<BridgeDown>((resolve) => {
    const check = (): void => {
      const t = now();
      for (const [network, health] of Object.entries(options.health())) {
        if (health.state === 'connected' || health.state === 'stopped') {
          since.delete(network);
          continue;
        }
        // First seen down now (the first check runs at once, so from boot for a bridge down then).
        const from = since.get(network) ?? t;
        since.set(network, from);
        if (t - from >= options.limitMs) {
          clearInterval(timer);
          resolve({
            network,
            downMs: t - from,
            state: health.state,
            ...(health.detail !== undefined && { detail: health.detail }),
          });
          return;
        }
      }
    };
    const every = options.everyMs ?? Math.min(10_000, Math.max(100, options.limitMs / 10));
    timer = setInterval(check, every);
    timer.unref();
    check();
  });
  return { down, stop: () => clearInterval(timer) };
}
