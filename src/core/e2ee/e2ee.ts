/**
 * End-to-end encrypted channels at the node (docs/protocol.md, "Encrypted channels"): seals what
 * local users send with their sender-key chains, shares each new chain with the members' box
 * keys, and opens what members may read. Ciphertext is the content blob: the log commits to it,
 * sync and expiry treat it like any content, and a relay holds nothing else.
 */
import { randomBytes } from 'node:crypto';
import { hashBytes, sha256, toBase64Url } from '../encoding.js';
import type { Projections } from '../store/projections.js';
import type { ResourceStore } from '../store/state-store.js';
import type { Db } from '../store/database.js';
import type {
  ChannelId,
  ContentHash,
  KeyShareData,
  Resource,
  Transaction,
  UserId,
  UserProfileData,
} from '../types.js';
import { boxKeyFromSeed, openBox, sealBox, shareContext, type BoxKeyPair } from './box.js';
import { ChainReader, openContent, ratchet, readSealed, sealContent } from './chain.js';
import { ChainKeyMissingError, KeyShareRecipientError, NoBoxKeyError } from './errors.js';
import { BOXES_PER_PART } from './key-share-logic.js';
import { SendChains } from './send-chains.js';

export interface Sealed {
  readonly hash: ContentHash;
  readonly bytes: Uint8Array;
  /** keyShare resources to create with the message when the sender starts a new chain. */
  readonly creates: Resource<'keyShare'>[];
  /** Persists the sender's chain; run inside the commit that appends the message. */
  readonly persist: () => void;
}

interface MemberRow {
  user_id: UserId;
  role: string;
}

export class E2ee {
  private readonly keys = new Map<string, BoxKeyPair>();
  private readonly readers = new Map<string, ChainReader>();
  /** Box keys of each channel's members, until a membership or profile changes. */
  private readonly recipientCache = new Map<string, string[]>();
  private readonly profiles = new Map<UserId, UserProfileData | null>();
  readonly sending: SendChains;

  constructor(
    db: Db,
    private readonly projections: Projections,
    private readonly resources: ResourceStore,
  ) {
    this.sending = new SendChains(db);
  }

  /** Registers the box key of a signing key this node holds; returns its public half. */
  addSeed(seed: Uint8Array): string {
    const pair = boxKeyFromSeed(seed);
    this.keys.set(pair.publicKey, pair);
    return pair.publicKey;
  }

  /** The full profile data (the projection row has no box key), cached until a change. */
  private profile(user: UserId): UserProfileData | undefined {
    const hit = this.profiles.get(user);
    if (hit !== undefined) return hit ?? undefined;
    const row = this.resources.live(`profile:${user}`)[0];
    const data = row?.resource.kind === 'userProfile' ? row.resource.data : undefined;
    if (this.profiles.size > 50_000) this.profiles.clear();
    this.profiles.set(user, data ?? null);
    return data;
  }

  boxKeyOf(user: UserId): string | undefined {
    return this.profile(user)?.boxKey;
  }

  /** Call when a membership or a profile changed (or a write rolled back). */
  membersChanged(): void {
    this.recipientCache.clear();
    this.profiles.clear();
  }

  /** Distinct box keys of the channel's current members, sorted. */
  recipients(channel: ChannelId): string[] {
    const hit = this.recipientCache.get(channel);
    if (hit) return hit;
    const keys = new Set<string>();
    for (const row of this.projections.members.all(channel) as MemberRow[]) {
      if (row.role === 'banned') continue;
      const key = this.profile(row.user_id)?.boxKey;
      if (key) keys.add(key);
    }
    const sorted = [...keys].sort();
    if (this.recipientCache.size > 1000) this.recipientCache.clear();
    this.recipientCache.set(channel, sorted);
    return sorted;
  }

  /**
   * Seals a plaintext content blob for `sender` in `channel`. A new chain starts when the sender
   * has none there or the members' box keys changed since (a join, a leave, a ban, a new key):
   * only the members of now receive it, so someone removed cannot read what follows.
   */
  seal(channel: ChannelId, sender: UserId, plain: Uint8Array): Sealed {
    const own = this.profile(sender)?.boxKey;
    if (!own || !this.keys.has(own)) {
      throw new NoBoxKeyError(`user ${sender} has no box key this node holds`);
    }
    const keys = this.recipients(channel);
    const digest = toBase64Url(sha256(Buffer.from(keys.join(','))));
    let state = this.sending.get(channel, sender);
    const creates: Resource<'keyShare'>[] = [];
    if (!state || state.recipients !== digest) {
      const chain = randomBytes(16).toString('base64url');
      const first = randomBytes(32);
      creates.push(...this.share(channel, sender, chain, first, keys));
      state = { chain, chainKey: first, nextIndex: 0, recipients: digest };
    }
    const index = state.nextIndex;
    const { messageKey, next } = ratchet(state.chainKey);
    const bytes = sealContent(plain, messageKey, { channel, sender, chain: state.chain, index });
    const after = { ...state, chainKey: next, nextIndex: index + 1 };
    // The append runs persist synchronously (before any await), so the next seal sees `after`.
    return {
      hash: hashBytes(bytes) as ContentHash,
      bytes,
      creates,
      persist: () => this.sending.put(channel, sender, after),
    };
  }

  /** keyShare resources carrying `chainKey` to each key, at most BOXES_PER_PART per resource. */
  share(
    channel: ChannelId,
    sender: UserId,
    chain: string,
    chainKey: Uint8Array,
    keys: readonly string[],
  ): Resource<'keyShare'>[] {
    const context = shareContext(channel, sender, chain);
    const out: Resource<'keyShare'>[] = [];
    for (let at = 0; at < keys.length; at += BOXES_PER_PART) {
      const boxes = keys.slice(at, at + BOXES_PER_PART).map((k) => sealBox(chainKey, k, context));
      out.push({
        kind: 'keyShare',
        data: { channel, sender, chain, part: at / BOXES_PER_PART, boxes },
      });
    }
    return out;
  }

  /**
   * Opens the chain key a share carries for this node. KeyShareRecipientError when no box is
   * addressed to a key of this node; KeyShareOpenError when one is but does not open.
   */
  openShare(shares: readonly KeyShareData[]): Uint8Array {
    for (const share of shares) {
      for (const box of share.boxes) {
        const key = this.keys.get(box.to);
        if (!key) continue;
        return openBox(box, key, shareContext(share.channel, share.sender, share.chain));
      }
    }
    const chain = shares[0]?.chain ?? '?';
    throw new KeyShareRecipientError(`no box of chain ${chain} is addressed to this node`);
  }

  private storedShares(channel: string, sender: string, chain: string): KeyShareData[] {
    return this.resources
      .live(`keyShare:${channel}:${sender}:${chain}`)
      .flatMap((row) => (row.resource.kind === 'keyShare' ? [row.resource.data] : []));
  }

  private reader(
    channel: string,
    sender: string,
    chain: string,
    pending?: readonly Resource[],
  ): ChainReader {
    const key = `${channel} ${sender} ${chain}`;
    let reader = this.readers.get(key);
    if (reader) return reader;
    const shares = [
      ...this.storedShares(channel, sender, chain),
      ...(pending ?? []).flatMap((r) =>
        r.kind === 'keyShare' &&
        r.data.channel === channel &&
        r.data.sender === sender &&
        r.data.chain === chain
          ? [r.data]
          : [],
      ),
    ];
    if (shares.length === 0) {
      throw new ChainKeyMissingError(`no key share of chain ${chain} of ${sender} is known here`);
    }
    reader = new ChainReader(this.openShare(shares));
    if (this.readers.size > 10_000) this.readers.clear();
    this.readers.set(key, reader);
    return reader;
  }

  /**
   * The plaintext content blob of a sealed one, or undefined when `body` is not sealed. Throws
   * the typed errors of errors.ts (no key, not a recipient, tampered).
   */
  open(
    channel: ChannelId,
    sender: UserId,
    body: Uint8Array,
    pending?: readonly Resource[],
  ): Uint8Array | undefined {
    const sealed = readSealed(body);
    if (!sealed) return undefined;
    const reader = this.reader(channel, sender, sealed.k, pending);
    const ids = { channel, sender, chain: sealed.k, index: sealed.i };
    return openContent(sealed, reader.messageKey(sealed.i), ids);
  }

  /** `body` itself when plaintext, its plaintext when this node can open it, else undefined. */
  readable(channel: ChannelId, sender: UserId, body: Uint8Array): Uint8Array | undefined {
    try {
      return this.open(channel, sender, body) ?? body;
    } catch {
      // No key (before a join, after a removal, a relay) or refused: shown as no text.
      return undefined;
    }
  }

  /** Whether a key of this node is among those a chain would be shared with. */
  holdsKeyOf(users: readonly UserId[]): boolean {
    return users.some((u) => {
      const key = this.profile(u)?.boxKey;
      return key !== undefined && this.keys.has(key);
    });
  }

  /**
   * Checks an entry from a peer before it is stored, as far as this node can: every share box
   * addressed to one of its keys must open, and every sealed content it can open must open.
   * Content it holds no key for (a relay, or a chain not shared with it) passes unread.
   */
  checkIncoming(tx: Transaction, contents: ReadonlyMap<ContentHash, Uint8Array>): void {
    for (const r of tx.creates) {
      if (r.kind === 'keyShare') {
        const mine = r.data.boxes.filter((b) => this.keys.has(b.to));
        const context = shareContext(r.data.channel, r.data.sender, r.data.chain);
        for (const box of mine) openBox(box, this.keys.get(box.to)!, context);
      } else if (r.kind === 'message' || r.kind === 'edit') {
        const body = contents.get(r.data.contentHash);
        if (!body) continue;
        const sender = r.kind === 'message' ? r.data.sender : r.data.editor;
        try {
          this.open(r.data.channel, sender, body, tx.creates);
        } catch (error) {
          if (error instanceof ChainKeyMissingError || error instanceof KeyShareRecipientError) {
            continue;
          }
          throw error;
        }
      }
    }
  }
}
