/**
 * What one sync stream's client has proven, on the serving side. A client starts with public
 * content only; `challenge` hands it a fresh nonce, and `prove` with keys that sign for current
 * members of non-public channels opens those channels' content for the rest of the stream.
 * Each nonce answers one `prove`: a replayed answer finds no challenge outstanding.
 */
import { randomBytes } from 'node:crypto';
import type { Address, ChannelId, MembershipProof } from '../types.js';
import type { ChannelVisibility, ReadGate } from './channel-access.js';
import { MembershipProofError } from './errors.js';
import { checkProofs, NONCE_BYTES } from './membership.js';
import type { ProvenFrame } from './sync-messages.js';
import type { SyncNode } from './types.js';

/** The two ends of a stream, as libp2p authenticated them. */
export interface StreamPeers {
  /** This node's peer id. */
  readonly server: string;
  /** The client's peer id. */
  readonly client: string;
}

export class StreamAccess {
  private nonce: Uint8Array | undefined;
  private readonly keys = new Set<Address>();

  constructor(
    private readonly node: Partial<Pick<SyncNode, 'channelsReadableBy'>>,
    private readonly visibility: ChannelVisibility,
    private readonly peers: StreamPeers,
    private readonly onRefused: (errors: readonly MembershipProofError[]) => void = () => {},
  ) {}

  /** A fresh nonce; it replaces any earlier one that was not answered. */
  challenge(): Uint8Array {
    this.nonce = new Uint8Array(randomBytes(NONCE_BYTES));
    return this.nonce;
  }

  /**
   * Checks an answer to the outstanding challenge and consumes that challenge. Refused keys are
   * named in the answer and handed to `onRefused` (the server logs them).
   */
  prove(proofs: readonly MembershipProof[]): ProvenFrame {
    const nonce = this.nonce;
    this.nonce = undefined;
    const verdict = nonce
      ? checkProofs({ nonce, ...this.peers }, proofs, (keys) => this.granting(keys))
      : {
          keys: [],
          refused: [
            new MembershipProofError(
              'no_challenge',
              undefined,
              'no challenge is outstanding: ask for one first',
            ),
          ],
        };
    for (const key of verdict.keys) this.keys.add(key);
    if (verdict.refused.length > 0) this.onRefused(verdict.refused);
    return { t: 'proven', keys: verdict.keys, refused: verdict.refused.map((e) => e.message) };
  }

  /**
   * Which of `keys` (signatures checked) sign for a current member of a non-public channel. One
   * scan settles a peer whose keys grant nothing (a stranger can sign only with its own keys);
   * a scan per key only when they grant something together.
   */
  private granting(keys: readonly Address[]): Set<Address> {
    const readable = this.node.channelsReadableBy?.bind(this.node);
    if (!readable || readable(new Set(keys)).size === 0) return new Set();
    if (keys.length === 1) return new Set(keys);
    return new Set(keys.filter((key) => readable(new Set([key])).size > 0));
  }

  /**
   * The gate for one request. Membership is read when the request is served, so a member
   * removed or banned meanwhile stops receiving content with the next request.
   */
  gate(): ReadGate {
    const { visibility } = this;
    const readable = this.node.channelsReadableBy?.bind(this.node);
    if (this.keys.size === 0 || !readable) return (channel) => visibility.isPublic(channel);
    let channels: Set<ChannelId> | undefined;
    return (channel) =>
      visibility.isPublic(channel) || (channels ??= readable(this.keys)).has(channel!);
  }
}
