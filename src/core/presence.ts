/**
 * Presence is ephemeral: a signed announcement that is gossiped, believed until it expires, and
 * never written to a log. Local users' presence is re-announced before it expires, so peers see
 * a node that stops announcing go offline on their own.
 */
import { encodeCanonical } from './encoding.js';
import { sign, verify, type KeyPair } from './identity.js';
import type {
  PresenceData,
  PresenceStatus,
  PresenceView,
  SignedPresence,
  UserId,
} from './types.js';

const STATUSES: readonly PresenceStatus[] = ['online', 'away', 'offline'];

export function signPresence(pair: KeyPair, presence: PresenceData): SignedPresence {
  return { author: pair.address, presence, sig: sign(pair, encodeCanonical(presence)) };
}

export function presenceSignatureValid(signed: SignedPresence): boolean {
  return verify(signed.author, encodeCanonical(signed.presence), signed.sig);
}

export function validPresenceData(data: PresenceData): boolean {
  return (
    typeof data?.user === 'string' &&
    STATUSES.includes(data.status) &&
    Number.isFinite(data.expiresAt) &&
    (data.text === undefined || (typeof data.text === 'string' && data.text.length <= 256))
  );
}

export function toPresenceView(data: PresenceData): PresenceView {
  return {
    user: data.user,
    status: data.status,
    ...(data.text !== undefined && { text: data.text }),
    expiresAt: new Date(data.expiresAt).toISOString(),
  };
}

/** Current presence per user; expired entries read as gone. */
export class PresenceTable {
  private readonly byUser = new Map<UserId, { signed: SignedPresence; local: boolean }>();

  set(signed: SignedPresence, local: boolean): boolean {
    const current = this.byUser.get(signed.presence.user);
    if (current && current.signed.presence.expiresAt > signed.presence.expiresAt) return false;
    this.byUser.set(signed.presence.user, { signed, local });
    return true;
  }

  list(now: number): PresenceView[] {
    return [...this.byUser.values()]
      .filter((p) => p.signed.presence.expiresAt > now)
      .map((p) => toPresenceView(p.signed.presence));
  }

  /** Removes expired presences and returns them, so the node can announce them offline. */
  expire(now: number): PresenceData[] {
    const gone: PresenceData[] = [];
    for (const [user, p] of this.byUser) {
      if (p.signed.presence.expiresAt <= now) {
        this.byUser.delete(user);
        if (p.signed.presence.status !== 'offline') gone.push(p.signed.presence);
      }
    }
    return gone;
  }

  /** Local presences that should be re-announced (due within `horizon` ms). */
  dueForRenewal(now: number, horizon: number): PresenceData[] {
    return [...this.byUser.values()]
      .filter((p) => p.local && p.signed.presence.status !== 'offline')
      .filter((p) => p.signed.presence.expiresAt - now <= horizon)
      .map((p) => p.signed.presence);
  }
}
