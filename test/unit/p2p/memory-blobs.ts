/**
 * An in-memory BlobStore for P2P tests: bytes by sha256, and which channels reference each blob
 * set by the test (the real store reads that from messages). `fetch` goes to the registered
 * remote source like the real store does and checks the hash before it keeps the bytes.
 */
import { createHash } from 'node:crypto';
import type {
  BlobHash,
  BlobInfo,
  BlobRemoteSource,
  BlobStore,
  ChannelId,
  MultichatNode,
} from '../../../src/core/types.js';
import type { SyncNode } from '../../../src/core/p2p/types.js';

export const sha256 = (bytes: Uint8Array): BlobHash =>
  createHash('sha256').update(bytes).digest('hex') as BlobHash;

export class MemoryBlobs implements BlobStore {
  readonly bytes = new Map<BlobHash, Uint8Array>();
  readonly refs = new Map<BlobHash, ChannelId[]>();
  remote: BlobRemoteSource | undefined;

  /** Stores `bytes` as referenced by `channels`; returns the hash. */
  hold(bytes: Uint8Array, channels: readonly ChannelId[]): BlobHash {
    const hash = sha256(bytes);
    this.bytes.set(hash, bytes);
    this.refs.set(hash, [...channels]);
    return hash;
  }

  async put(
    source: AsyncIterable<Uint8Array> | Uint8Array,
    options: { maxBytes?: number; expectedHash?: BlobHash } = {},
  ): Promise<BlobInfo> {
    const parts: Uint8Array[] = [];
    if (source instanceof Uint8Array) parts.push(source);
    else for await (const part of source) parts.push(part);
    const all = new Uint8Array(Buffer.concat(parts));
    if (options.maxBytes !== undefined && all.byteLength > options.maxBytes) {
      throw new Error('blob too large');
    }
    const hash = sha256(all);
    if (options.expectedHash !== undefined && hash !== options.expectedHash) {
      throw new Error('blob hash mismatch');
    }
    this.bytes.set(hash, all);
    return { hash, size: all.byteLength };
  }

  has(hash: BlobHash): boolean {
    return this.bytes.has(hash);
  }

  describe(hash: BlobHash): BlobInfo | undefined {
    const bytes = this.bytes.get(hash);
    return bytes ? { hash, size: bytes.byteLength } : undefined;
  }

  uploadedBy(): boolean {
    return false;
  }

  /** Nothing here is sealed: the stored bytes are the only face. */
  openStored(hash: BlobHash) {
    return this.open(hash);
  }

  open(hash: BlobHash): { readonly size: number; stream(): AsyncIterable<Uint8Array> } | undefined {
    const bytes = this.bytes.get(hash);
    if (!bytes) return undefined;
    return {
      size: bytes.byteLength,
      // Pieces of 100 KB: not aligned with the protocol's chunks, as file reads are not.
      async *stream() {
        for (let at = 0; at < bytes.byteLength; at += 100_000)
          yield bytes.subarray(at, at + 100_000);
      },
    };
  }

  async fetch(
    hash: BlobHash,
    options: { signal?: AbortSignal } = {},
  ): Promise<{ readonly size: number; stream(): AsyncIterable<Uint8Array> } | undefined> {
    if (this.has(hash)) return this.open(hash);
    const source = await this.remote?.(hash, options.signal ?? AbortSignal.timeout(30_000));
    if (!source) return undefined;
    await this.put(source, { expectedHash: hash });
    return this.open(hash);
  }

  channelsReferencing(hash: BlobHash): ChannelId[] {
    return this.refs.get(hash) ?? [];
  }

  setRemoteSource(source: BlobRemoteSource | undefined): void {
    this.remote = source;
  }
}

/** `node` as the P2P layer sees it, with `blobs` replaced by `blobs` (methods stay bound). */
export function withBlobs(node: MultichatNode, blobs: BlobStore): SyncNode {
  return new Proxy(node, {
    get(target, prop) {
      if (prop === 'blobs') return blobs;
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
    },
  });
}

/** Every byte a fetched blob streams. */
export async function readAll(
  blob: { stream(): AsyncIterable<Uint8Array> } | undefined,
): Promise<Buffer | undefined> {
  if (!blob) return undefined;
  const parts: Uint8Array[] = [];
  for await (const part of blob.stream()) parts.push(part);
  return Buffer.concat(parts);
}
