/**
 * Entries, channel heads and content blobs in SQLite. Heads of author logs are cached; the
 * `log_heads` and `heads` tables are brought up to date once per commit for the authors and
 * channels written to (see flushHeads), not once per entry.
 */
import type { LogHead } from '../log.js';
import type { Address, ChannelId, ContentHash, EntryId, Hlc } from '../types.js';
import type { Db } from './database.js';
import { ChannelHeads } from './channel-heads.js';
import { idPrefix } from './id-prefix.js';

export interface StoredEntryRow {
  readonly id: EntryId;
  readonly body: Uint8Array;
}

/**
 * An entry as the sync server reads it: stored bytes and place, without decoding them, plus the
 * content of the message it created, found through the messages projection. An entry that
 * created several messages yields one row per message; the limit counts entries, not rows.
 */
export interface WireRow {
  readonly id: EntryId;
  readonly seq: number;
  /** The channel the entry's transaction touches, or null. */
  readonly channel: ChannelId | null;
  readonly hlc_wall: number;
  readonly hlc_counter: number;
  readonly body: Uint8Array;
  /** Content hash of a message this entry created, or null. */
  readonly hash: ContentHash | null;
  /** That content, or null when it was deleted (expiry, redaction) or never received. */
  readonly content: Uint8Array | null;
}

export class LogStore {
  private readonly heads = new Map<string, LogHead>();
  private readonly channelHeadSet: ChannelHeads;
  /**
   * `channel author` pairs known to be in channel_authors, so most appends skip that write.
   * Cleared on rollback, as the rolled-back write may have been the one that added a pair.
   */
  private readonly knownChannelAuthors = new Set<string>();
  /** Authors with entries in the open transaction whose `log_heads` row is not updated yet. */
  private readonly dirtyHeads = new Set<Address>();
  /** Clocks of recent entries: every new entry asks for those of its deps and its prev. */
  private readonly recentHlc = new Map<string, Hlc>();
  private readonly stmt;

  constructor(private readonly db: Db) {
    this.channelHeadSet = new ChannelHeads(db);
    this.stmt = {
      // The entries table, not log_heads, answers inside an open transaction (see flushHeads).
      head: db.prepare('SELECT seq, id FROM entries WHERE author = ? ORDER BY seq DESC LIMIT 1'),
      idAt: db.prepare('SELECT id FROM entries WHERE author = ? AND seq = ?').pluck(),
      has: db.prepare('SELECT 1 FROM entries WHERE idp = ? AND id = ?').pluck(),
      insert: db.prepare(
        `INSERT INTO entries (id, idp, author, seq, channel, intent, hlc_wall, hlc_counter, body)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      body: db.prepare('SELECT body FROM entries WHERE idp = ? AND id = ?').pluck(),
      setBody: db.prepare('UPDATE entries SET body = ? WHERE idp = ? AND id = ?'),
      hlc: db.prepare(
        'SELECT hlc_wall AS wall, hlc_counter AS counter FROM entries WHERE idp = ? AND id = ?',
      ),
      after: db.prepare(
        'SELECT id, body FROM entries WHERE author = ? AND seq > ? ORDER BY seq LIMIT ?',
      ),
      // The join follows messages_order (channel, read_wall, hlc, entry): messages has no index
      // on entry. Without read_wall each entry scanned its channel's messages (quadratic sync
      // serving); read_wall is the HLC wall but for imported history, whose entries miss the
      // join and are decoded instead (wire-entries.ts).
      wireAfter: db.prepare(
        `SELECT e.id, e.seq, e.channel, e.hlc_wall, e.hlc_counter, e.body,
                m.content_hash AS hash, c.body AS content
         FROM (SELECT id, seq, channel, hlc_wall, hlc_counter, body FROM entries
               WHERE author = ? AND seq > ? ORDER BY seq LIMIT ?) AS e
         LEFT JOIN messages m ON m.channel = e.channel AND m.read_wall = e.hlc_wall
           AND m.hlc_wall = e.hlc_wall
           AND m.hlc_counter = e.hlc_counter AND m.entry = e.id
         LEFT JOIN content c ON c.hp = id_prefix(m.content_hash) AND c.hash = m.content_hash
         ORDER BY e.seq`,
      ),
      frontier: db.prepare('SELECT author, seq FROM log_heads'),
      setHead: db.prepare(
        `INSERT INTO log_heads (author, seq, id)
           SELECT author, seq, id FROM entries WHERE author = ? ORDER BY seq DESC LIMIT 1
         ON CONFLICT (author) DO UPDATE SET seq = excluded.seq, id = excluded.id`,
      ),
      authorsIn: db.prepare('SELECT author FROM channel_authors WHERE channel = ?').pluck(),
      addChannelAuthor: db.prepare(
        'INSERT OR IGNORE INTO channel_authors (channel, author) VALUES (?, ?)',
      ),
      hasContent: db.prepare('SELECT 1 FROM content WHERE hp = ? AND hash = ?').pluck(),
      putContent: db.prepare('INSERT INTO content (hash, hp, body) VALUES (?, ?, ?)'),
      getContent: db.prepare('SELECT body FROM content WHERE hp = ? AND hash = ?').pluck(),
      dropContent: db.prepare('DELETE FROM content WHERE hp = ? AND hash = ?'),
    };
  }

  head(author: Address): LogHead | undefined {
    const cached = this.heads.get(author);
    if (cached) return cached;
    const row = this.stmt.head.get(author) as { seq: number; id: EntryId } | undefined;
    if (row) this.heads.set(author, row);
    return row;
  }

  idAt(author: Address, seq: number): EntryId | undefined {
    return this.stmt.idAt.get(author, seq) as EntryId | undefined;
  }

  has(id: EntryId): boolean {
    return this.stmt.has.get(idPrefix(id), id) !== undefined;
  }

  insert(
    id: EntryId,
    author: Address,
    seq: number,
    channel: ChannelId | undefined,
    intent: string,
    hlc: Hlc,
    body: Uint8Array,
  ): void {
    this.stmt.insert.run(
      id,
      idPrefix(id),
      author,
      seq,
      channel ?? null,
      intent,
      hlc.wall,
      hlc.counter,
      body,
    );
    if (channel !== undefined) {
      const key = `${channel} ${author}`;
      if (!this.knownChannelAuthors.has(key)) {
        this.stmt.addChannelAuthor.run(channel, author);
        if (this.knownChannelAuthors.size >= 100_000) this.knownChannelAuthors.clear();
        this.knownChannelAuthors.add(key);
      }
    }
    this.dirtyHeads.add(author);
    this.heads.set(author, { seq, id });
    if (this.recentHlc.size >= 20_000) this.recentHlc.clear();
    this.recentHlc.set(id, hlc);
  }

  /** Replaces an entry's stored bytes with its signed form (same id, same signed bytes). */
  replaceBody(id: EntryId, body: Uint8Array): void {
    this.stmt.setBody.run(body, idPrefix(id), id);
  }

  /**
   * Brings `log_heads` up to date for the authors written to, from the entries themselves (so a
   * write rolled back to its savepoint leaves no trace here). Runs right before each commit.
   */
  flushHeads(): void {
    for (const author of this.dirtyHeads) this.stmt.setHead.run(author);
    this.dirtyHeads.clear();
    this.channelHeadSet.flush();
  }

  /** After a rolled-back write or commit: cached heads go, channel heads keep what survived. */
  resetCache(): void {
    this.heads.clear();
    this.knownChannelAuthors.clear();
    this.recentHlc.clear();
    this.channelHeadSet.rollback((entry) => this.has(entry));
  }

  body(id: EntryId): Uint8Array | undefined {
    return this.stmt.body.get(idPrefix(id), id) as Uint8Array | undefined;
  }

  hlcOf(id: EntryId): Hlc | undefined {
    return this.recentHlc.get(id) ?? (this.stmt.hlc.get(idPrefix(id), id) as Hlc | undefined);
  }

  after(author: Address, afterSeq: number, limit: number): StoredEntryRow[] {
    return this.stmt.after.all(author, afterSeq, limit) as StoredEntryRow[];
  }

  /** Entries of `author` with seq > `afterSeq`, at most `limit` of them, as {@link WireRow}s. */
  wireAfter(author: Address, afterSeq: number, limit: number): WireRow[] {
    return this.stmt.wireAfter.all(author, afterSeq, limit) as WireRow[];
  }

  /** The head seq of every log, including entries written in the open transaction. */
  frontier(): Map<Address, number> {
    const rows = this.stmt.frontier.all() as { author: Address; seq: number }[];
    const frontier = new Map(rows.map((row) => [row.author, row.seq]));
    // log_heads catches up at commit (flushHeads); the open transaction's heads are cached.
    for (const author of this.dirtyHeads) {
      const head = this.head(author);
      if (head) frontier.set(author, head.seq);
    }
    return frontier;
  }

  authorsIn(channel: ChannelId): Address[] {
    return this.stmt.authorsIn.all(channel) as Address[];
  }

  channelHeads(channel: ChannelId): EntryId[] {
    return this.channelHeadSet.of(channel);
  }

  /** The new entry becomes a head; the heads it depends on stop being heads. */
  advanceHeads(channel: ChannelId, entry: EntryId, deps: readonly EntryId[]): void {
    this.channelHeadSet.advance(channel, entry, deps);
  }

  putContent(hash: ContentHash, body: Uint8Array): void {
    // Content is addressed by its hash, so the same blob arriving again (a relay's later copy,
    // or another entry naming it) is stored once. A separate lookup: an INSERT ... SELECT that
    // reads the table it writes goes through a temporary table.
    const prefix = idPrefix(hash);
    if (this.stmt.hasContent.get(prefix, hash) === undefined) {
      this.stmt.putContent.run(hash, prefix, body);
    }
  }

  content(hash: ContentHash): Uint8Array | undefined {
    return this.stmt.getContent.get(idPrefix(hash), hash) as Uint8Array | undefined;
  }

  deleteContent(hash: ContentHash): void {
    this.stmt.dropContent.run(idPrefix(hash), hash);
  }
}
