/** The read side of the node facade: views of users, channels, members, messages and logs. */
import { AmbiguousNameError } from './errors.js';
import { unseal } from './log.js';
import { profileSigner } from './logics/authority.js';
import { skeleton } from './skeleton.js';
import type { NodeInternals } from './internals.js';
import type { ChannelRow, MemberRow, MessageRow, ProfileRow } from './store/projections.js';
import type {
  Address,
  ChannelId,
  ChannelView,
  ContentHash,
  EntryEnvelope,
  EntryId,
  Frontier,
  Hlc,
  ListMessagesQuery,
  MemberView,
  MessageId,
  MessageView,
  NodeMetrics,
  Role,
  UserId,
  UserView,
  WireEntry,
} from './types.js';
import { wireEntriesFromRows } from './wire-entries.js';

export const DEFAULT_PAGE = 50;
export const MAX_PAGE = 500;

export abstract class CoreQueries {
  constructor(private readonly q: NodeInternals) {}

  getUser(id: UserId): UserView | undefined {
    return this.q.views.userById(id);
  }

  findUserByName(username: string): UserView | undefined {
    const row = this.q.projections.profileByName.get(username.normalize('NFC')) as
      ProfileRow | undefined;
    return row && this.q.views.user(row);
  }

  getChannel(id: ChannelId): ChannelView | undefined {
    const row = this.q.projections.channel.get(id) as ChannelRow | undefined;
    return row && this.q.views.channel(row);
  }

  /** The one channel with this name; AmbiguousNameError when several have it. */
  findChannelByName(name: string): ChannelView | undefined {
    const found = this.findChannelsByName(name);
    if (found.length > 1)
      throw new AmbiguousNameError(
        name,
        found.map((c) => c.id),
      );
    return found[0];
  }

  /** Every channel with this name (NFC), oldest id first. */
  findChannelsByName(name: string): ChannelView[] {
    const rows = this.q.projections.channelsByName.all(name.normalize('NFC')) as ChannelRow[];
    return rows.map((row) => this.q.views.channel(row));
  }

  /** Users whose names look like `name` (equal skeletons, skeleton.ts), this name included. */
  usersLike(name: string): { id: UserId; username: string }[] {
    const key = skeleton(name);
    const all = this.q.projections.profileNames.all() as { user_id: UserId; username: string }[];
    return all
      .filter((row) => skeleton(row.username) === key)
      .map((row) => ({ id: row.user_id, username: row.username }));
  }

  /** For each user given, the other users whose names look alike (skeleton.ts); one scan. */
  lookalikesOf(users: readonly UserId[]): Map<UserId, { id: UserId; username: string }[]> {
    const all = this.q.projections.profileNames.all() as { user_id: UserId; username: string }[];
    const bySkeleton = new Map<string, { id: UserId; username: string }[]>();
    for (const row of all) {
      const key = skeleton(row.username);
      const list = bySkeleton.get(key) ?? [];
      list.push({ id: row.user_id, username: row.username });
      bySkeleton.set(key, list);
    }
    const names = new Map(all.map((row) => [row.user_id, row.username]));
    const out = new Map<UserId, { id: UserId; username: string }[]>();
    for (const user of users) {
      const name = names.get(user);
      if (name === undefined) continue;
      const others = (bySkeleton.get(skeleton(name)) ?? []).filter((o) => o.id !== user);
      if (others.length > 0) out.set(user, others);
    }
    return out;
  }

  listChannels(): ChannelView[] {
    return (this.q.projections.channels.all() as ChannelRow[]).map((row) =>
      this.q.views.channel(row),
    );
  }

  listMembers(channel: ChannelId): MemberView[] {
    return (this.q.projections.members.all(channel) as MemberRow[]).flatMap((row) => {
      const user = this.q.views.userById(row.user_id);
      return user ? [{ user, role: row.role }] : [];
    });
  }

  roleOf(channel: ChannelId, user: UserId): Role | undefined {
    return this.q.state.role(channel, user);
  }

  getMessage(id: MessageId): MessageView | undefined {
    const row = this.q.projections.message.get(id) as MessageRow | undefined;
    return row && this.q.views.message(row);
  }

  /** Oldest first. Without anchors, the newest `limit` messages. */
  listMessages(channel: ChannelId, query: ListMessagesQuery = {}): MessageView[] {
    const limit = Math.min(Math.max(1, Math.floor(query.limit ?? DEFAULT_PAGE)), MAX_PAGE);
    const p = this.q.projections;
    const anchorOf = (id: MessageId) => {
      const row = p.message.get(id) as MessageRow | undefined;
      if (!row || row.channel !== channel) return undefined;
      return [row.read_wall, row.hlc_wall, row.hlc_counter, row.entry] as const;
    };
    let rows: MessageRow[];
    if (query.after !== undefined) {
      const anchor = anchorOf(query.after);
      rows = anchor ? (p.messagesAfter.all(channel, ...anchor, limit) as MessageRow[]) : [];
      if (query.before !== undefined) {
        const end = anchorOf(query.before);
        rows = end ? rows.filter((r) => compareRow(r, end) < 0) : [];
      }
    } else if (query.before !== undefined) {
      const anchor = anchorOf(query.before);
      rows = anchor
        ? (p.messagesBefore.all(channel, ...anchor, limit) as MessageRow[]).reverse()
        : [];
    } else {
      rows = (p.messagesLast.all(channel, limit) as MessageRow[]).reverse();
    }
    return rows.map((row) => this.q.views.message(row));
  }

  followedChannels(): ChannelId[] {
    return this.q.projections.channelIds.all() as ChannelId[];
  }

  frontier(channels?: readonly ChannelId[]): Frontier {
    const all = this.q.log.frontier();
    if (!channels) return all;
    const authors = new Set(channels.flatMap((c) => this.q.log.authorsIn(c)));
    return new Map([...all].filter(([author]) => authors.has(author)));
  }

  entriesAfter(author: Address, afterSeq: number, limit: number): EntryEnvelope[] {
    return this.q.log.after(author, afterSeq, limit).map((row) => this.envelope(row.body));
  }

  wireEntriesAfter(author: Address, afterSeq: number, limit: number): WireEntry[] {
    const rows = this.q.log.wireAfter(author, afterSeq, limit);
    return wireEntriesFromRows(author, rows, (body) => this.envelope(body).contents);
  }

  getEntries(ids: readonly EntryId[]): EntryEnvelope[] {
    return ids.flatMap((id) => {
      const body = this.q.log.body(id);
      return body ? [this.envelope(body)] : [];
    });
  }

  channelHeads(channel: ChannelId): EntryId[] {
    return this.q.log.channelHeads(channel);
  }

  channelsReadableBy(keys: ReadonlySet<Address>): Set<ChannelId> {
    const readable = new Set<ChannelId>();
    if (keys.size === 0) return readable;
    for (const [channel, signer] of this.privateMemberSigners()) {
      if (keys.has(signer)) readable.add(channel);
    }
    return readable;
  }

  membershipSince(channel: ChannelId, keys: ReadonlySet<Address>): Hlc | undefined {
    let since: Hlc | undefined;
    for (const member of this.q.projections.members.all(channel) as MemberRow[]) {
      if (member.role === 'banned') continue;
      const profile = this.q.state.profile(member.user_id);
      const signer = profile && profileSigner(profile);
      if (!signer || !keys.has(signer)) continue;
      const hlc = { wall: member.hlc_wall, counter: member.hlc_counter };
      if (
        !since ||
        hlc.wall < since.wall ||
        (hlc.wall === since.wall && hlc.counter < since.counter)
      )
        since = hlc;
    }
    return since;
  }

  /** Each non-public channel with the signing key of each of its current members. */
  protected *privateMemberSigners(): Generator<[ChannelId, Address]> {
    for (const row of this.q.projections.channels.all() as ChannelRow[]) {
      if (row.visibility === 'public') continue;
      for (const member of this.q.projections.members.all(row.channel_id) as MemberRow[]) {
        if (member.role === 'banned') continue;
        const profile = this.q.state.profile(member.user_id);
        const signer = profile && profileSigner(profile);
        if (signer) yield [row.channel_id, signer];
      }
    }
  }

  /** An entry with the content its resources point to, where that content still exists. */
  private envelope(body: Uint8Array): EntryEnvelope {
    const { entry } = unseal(body);
    const contents = new Map<ContentHash, Uint8Array>();
    for (const r of entry.tx.creates) {
      if (r.kind === 'message' || r.kind === 'edit') {
        const content = this.q.log.content(r.data.contentHash);
        if (content) contents.set(r.data.contentHash, content);
      }
    }
    return { entry, contents };
  }

  protected baseMetrics(): Omit<NodeMetrics, 'pending'> {
    const frontier = this.q.log.frontier();
    return {
      transactions: Object.fromEntries(this.q.counters.transactions),
      rejections: Object.fromEntries(this.q.counters.rejections),
      logSizes: Object.fromEntries(frontier),
      entries: [...frontier.values()].reduce((a, b) => a + b, 0),
    };
  }
}

/** Channel read order (docs/protocol.md, "Imported history"): read wall, HLC, entry id. */
function compareRow(row: MessageRow, anchor: readonly [number, number, number, string]): number {
  return (
    row.read_wall - anchor[0] ||
    row.hlc_wall - anchor[1] ||
    row.hlc_counter - anchor[2] ||
    (row.entry < anchor[3] ? -1 : row.entry > anchor[3] ? 1 : 0)
  );
}
