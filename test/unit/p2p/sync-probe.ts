/**
 * A raw sync client for hostile-peer tests: sends any frame to a node's sync protocol and keeps
 * every byte the node sent back, so a test can say what a peer received, byte for byte.
 */
import { peerIdFromString } from '@libp2p/peer-id';
import { FrameReader, writeFrame, type Chunk } from '../../../src/core/p2p/codec.js';
import type { Host } from '../../../src/core/p2p/host.js';
import { SYNC_PROTOCOL } from '../../../src/core/p2p/sync-messages.js';
import type { SyncStream } from '../../../src/core/p2p/sync-server.js';

type Frame = Record<string, unknown> & { t: string };

/** An answer frame, with the fields the sync protocol's answers carry. */
export interface ProbeAnswer {
  readonly t: string;
  readonly nonce?: Uint8Array;
  readonly keys?: string[];
  readonly refused?: string[];
  readonly entries?: Uint8Array[];
  readonly sent?: number;
}

export class SyncProbe {
  private readonly chunks: Uint8Array[] = [];
  private readonly reader: FrameReader;

  private constructor(private readonly stream: SyncStream) {
    const chunks = this.chunks;
    const recording: AsyncIterable<Chunk> = {
      [Symbol.asyncIterator]() {
        const inner = stream[Symbol.asyncIterator]();
        return {
          async next() {
            const step = await inner.next();
            if (!step.done) {
              const v = step.value;
              chunks.push(new Uint8Array(v instanceof Uint8Array ? v : v.subarray()));
            }
            return step;
          },
        };
      },
    };
    this.reader = new FrameReader(recording);
  }

  static async open(host: Host, peerId: string): Promise<SyncProbe> {
    return new SyncProbe(await host.dialProtocol(peerIdFromString(peerId), SYNC_PROTOCOL));
  }

  /** Sends one request and returns every answer frame to it (a `want` runs until `done`). */
  async request(frame: Frame): Promise<ProbeAnswer[]> {
    await writeFrame(this.stream, frame);
    const answers: ProbeAnswer[] = [];
    for (;;) {
      const answer = (await this.reader.expect()) as ProbeAnswer;
      answers.push(answer);
      if (frame.t !== 'want' || answer.t === 'done') return answers;
      if (answer.t === 'batch') await writeFrame(this.stream, { t: 'credit', n: 1 });
    }
  }

  /** Everything the node sent on this stream so far. */
  received(): Buffer {
    return Buffer.concat(this.chunks);
  }

  async close(): Promise<void> {
    await this.stream.close();
  }
}
