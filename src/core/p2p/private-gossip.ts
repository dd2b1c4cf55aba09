/**
 * Gossip of non-public channels (DESIGN §10). Gossipsub delivers a topic's messages to every
 * peer that subscribes to it, members or not, so a private channel's entries go out without
 * their content. A node that hosts a member fetches the content from the peer that forwarded the
 * entry, over a sync stream on which it proved membership, and ingests the entry whole; when no
 * content comes, the entry is stored without it and the next sync exchanges ask again.
 */
import type { PeerId } from '@libp2p/interface';
import type { ContentHash, EntryEnvelope, EntryId, ChannelId } from '../types.js';
import { sealedSignatureValid } from '../log.js';
import { decodeEntryRun, encodeEntryRun, type SealedEnvelope } from '../wire.js';
import { lacksContent, type ChannelVisibility, type HostedChannels } from './channel-access.js';
import { PeerFetches, type FetchEntries } from './peer-fetches.js';
import { channelOfTopic } from './topics.js';
import type { Verdict } from './validator.js';

type Validate = (peer: PeerId, topic: string, data: Uint8Array) => Promise<Verdict>;

export interface PrivateGossipDeps {
  readonly visibility: ChannelVisibility;
  readonly hosted: HostedChannels;
  /** Entries by id from `peer`, on a stream where this node proved membership. */
  readonly fetch: FetchEntries;
  /** Entries that will be stored without their content: for the next sync to fetch. */
  readonly noteContentless: (ids: readonly EntryId[], channel: ChannelId) => void;
}

const NONE: ReadonlyMap<ContentHash, Uint8Array> = new Map();

export class PrivateGossip {
  private readonly fetches: PeerFetches;

  constructor(
    private readonly validateEntries: Validate,
    private readonly deps: PrivateGossipDeps,
  ) {
    this.fetches = new PeerFetches(deps.fetch);
  }

  /** The content a local entry is published with: none for a non-public channel. */
  publishable(envelope: EntryEnvelope): ReadonlyMap<ContentHash, Uint8Array> {
    return this.deps.visibility.isPublic(envelope.entry.tx.channel) ? envelope.contents : NONE;
  }

  /** Validates a gossip message, with its content fetched first where this node may read it. */
  async validate(peer: PeerId, topic: string, data: Uint8Array): Promise<Verdict> {
    const channel = channelOfTopic(topic);
    // Public channels (and the log topic) pay one map lookup here.
    if (channel === undefined || this.deps.visibility.isPublic(channel)) {
      return this.validateEntries(peer, topic, data);
    }
    if (!this.deps.hosted.has(channel)) return this.validateEntries(peer, topic, data);
    return this.validateEntries(peer, topic, await this.withContent(peer, channel, data));
  }

  /** The message with the content its entries lack, as far as `peer` supplies it. */
  private async withContent(peer: PeerId, channel: ChannelId, data: Uint8Array) {
    let run: SealedEnvelope[];
    try {
      run = decodeEntryRun(data);
    } catch {
      return data; // the validator refuses it and names why
    }
    const missing = run
      .filter((e) => lacksContent({ entry: e.sealed.entry, contents: e.contents }))
      .map((e) => e.sealed.id);
    const newest = run.at(-1)?.sealed;
    // Only an author's signed run is worth a fetch: a forged one would cost a stream each.
    if (missing.length === 0 || !newest || !sealedSignatureValid(newest)) return data;
    // A peer that went away or refused yields nothing: the entry is stored without content.
    const fetched = await this.fetches.get(peer, missing);
    const found = new Map<EntryId, ReadonlyMap<ContentHash, Uint8Array>>();
    for (const id of missing) {
      const envelope = fetched.get(id)?.envelope;
      if (envelope && !lacksContent(envelope)) found.set(id, envelope.contents);
    }
    const still = missing.filter((id) => !found.has(id));
    if (still.length > 0) this.deps.noteContentless(still, channel);
    if (found.size === 0) return data;
    // The ingest checks each content against the hash its entry names, as for any envelope.
    return encodeEntryRun(
      run.map((e) => ({ sealed: e.sealed, contents: found.get(e.sealed.id) ?? e.contents })),
    );
  }
}
