/**
 * Which channels' content may leave this node, and to whom (DESIGN §10). Content of a public
 * channel goes to every peer; content of a private or direct channel only to a peer that proved
 * it hosts a current member (membership.ts). Entries themselves always travel: an author's log
 * mixes channels and a gap would break its hash chain, so a non-member peer gets a non-public
 * channel's entries with their content left out, as a relay passes on deleted content.
 */
import { decodeSealedEnvelope, encodeSealedEnvelope } from '../wire.js';
import type { ChannelId, EntryEnvelope, Unsubscribe } from '../types.js';
import type { SyncNode } from './types.js';

type VisibilityNode = Pick<SyncNode, 'getChannel' | 'on'>;

/**
 * Channel visibility, cached: the sync server asks once per entry it sends, so a public channel
 * costs one map lookup. A channel this node does not know counts as not public (fail closed).
 */
export class ChannelVisibility {
  private readonly publicById = new Map<ChannelId, boolean>();
  private readonly off: Unsubscribe | undefined;

  constructor(private readonly node: Pick<SyncNode, 'getChannel'> & Partial<VisibilityNode>) {
    // A channel's settings can change (and a channel can be created) while we run.
    this.off = node.on?.('channel', (event) =>
      this.publicById.set(event.channel.id, event.channel.visibility === 'public'),
    );
  }

  isPublic(channel: ChannelId | undefined): boolean {
    if (channel === undefined) return true;
    const known = this.publicById.get(channel);
    if (known !== undefined) return known;
    const view = this.node.getChannel(channel);
    if (!view) return false;
    this.publicById.set(channel, view.visibility === 'public');
    return view.visibility === 'public';
  }

  stop(): void {
    this.off?.();
  }
}

/** Whether one peer may read a channel's content, for the duration of one request. */
export type ReadGate = (channel: ChannelId | undefined) => boolean;

/** The gate of a peer that proved nothing: public channels and entries of no channel. */
export function publicGate(visibility: ChannelVisibility): ReadGate {
  return (channel) => visibility.isPublic(channel);
}

/** A wire envelope with its content left out (entry bytes unchanged, so its id and chain hold). */
export function withoutContent(envelope: Uint8Array): Uint8Array {
  const { sealed } = decodeSealedEnvelope(envelope);
  return encodeSealedEnvelope(sealed, new Map());
}

/** The same, for a decoded envelope. */
export function envelopeWithoutContent(envelope: EntryEnvelope): EntryEnvelope {
  return envelope.contents.size === 0 ? envelope : { entry: envelope.entry, contents: new Map() };
}

/** True when the entry points to content (a message or an edit) that `contents` lacks. */
export function lacksContent(envelope: EntryEnvelope): boolean {
  // Called on peers' entries before validation: any shape may come.
  const creates: unknown = envelope.entry.tx.creates;
  if (!Array.isArray(creates)) return false;
  for (const r of creates as EntryEnvelope['entry']['tx']['creates']) {
    if (r?.kind !== 'message' && r?.kind !== 'edit') continue;
    if (!envelope.contents.has(r.data?.contentHash)) return true;
  }
  return false;
}

type HostNode = Pick<SyncNode, 'on'> & Partial<Pick<SyncNode, 'memberKeys' | 'channelsReadableBy'>>;

/**
 * The non-public channels whose members this node hosts (their keys are here), and those keys:
 * what it proves to peers. Recomputed after a membership, channel or profile change, not per
 * message.
 */
export class HostedChannels {
  private cached: { keys: string[]; channels: Set<ChannelId> } | undefined;
  private readonly offs: Unsubscribe[];

  constructor(private readonly node: HostNode) {
    const reset = () => (this.cached = undefined);
    this.offs = [
      node.on('membership', reset),
      node.on('channel', reset),
      node.on('profile', reset),
    ];
  }

  private get current(): { keys: string[]; channels: Set<ChannelId> } {
    if (!this.cached) {
      const keys = this.node.memberKeys?.() ?? [];
      const channels =
        keys.length > 0 && this.node.channelsReadableBy
          ? this.node.channelsReadableBy(new Set(keys))
          : new Set<ChannelId>();
      this.cached = { keys, channels };
    }
    return this.cached;
  }

  /**
   * Forgets what was computed: a catch-up commits (and emits its events) a moment after it
   * applied entries, so a membership it just applied is not in the cache yet.
   */
  refresh(): void {
    this.cached = undefined;
  }

  /** The non-public channels with a local user as a current member. */
  channels(): ReadonlySet<ChannelId> {
    return this.current.channels;
  }

  /** True when a local user is a current member of `channel` (a non-public one). */
  has(channel: ChannelId): boolean {
    return this.current.channels.has(channel);
  }

  /** True when this node has anything to prove. */
  get any(): boolean {
    return this.current.keys.length > 0;
  }

  /** The keys it proves with. */
  get keys(): readonly string[] {
    return this.current.keys;
  }

  stop(): void {
    for (const off of this.offs) off();
  }
}
