/**
 * Runs the sync protocol with peers: answers incoming streams, and syncs with a peer when it
 * connects, periodically, and when gossip delivered an entry whose dependencies are missing.
 * At most one exchange per peer runs at a time; a request that arrives meanwhile runs after it.
 */
import type { PeerId } from '@libp2p/interface';
import type { CoreLogger } from '../options.js';
import type { ChannelId, EntryId } from '../types.js';
import type { ChannelVisibility, HostedChannels } from './channel-access.js';
import { ContentWanted } from './content-wanted.js';
import { MalformedEntryError } from './errors.js';
import { MembershipWatch } from './membership-watch.js';
import type { Host } from './host.js';
import type { IdentifiedEnvelope } from './repair.js';
import { StreamAccess } from './stream-access.js';
import { runSync, SyncSession, type SyncOutcome, type SyncScope } from './sync-client.js';
import { SYNC_PROTOCOL } from './sync-messages.js';
import { serveSyncStream, type BatchLimits } from './sync-server.js';
import type { SyncNode, SyncState } from './types.js';

const REPAIR_DELAY_MS = 1_000;

/** Who may read what: shared by the server, the client and gossip (channel-access.ts). */
export interface SyncAccess {
  readonly visibility: ChannelVisibility;
  readonly hosted: HostedChannels;
}

interface PeerRun {
  running: Promise<SyncOutcome | undefined>;
  again: boolean;
}

export class SyncManager {
  private readonly runs = new Map<string, PeerRun>();
  private readonly lastSync = new Map<string, string>();
  private readonly repairTimers = new Map<string, NodeJS.Timeout>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;
  private completed = 0;
  private failed = 0;
  private entriesReceived = 0;
  private lastSyncAt: string | undefined;
  /** Private channels' entries stored without content; the next exchanges fetch it. */
  private readonly contentless: ContentWanted;
  private readonly watch: MembershipWatch;

  constructor(
    private readonly host: Host,
    private readonly node: SyncNode,
    private readonly log: CoreLogger,
    private readonly options: { intervalMs: number; batch: BatchLimits },
    private readonly access: SyncAccess,
    /** Called when a peer sent entries that only a broken or hostile node sends. */
    private readonly onPeerFault: (peer: PeerId, count: number) => void = () => {},
  ) {
    this.contentless = new ContentWanted(node);
    this.watch = new MembershipWatch(node, access.hosted, this.contentless, () => {
      if (!this.stopped) void this.syncAll().catch(() => {});
    });
  }

  async start(): Promise<void> {
    this.stopped = false;
    this.watch.start();
    await this.host.handle(
      SYNC_PROTOCOL,
      (stream, connection) => {
        const client = connection.remotePeer.toString();
        const server = this.host.peerId.toString();
        const access = new StreamAccess(
          this.node,
          this.access.visibility,
          { server, client },
          (errors) =>
            this.log.info(
              { peer: client, refused: errors.map((e) => e.message) },
              'sync: refused a membership proof',
            ),
        );
        serveSyncStream(stream, this.node, access, this.options.batch).catch((err: Error) => {
          this.log.debug({ err: err.message }, 'sync: serving a peer ended with an error');
          stream.abort(err);
        });
      },
      { maxInboundStreams: 8 },
    );
    if (this.options.intervalMs > 0) {
      this.timer = setInterval(() => void this.syncAll().catch(() => {}), this.options.intervalMs);
      this.timer.unref();
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.watch.stop();
    if (this.timer) clearInterval(this.timer);
    for (const t of this.repairTimers.values()) clearTimeout(t);
    this.repairTimers.clear();
    await this.host.unhandle(SYNC_PROTOCOL).catch(() => {});
  }

  /**
   * Resolves when every running exchange has ended. Call after the host stopped: closing the
   * connections ends them quickly instead of letting a long catch-up finish first.
   */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.runs.values()].map((r) => r.running));
  }

  /** Syncs with every connected peer; resolves when all exchanges finished. */
  async syncAll(scope?: SyncScope): Promise<SyncOutcome[]> {
    const peers = this.host.getPeers();
    const results = await Promise.all(peers.map((peer) => this.syncWith(peer, scope)));
    return results.filter((r): r is SyncOutcome => r !== undefined);
  }

  /** Syncs with one peer (queued behind a running exchange with it). */
  syncWith(peer: PeerId, scope?: SyncScope): Promise<SyncOutcome | undefined> {
    const key = peer.toString();
    const current = this.runs.get(key);
    if (current && scope === undefined) {
      // One more full exchange after the running one covers everything asked meanwhile.
      current.again = true;
      return current.running;
    }
    const previous = current?.running ?? Promise.resolve(undefined);
    const run: PeerRun = { running: Promise.resolve(undefined), again: false };
    run.running = previous
      .catch(() => undefined)
      .then(async () => {
        let outcome = await this.exchange(peer, scope);
        while (run.again && !this.stopped) {
          run.again = false;
          outcome = await this.exchange(peer, undefined);
        }
        return outcome;
      })
      .finally(() => {
        if (this.runs.get(key) === run) this.runs.delete(key);
      });
    this.runs.set(key, run);
    return run.running;
  }

  /**
   * A peer sent an entry we could not place yet. Usually its predecessor is a few milliseconds
   * behind on another gossip path; if something still waits a moment later, sync with that peer.
   */
  requestRepair(peer: PeerId): void {
    const key = peer.toString();
    if (this.stopped || this.repairTimers.has(key)) return;
    const t = setTimeout(() => {
      this.repairTimers.delete(key);
      if (this.node.metrics().pending > 0) void this.syncWith(peer);
    }, REPAIR_DELAY_MS);
    t.unref();
    this.repairTimers.set(key, t);
  }

  /** Notes entries stored without the content of a private channel this node hosts members of. */
  noteContentless(ids: readonly EntryId[], channel: ChannelId): void {
    this.contentless.note(ids, channel);
  }

  /**
   * Entries by id from one peer, after proving membership on a stream of their own: gossip of a
   * private channel carries no content, and a member node fetches it before ingesting.
   */
  async fetchWithProof(peer: PeerId, ids: readonly EntryId[]): Promise<IdentifiedEnvelope[]> {
    const stream = await this.host.dialProtocol(peer, SYNC_PROTOCOL);
    try {
      const session = new SyncSession(stream, this.node);
      const proven = await session.prove(this.peersWith(peer));
      const found = proven.length > 0 ? await session.fetch(ids) : [];
      await stream.close();
      return found;
    } catch (err) {
      stream.abort(err as Error);
      throw err;
    }
  }

  private peersWith(peer: PeerId) {
    return { server: peer.toString(), client: this.host.peerId.toString() };
  }

  state(): SyncState {
    return {
      running: this.runs.size,
      completed: this.completed,
      failed: this.failed,
      entriesReceived: this.entriesReceived,
      pending: this.node.metrics().pending,
      ...(this.lastSyncAt ? { lastSyncAt: this.lastSyncAt } : {}),
      peers: Object.fromEntries(this.lastSync),
    };
  }

  private scopeOf(): SyncScope {
    return { channels: this.node.followedChannels() };
  }

  private async exchange(
    peer: PeerId,
    scope: SyncScope | undefined,
  ): Promise<SyncOutcome | undefined> {
    if (this.stopped) return undefined;
    let stream;
    try {
      stream = await this.host.dialProtocol(peer, SYNC_PROTOCOL);
    } catch (err) {
      this.log.debug(
        { peer: peer.toString(), err: (err as Error).message },
        'sync: cannot open a stream',
      );
      return undefined;
    }
    try {
      const contentless = this.contentless.snapshot();
      const outcome = await runSync(stream, this.node, scope ?? this.scopeOf(), {
        peers: this.peersWith(peer),
        hosted: this.access.hosted,
        contentless,
      });
      this.contentless.settle(contentless.keys());
      if (outcome.invalid > 0) this.onPeerFault(peer, outcome.invalid);
      this.completed += 1;
      this.entriesReceived += outcome.accepted;
      this.lastSyncAt = new Date().toISOString();
      this.lastSync.set(peer.toString(), this.lastSyncAt);
      if (outcome.accepted > 0 || outcome.rejected > 0) {
        this.log.info({ peer: peer.toString(), ...outcome }, 'sync: exchange finished');
      }
      return outcome;
    } catch (err) {
      this.failed += 1;
      if (err instanceof MalformedEntryError) this.onPeerFault(peer, 1);
      this.log.warn(
        { peer: peer.toString(), err: (err as Error).message },
        'sync: exchange failed',
      );
      stream.abort(err as Error);
      return undefined;
    }
  }
}
