/**
 * The blob protocol on a running host: answers peers' requests from the node's blob store
 * (blob-server.ts) and registers the asking side (blob-client.ts) as the store's remote source.
 * Nothing in ingest or sync waits on it: a message arrives and is stored whether or not the bytes
 * of its files can be had; the bytes are fetched when someone asks the store for them.
 */
import type { PeerId } from '@libp2p/interface';
import type { CoreLogger } from '../options.js';
import type { BlobStore } from '../types.js';
import type { ChannelVisibility, HostedChannels } from './channel-access.js';
import { BlobFetcher } from './blob-client.js';
import { BLOB_PROTOCOL } from './blob-messages.js';
import { BlobSlots, serveBlobStream, type BlobLimits, type BlobStream } from './blob-server.js';
import type { Host } from './host.js';
import { StreamAccess } from './stream-access.js';
import type { SyncNode } from './types.js';

/** Bounds of both sides. */
export interface BlobExchangeLimits extends BlobLimits {
  /** Client: longest wait for one peer's stream, answer or chunk before the next peer. */
  readonly peerTimeoutMs: number;
}

export class BlobExchange {
  private readonly slots: BlobSlots;
  private readonly fetcher: BlobFetcher;

  constructor(
    private readonly host: Host,
    private readonly node: SyncNode & { readonly blobs: BlobStore },
    private readonly access: { visibility: ChannelVisibility; hosted: HostedChannels },
    private readonly limits: BlobExchangeLimits,
    private readonly log: CoreLogger,
    onFault: (peer: PeerId, reason: string) => void,
  ) {
    this.slots = new BlobSlots(limits);
    this.fetcher = new BlobFetcher({
      host,
      node,
      hosted: access.hosted,
      limits,
      log,
      onFault,
    });
  }

  async start(): Promise<void> {
    await this.host.handle(
      BLOB_PROTOCOL,
      (stream, connection) => {
        const client = connection.remotePeer.toString();
        const access = new StreamAccess(
          this.node,
          this.access.visibility,
          { server: this.host.peerId.toString(), client },
          (errors) =>
            this.log.info(
              { peer: client, refused: errors.map((e) => e.message) },
              'blob: refused a membership proof',
            ),
        );
        const blobStream = stream as unknown as BlobStream;
        serveBlobStream(blobStream, this.node.blobs, access, this.slots, client, this.limits).catch(
          (err: Error) => {
            this.log.debug({ peer: client, err: err.message }, 'blob: serving a peer ended');
            blobStream.abort(err);
          },
        );
      },
      // Streams past this per connection are reset by libp2p; past the slots, answered busy.
      { maxInboundStreams: this.limits.streamsPerPeer + 2 },
    );
    this.node.blobs.setRemoteSource(this.fetcher.source);
  }

  async stop(): Promise<void> {
    this.node.blobs.setRemoteSource(undefined);
    await this.host.unhandle(BLOB_PROTOCOL).catch(() => {});
  }

  /** Streams sending bytes now. */
  get serving(): number {
    return this.slots.active;
  }
}
