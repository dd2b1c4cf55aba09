/**
 * A raw blob-protocol client for tests: sends any frame to a node's blob protocol, reads its
 * answers and the bytes that follow, and can stop reading (a slow reader).
 */
import { randomBytes } from 'node:crypto';
import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys';
import { identify } from '@libp2p/identify';
import { peerIdFromString } from '@libp2p/peer-id';
import type { Stream } from '@libp2p/interface';
import { tcp } from '@libp2p/tcp';
import { createLibp2p, type Libp2p } from 'libp2p';
import { BLOB_PROTOCOL } from '../../../src/core/p2p/blob-messages.js';
import { FrameReader, writeFrame } from '../../../src/core/p2p/codec.js';
import type { Host } from '../../../src/core/p2p/host.js';

export interface ProbeBlobAnswer {
  readonly t: string;
  readonly status?: string;
  readonly size?: number;
  readonly nonce?: Uint8Array;
  readonly keys?: string[];
}

export class BlobProbe {
  private readonly reader: FrameReader;

  private constructor(readonly stream: Stream) {
    this.reader = new FrameReader(stream);
  }

  static async open(host: Host | Libp2p, peerId: string): Promise<BlobProbe> {
    return new BlobProbe(await host.dialProtocol(peerIdFromString(peerId), BLOB_PROTOCOL));
  }

  async ask(frame: Record<string, unknown>): Promise<ProbeBlobAnswer> {
    await writeFrame(this.stream, frame);
    return (await this.reader.expect()) as ProbeBlobAnswer;
  }

  /** The `size` bytes that follow an ok answer. */
  async body(size: number): Promise<Buffer> {
    const parts: Uint8Array[] = [];
    let got = 0;
    while (got < size) {
      const chunk = (await this.reader.expect()) as Uint8Array;
      parts.push(chunk);
      got += chunk.byteLength;
    }
    return Buffer.concat(parts);
  }

  /** Stops reading: the peer's window runs out and its writes wait. */
  pause(): void {
    this.stream.pause();
  }

  abort(): void {
    this.stream.abort(new Error('probe gave up'));
  }
}

/**
 * A bare host whose streams grant at most 256 KiB of credit: a stream it stops reading (pause)
 * soon leaves the sender's writes waiting. The stock window grows to 16 MiB, and a paused
 * stream whose read buffer passes 4 MiB is aborted by its own side, which is not a slow reader.
 */
export async function startSlowReaderHost(): Promise<Libp2p> {
  const host = await createLibp2p({
    privateKey: await generateKeyPairFromSeed('Ed25519', new Uint8Array(randomBytes(32))),
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux({ streamOptions: { maxStreamWindowSize: 256 * 1024 } })],
    services: { identify: identify() },
  });
  await host.start();
  return host;
}
