/**
 * Who we talk to and how much we trust them. The deny list is a file of peer ids (one per line,
 * `#` comments) re-read while running, so an operator can cut off a misbehaving peer without a
 * restart. Penalties count entries a peer gossiped that the node refused, and entries it sent
 * over sync that only a broken or hostile node sends (peer-fault.ts) (a malformed or
 * far-future clock included; an entry held because its clock is a little ahead is not refused,
 * so an honest peer with a fast clock pays nothing); they feed gossipsub's
 * application score (so a peer that keeps sending bad entries is pruned and then graylisted) and
 * decay by half every minute, so a peer that stops recovers.
 */
import { readFileSync, unwatchFile, watchFile } from 'node:fs';

export class DenyList {
  private denied = new Set<string>();
  private listener: (() => void) | undefined;

  constructor(
    private readonly file: string | undefined,
    private readonly onChange: (denied: ReadonlySet<string>) => void,
  ) {}

  has(peerId: string): boolean {
    return this.denied.has(peerId);
  }

  /** Reads the file and starts watching it (polling, so it works on every filesystem). */
  start(): void {
    if (!this.file) return;
    this.reload();
    this.listener = () => this.reload();
    watchFile(this.file, { interval: 500, persistent: false }, this.listener);
  }

  stop(): void {
    if (this.file && this.listener) unwatchFile(this.file, this.listener);
    this.listener = undefined;
  }

  /** Re-reads the file now (a missing file denies nobody). */
  reload(): void {
    if (!this.file) return;
    let text = '';
    try {
      text = readFileSync(this.file, 'utf8');
    } catch {
      text = '';
    }
    const next = new Set(
      text
        .split('\n')
        .map((line) => line.replace(/#.*/, '').trim())
        .filter((line) => line.length > 0),
    );
    const changed = next.size !== this.denied.size || [...next].some((p) => !this.denied.has(p));
    this.denied = next;
    if (changed) this.onChange(next);
  }
}

const HALF_LIFE_MS = 60_000;

export class Penalties {
  private readonly counts = new Map<string, { value: number; at: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  penalize(peerId: string): void {
    const current = this.value(peerId);
    this.counts.set(peerId, { value: current + 1, at: this.now() });
  }

  /** Decayed number of refused entries. */
  value(peerId: string): number {
    const record = this.counts.get(peerId);
    if (!record) return 0;
    const decayed = record.value * 0.5 ** ((this.now() - record.at) / HALF_LIFE_MS);
    if (decayed < 0.01) {
      this.counts.delete(peerId);
      return 0;
    }
    return decayed;
  }

  /** Every peer with a penalty, decayed. */
  all(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const peer of [...this.counts.keys()]) {
      const value = this.value(peer);
      if (value > 0) out[peer] = Math.round(value * 100) / 100;
    }
    return out;
  }

  /**
   * Gossipsub application score: -1 per refused entry (weighted x10 by gossipsub), so a few bad
   * entries fall below the gossip threshold (-10) and eight below the graylist (-80).
   */
  score(peerId: string): number {
    return -this.value(peerId) || 0;
  }
}
