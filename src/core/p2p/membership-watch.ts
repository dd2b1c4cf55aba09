/**
 * Notices when this node starts hosting a member of a private channel (a local user invited,
 * or a node started with such members) and looks for the channel's messages it holds without
 * text: stored while it was only a relay, or when a fetch failed. Those are asked for at the next
 * sync exchanges, and one is started at once. A message without text whose content is here is
 * not asked for (an encrypted channel's ciphertext this node cannot open), nor, in an encrypted
 * channel, one sent before the membership of every member hosted here: it was sealed to chains
 * never shared with them, so its content would not open (docs/protocol.md, "Encrypted channels").
 */
import { seal } from '../log.js';
import type { ChannelId, EntryId, Hlc, Unsubscribe } from '../types.js';
import { lacksContent, type HostedChannels } from './channel-access.js';
import type { ContentWanted } from './content-wanted.js';
import { MAX_GET_IDS } from './sync-messages.js';
import type { SyncNode } from './types.js';

/** Membership changes come in bursts during a catch-up: look once they settle. */
const SETTLE_MS = 250;
/** Most messages looked at per newly hosted channel (newest first). */
const MAX_LOOKED_AT = 4 * MAX_GET_IDS;
const PAGE = 500;

export class MembershipWatch {
  private seen = new Set<ChannelId>();
  private timer: NodeJS.Timeout | undefined;
  private readonly offs: Unsubscribe[] = [];

  constructor(
    private readonly node: Pick<SyncNode, 'on' | 'getEntries' | 'getChannel'> &
      Partial<Pick<SyncNode, 'listMessages' | 'memberKeys' | 'membershipSince'>>,
    private readonly hosted: HostedChannels,
    private readonly wanted: ContentWanted,
    private readonly onFound: () => void,
  ) {}

  start(): void {
    const soon = () => this.schedule();
    this.offs.push(this.node.on('membership', soon), this.node.on('channel', soon));
    this.schedule();
  }

  stop(): void {
    for (const off of this.offs.splice(0)) off();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.check();
    }, SETTLE_MS);
    this.timer.unref();
  }

  private check(): void {
    this.hosted.refresh();
    const now = new Set(this.hosted.channels());
    let found = false;
    for (const channel of now) {
      if (!this.seen.has(channel) && this.noteMissing(channel)) found = true;
    }
    this.seen = now;
    if (found) this.onFound();
  }

  /** Notes the channel's messages that have no text and were not deleted; true if any. */
  private noteMissing(channel: ChannelId): boolean {
    const list = this.node.listMessages?.bind(this.node);
    if (!list) return false;
    const missing: EntryId[] = [];
    let before: string | undefined;
    for (let looked = 0; looked < MAX_LOOKED_AT; looked += PAGE) {
      const page = list(channel, { limit: PAGE, ...(before && { before: before as never }) });
      for (const m of page) if (m.text === null && !m.deleted) missing.push(m.entry);
      if (page.length < PAGE) break;
      before = page[0]!.id;
    }
    const wanted = this.worthAsking(channel, missing);
    this.wanted.note(wanted, channel);
    return wanted.length > 0;
  }

  /** The entries of `ids` whose content is absent here and could be read once it came. */
  private worthAsking(channel: ChannelId, ids: readonly EntryId[]): EntryId[] {
    if (ids.length === 0) return [];
    let since: Hlc | undefined;
    if (this.node.getChannel(channel)?.encrypted) {
      since = this.node.membershipSince?.(channel, new Set(this.node.memberKeys?.() ?? []));
    }
    const before = (hlc: Hlc) =>
      since !== undefined &&
      (hlc.wall < since.wall || (hlc.wall === since.wall && hlc.counter < since.counter));
    const wanted = new Set(
      this.node
        .getEntries(ids)
        .filter((e) => lacksContent(e) && !before(e.entry.hlc))
        .map((e) => seal(e.entry).id),
    );
    return ids.filter((id) => wanted.has(id));
  }
}
