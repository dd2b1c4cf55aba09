/**
 * A bare libp2p host that plays a hostile or buggy peer: it reads real entries from a node with
 * the sync protocol and puts arbitrary envelopes on a channel's gossip topic. Used by the unit
 * and the multi-process tests.
 */
import { randomBytes } from 'node:crypto';
import { multiaddr } from '@multiformats/multiaddr';
import { peerIdFromString } from '@libp2p/peer-id';
import { hashBytes } from '../../../src/core/encoding.js';
import { generateKeyPair, sign, type KeyPair } from '../../../src/core/identity.js';
import { createEntry, seal, signingBytes } from '../../../src/core/log.js';
import { createHost, type Host } from '../../../src/core/p2p/host.js';
import { SyncSession } from '../../../src/core/p2p/sync-client.js';
import { SYNC_PROTOCOL } from '../../../src/core/p2p/sync-messages.js';
import { makeContent, utf8Length } from '../../../src/core/resources.js';
import type {
  Address,
  ChannelId,
  EntryEnvelope,
  EntryId,
  LogEntry,
  UserId,
} from '../../../src/core/types.js';
import { encodeEnvelope } from '../../../src/core/wire.js';
import { eventually } from '../../support/eventually.js';

export class WireInjector {
  private constructor(readonly host: Host) {}

  static async start(): Promise<WireInjector> {
    const host = await createHost({
      seed: new Uint8Array(randomBytes(32)),
      listen: ['/ip4/127.0.0.1/tcp/0'],
      mdns: false,
      messageId: (_topic, data) => new TextEncoder().encode(hashBytes(data)),
      appScore: () => 0,
      denied: () => false,
    });
    await host.start();
    return new WireInjector(host);
  }

  /** Connects to `address` and joins `topic`; resolves once the peer lists us on it. */
  async join(address: string, topic: string, timeoutMs = 20_000): Promise<void> {
    this.host.services.pubsub.subscribe(topic);
    const target = multiaddr(address);
    await this.host.dial(target);
    const peer = target.getComponents().findLast((c) => c.name === 'p2p')?.value as string;
    await eventually(
      () => this.host.services.pubsub.getSubscribers(topic).some((p) => p.toString() === peer),
      { what: `peer ${peer} to join ${topic}`, timeoutMs },
    );
    // Let a heartbeat graft the mesh both ways.
    await new Promise((r) => setTimeout(r, 1200));
  }

  /** Every entry a peer has for `channel`, read with the sync protocol. */
  async fetch(
    peerId: string,
    channel: string,
  ): Promise<{ id: EntryId; envelope: EntryEnvelope }[]> {
    const got: { id: EntryId; envelope: EntryEnvelope }[] = [];
    const stream = await this.host.dialProtocol(peerIdFromString(peerId), SYNC_PROTOCOL);
    const session = new SyncSession(stream, {
      frontier: () => new Map(),
      getEntries: () => [],
      ingest: async (envelopes) => {
        const ids = envelopes.map((envelope) => seal(envelope.entry).id);
        envelopes.forEach((envelope, i) => got.push({ id: ids[i]!, envelope }));
        return {
          accepted: envelopes.length,
          duplicates: 0,
          pending: 0,
          rejected: [],
          applied: ids,
        };
      },
    });
    await session.want({ channels: [channel] });
    await stream.close();
    return got;
  }

  async publish(topic: string, envelope: EntryEnvelope): Promise<void> {
    await this.host.services.pubsub.publish(topic, encodeEnvelope(envelope));
  }

  async stop(): Promise<void> {
    await this.host.stop();
  }
}

/** A sendMessage transaction and its content, as the core builds them. */
function messageTx(actor: string, channel: string, text: string, deps: EntryId[]) {
  const content = makeContent(text);
  const tx = {
    intent: 'sendMessage' as const,
    actor: actor as UserId,
    consumes: [],
    creates: [
      {
        kind: 'message' as const,
        data: {
          channel: channel as ChannelId,
          sender: actor as UserId,
          contentHash: content.hash,
          contentLength: utf8Length(text),
          format: 'markdown' as const,
          createdAt: Date.now(),
          nonce: randomBytes(8).toString('base64url'),
        },
      },
    ],
    channel: channel as ChannelId,
    deps,
  };
  return { tx, contents: new Map([[content.hash, content.bytes]]) };
}

/**
 * The next entry of `victim`'s log (right seq, prev and deps) posting `text`, but signed with
 * another key: a forgery that only the signature check can catch.
 */
export function forgeNext(
  victim: LogEntry,
  victimId: EntryId,
  deps: EntryId[],
  text: string,
): EntryEnvelope {
  const { tx, contents } = messageTx(victim.author, victim.tx.channel as string, text, deps);
  const unsigned = {
    author: victim.author,
    seq: victim.seq + 1,
    prev: victimId,
    hlc: { wall: Date.now() + 1, counter: 0 },
    tx,
  };
  const impostor: KeyPair = generateKeyPair();
  return { entry: { ...unsigned, sig: sign(impostor, signingBytes(unsigned)) }, contents };
}

/**
 * A user of a fresh key that builds its own log by hand: a profile, a join, then posts with any
 * clock value and createdAt it likes (NaN, Infinity, "x"… all encode in CBOR), correctly signed.
 * `accept()` moves the log on once a victim stored an entry; refused ones are built again.
 */
export class HostileAuthor {
  readonly pair: KeyPair = generateKeyPair();
  private seq = 0;
  private prev: EntryId | null = null;
  private wall = 0;

  get user(): UserId {
    return this.pair.address as string as UserId;
  }

  /**
   * The next entry of this log with `tx` and `hlc` (default: an honest clock, 1 ms ahead of
   * now so it is later than the victim's heads it depends on); the log does not move.
   */
  next(tx: Record<string, unknown>, hlc?: unknown) {
    this.wall = Math.max(Date.now() + 1, this.wall + 1);
    const entry = createEntry(this.pair, {
      seq: this.seq + 1,
      prev: this.prev as never,
      hlc: (hlc ?? { wall: this.wall, counter: 0 }) as never,
      tx: tx as never,
    });
    return { id: entry.id, entry: entry.entry };
  }

  accept(id: EntryId): void {
    this.seq += 1;
    this.prev = id;
  }

  profile(username: string): EntryEnvelope {
    const data = { userId: this.user, username, publicKey: this.pair.address };
    const tx = { intent: 'updateProfile', actor: this.user, consumes: [], deps: [] };
    const built = this.next({ ...tx, creates: [{ kind: 'userProfile', data }] });
    this.accept(built.id);
    return { entry: built.entry, contents: new Map() };
  }

  join(channel: string, deps: EntryId[]): EntryEnvelope {
    const data = {
      channel,
      user: this.user,
      role: 'member',
      grantedBy: this.user,
      nonce: randomBytes(8).toString('base64url'),
    };
    const tx = { intent: 'joinChannel', actor: this.user, consumes: [], channel, deps };
    const built = this.next({ ...tx, creates: [{ kind: 'channelAccess', data }] });
    this.accept(built.id);
    return { entry: built.entry, contents: new Map() };
  }

  /** A post with the given clock and createdAt (default now); the log does not move. */
  post(
    channel: string,
    deps: EntryId[],
    text: string,
    options: { hlc?: unknown; createdAt?: number } = {},
  ): { id: EntryId; envelope: EntryEnvelope } {
    const { tx, contents } = messageTx(this.user, channel, text, deps);
    const message = tx.creates[0]!;
    const data = { ...message.data, createdAt: options.createdAt ?? Date.now() };
    const built = this.next({ ...tx, creates: [{ ...message, data }] }, options.hlc);
    return { id: built.id, envelope: { entry: built.entry, contents } };
  }
}

/** A correctly signed first entry of a fresh key that posts in a channel it never joined. */
export function strangerPost(channel: string, deps: EntryId[], text: string): EntryEnvelope {
  const stranger = generateKeyPair();
  const { tx, contents } = messageTx(stranger.address as Address, channel, text, deps);
  const sealed = createEntry(stranger, {
    seq: 1,
    prev: null,
    hlc: { wall: Date.now() + 1, counter: 0 },
    tx,
  });
  return { entry: sealed.entry, contents };
}
