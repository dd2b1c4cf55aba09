/**
 * The asking side of the blob protocol: the node's blob store calls it (the remote source) for a
 * blob this node lacks. Connected peers are asked one after another, each within a short
 * timeout, until one answers 'ok' and sends bytes that hash to what was asked. A peer whose
 * bytes do not is reported as a fault and the next peer is asked. A peer's bytes are held in
 * memory until their hash is checked (at most the media limit per fetch running), so the store
 * is handed only bytes from one peer that are known to be right.
 */
import { createHash } from 'node:crypto';
import type { PeerId } from '@libp2p/interface';
import { BlobTooLargeError } from '../errors.js';
import type { CoreLogger } from '../options.js';
import type { BlobHash, BlobRemoteSource } from '../types.js';
import type { HostedChannels } from './channel-access.js';
import { FrameReader, writeFrame } from './codec.js';
import { BlobBytesMismatchError, BlobStreamTimeoutError, SyncProtocolError } from './errors.js';
import {
  BLOB_PROTOCOL,
  MAX_BLOB_CONTROL_BYTES,
  parseBlobAnswer,
  parseBlobChunk,
  type BlobAnswer,
} from './blob-messages.js';
import type { BlobStream } from './blob-server.js';
import type { Host } from './host.js';
import type { SyncNode } from './types.js';

export interface BlobClientLimits {
  /** Largest blob accepted from a peer. */
  readonly maxBytes: number;
  /** Longest wait for a peer's stream, each answer and each chunk. */
  readonly peerTimeoutMs: number;
  /** Longest a whole exchange with one peer may take. */
  readonly streamTimeoutMs: number;
}

export interface BlobClientDeps {
  readonly host: Pick<Host, 'getPeers' | 'dialProtocol' | 'peerId'>;
  readonly node: Partial<Pick<SyncNode, 'signMembershipChallenge'>>;
  readonly hosted: Pick<HostedChannels, 'any' | 'refresh'>;
  readonly limits: BlobClientLimits;
  readonly log: CoreLogger;
  /** Called when a peer sent wrong bytes or broke the protocol. */
  readonly onFault: (peer: PeerId, reason: string) => void;
}

export class BlobFetcher {
  constructor(private readonly deps: BlobClientDeps) {}

  /** The function the blob store calls (BlobStore.setRemoteSource). */
  readonly source: BlobRemoteSource = async (hash, signal) => {
    const chunks = await this.fromPeers(hash, signal);
    if (!chunks) return undefined;
    return (async function* () {
      yield* chunks;
    })();
  };

  /** The bytes of `hash` from the first peer that has them right, or undefined. */
  async fromPeers(hash: BlobHash, signal: AbortSignal): Promise<Uint8Array[] | undefined> {
    const self = this.deps.host.peerId.toString();
    for (const peer of this.deps.host.getPeers()) {
      if (signal.aborted) return undefined;
      if (peer.toString() === self) continue;
      try {
        const chunks = await this.ask(peer, hash, signal);
        if (chunks) return chunks;
      } catch (err) {
        const faulty = err instanceof BlobBytesMismatchError || err instanceof SyncProtocolError;
        if (faulty) this.deps.onFault(peer, (err as Error).message);
        this.deps.log.debug(
          { peer: peer.toString(), hash, err: (err as Error).message },
          'blob: asking a peer failed',
        );
      }
    }
    return undefined;
  }

  private async ask(
    peer: PeerId,
    hash: BlobHash,
    signal: AbortSignal,
  ): Promise<Uint8Array[] | undefined> {
    const { limits } = this.deps;
    const dialSignal = AbortSignal.any([signal, AbortSignal.timeout(limits.peerTimeoutMs)]);
    const stream = (await this.deps.host.dialProtocol(peer, BLOB_PROTOCOL, {
      signal: dialSignal,
    })) as unknown as BlobStream;
    const exchange = new Exchange(stream, limits, signal);
    try {
      let answer = await exchange.request(hash);
      // Read afresh: a membership applied by a catch-up a moment ago may not be cached yet.
      if (answer.status === 'refused') this.deps.hosted.refresh();
      if (answer.status === 'refused' && this.deps.hosted.any) {
        if (await exchange.prove(peer, this.deps)) answer = await exchange.request(hash);
      }
      if (answer.status !== 'ok') {
        await stream.close();
        return undefined;
      }
      const size = answer.size ?? 0;
      if (size > limits.maxBytes) {
        stream.abort(new BlobTooLargeError(limits.maxBytes, size));
        return undefined;
      }
      const chunks = await exchange.body(size);
      const digest = createHash('sha256');
      for (const chunk of chunks) digest.update(chunk);
      if (digest.digest('hex') !== hash) throw new BlobBytesMismatchError(peer.toString(), hash);
      await stream.close();
      return chunks;
    } catch (err) {
      stream.abort(err as Error);
      throw err;
    } finally {
      exchange.end();
    }
  }
}

/** One stream's reads and writes, each within the per-peer timeout and the caller's signal. */
class Exchange {
  private readonly reader: FrameReader;
  private readonly deadline: NodeJS.Timeout;
  private readonly onAbort = () => this.stream.abort(new BlobStreamTimeoutError('fetch aborted'));

  constructor(
    private readonly stream: BlobStream,
    private readonly limits: BlobClientLimits,
    private readonly signal: AbortSignal,
  ) {
    this.reader = new FrameReader(stream, MAX_BLOB_CONTROL_BYTES);
    this.deadline = setTimeout(
      () => stream.abort(new BlobStreamTimeoutError('the peer took too long to send the blob')),
      limits.streamTimeoutMs,
    );
    signal.addEventListener('abort', this.onAbort, { once: true });
  }

  end(): void {
    clearTimeout(this.deadline);
    this.signal.removeEventListener('abort', this.onAbort);
  }

  async request(hash: BlobHash): Promise<BlobAnswer> {
    await writeFrame(this.stream, { t: 'blob', hash });
    const answer = parseBlobAnswer(await this.next());
    if (answer.t !== 'blob') throw new SyncProtocolError(`unexpected ${answer.t} for blob`);
    return answer;
  }

  /** Proves this node hosts members of private channels; true when the peer accepted a key. */
  async prove(peer: PeerId, deps: BlobClientDeps): Promise<boolean> {
    await writeFrame(this.stream, { t: 'challenge' });
    const challenge = parseBlobAnswer(await this.next());
    if (challenge.t !== 'challenge') throw new SyncProtocolError(`unexpected ${challenge.t}`);
    const proofs =
      deps.node.signMembershipChallenge?.({
        nonce: challenge.nonce,
        server: peer.toString(),
        client: deps.host.peerId.toString(),
      }) ?? [];
    await writeFrame(this.stream, { t: 'prove', proofs });
    const proven = parseBlobAnswer(await this.next());
    if (proven.t !== 'proven') throw new SyncProtocolError(`unexpected ${proven.t} for prove`);
    return proven.keys.length > 0;
  }

  /** Reads exactly `size` bytes of chunk frames. */
  async body(size: number): Promise<Uint8Array[]> {
    const chunks: Uint8Array[] = [];
    let remaining = size;
    while (remaining > 0) {
      const chunk = parseBlobChunk(await this.next(), remaining);
      chunks.push(chunk);
      remaining -= chunk.byteLength;
    }
    return chunks;
  }

  /** The next frame, or a timeout that aborts the stream when the peer is silent too long. */
  private async next(): Promise<unknown> {
    const timer = setTimeout(
      () => this.stream.abort(new BlobStreamTimeoutError('the peer stopped answering')),
      this.limits.peerTimeoutMs,
    );
    try {
      return await this.reader.expect();
    } finally {
      clearTimeout(timer);
    }
  }
}
