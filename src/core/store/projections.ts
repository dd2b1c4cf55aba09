/**
 * Read projections of the live state, kept in step with the resources by state/apply.ts.
 * Rows here are plain snake_case records; state/views.ts turns them into API views.
 */
import type {
  ChannelData,
  ChannelId,
  EntryId,
  Hlc,
  MessageData,
  MessageId,
  ResourceId,
  Role,
  UserId,
  UserProfileData,
} from '../types.js';
import type Database from 'better-sqlite3';
import type { Db } from './database.js';
import { idPrefix } from './id-prefix.js';

export interface ProfileRow {
  user_id: UserId;
  username: string;
  avatar: string | null;
  public_key: string | null;
  controller: string | null;
  origin_network: string | null;
  origin_external: string | null;
}

export interface ChannelRow {
  channel_id: ChannelId;
  name: string;
  topic: string | null;
  creator: UserId;
  encrypted: number;
  retention_seconds: number | null;
  visibility: string;
  members: number;
}

export interface MessageRow {
  id: MessageId;
  channel: ChannelId;
  sender: UserId;
  author: string;
  entry: EntryId;
  hlc_wall: number;
  hlc_counter: number;
  created_at: number;
  expires_at: number | null;
  reply_to: MessageId | null;
  thread_root: MessageId | null;
  content_hash: string;
  content_length: number;
  nonce: string;
  edit_hash: string | null;
  edit_resource: string | null;
  edited_at: number | null;
  deleted: number;
  redacted_by: string | null;
  origin_network: string | null;
  origin_external: string | null;
  attachments: string | null;
  /** JSON array of the user ids the message mentions, or null. */
  mentions: string | null;
  /** 1 for imported history (origin.imported). */
  imported: number;
  /** What the channel reads by: the HLC wall, or an imported message's original time. */
  read_wall: number;
}

export interface MemberRow {
  user_id: UserId;
  role: Role;
  resource: ResourceId;
  hlc_wall: number;
  hlc_counter: number;
  entry: EntryId;
}

const CHANNEL_COLUMNS = `c.channel_id, c.name, c.topic, c.creator, c.encrypted, c.retention_seconds,
  c.visibility, (SELECT COUNT(*) FROM members m WHERE m.channel = c.channel_id AND m.role != 'banned') AS members`;

/** Every column of a message row but the id prefix, which only serves lookups. */
const MESSAGE_COLUMNS = `id, channel, sender, author, entry, hlc_wall, hlc_counter, created_at,
  expires_at, reply_to, thread_root, content_hash, content_length, nonce, edit_hash, edit_resource,
  edited_at, deleted, redacted_by, origin_network, origin_external, attachments, mentions, imported,
  read_wall`;

/**
 * A prepared statement under a name of this module: the inferred one (`BetterSqlite3.Statement`,
 * internal to better-sqlite3's types) cannot be named in the emitted declarations (TS4058), and
 * a type alias would be printed as that same internal name.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- only a nameable name
export interface Statement extends Database.Statement<unknown[], unknown> {}

function prepare(db: Db, sql: string): Statement {
  return db.prepare(sql);
}

/** Reads many rows of a SELECT; each row is an object keyed by column name, as `all` gives. */
export interface RowReader {
  all(...params: unknown[]): unknown[];
}

/**
 * Message pages are read as arrays and made objects here: better-sqlite3 builds a row object
 * through V8's API one property at a time, which for the 25 message columns costs about as much
 * again as reading the row (a page of 50: ~350 µs as objects, ~230 µs this way).
 */
function rowReader(db: Db, sql: string): RowReader {
  const statement = db.prepare(sql).raw();
  const keys = statement.columns().map((column) => JSON.stringify(column.name));
  // One object literal with the columns as fixed keys: V8 builds every row with one shape,
  // where adding the keys one by one in a loop took half the time saved (profile).
  const toRow = new Function('v', `return {${keys.map((k, i) => `${k}: v[${i}]`).join(', ')}};`);
  return {
    all: (...params) => (statement.all(...params) as unknown[][]).map((v) => toRow(v) as unknown),
  };
}

/** A statement that returns the first column only. */
function plucked(db: Db, sql: string): Statement {
  return db.prepare(sql).pluck();
}

/**
 * Statements on one message by id. The id is looked up through its prefix (see id-prefix.ts);
 * callers pass the id alone, as when it was the key.
 */
function messageStatements(db: Db) {
  const messageStatement = prepare(
    db,
    `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE idp = ? AND id = ?`,
  );
  const messageExistsStatement = plucked(db, 'SELECT 1 FROM messages WHERE idp = ? AND id = ?');
  const setEditStatement = prepare(
    db,
    'UPDATE messages SET edit_hash = ?, edit_resource = ?, edited_at = ? WHERE idp = ? AND id = ?',
  );
  const markDeletedStatement = prepare(
    db,
    'UPDATE messages SET deleted = 1 WHERE idp = ? AND id = ? AND deleted = 0',
  );
  const clearExtrasStatement = prepare(
    db,
    'UPDATE messages SET attachments = NULL, mentions = NULL WHERE idp = ? AND id = ?',
  );
  const consumeMessageStatement = prepare(
    db,
    'UPDATE messages SET redacted_by = ? WHERE idp = ? AND id = ? AND redacted_by IS NULL',
  );
  return {
    message: {
      get: (id: MessageId | string): unknown => messageStatement.get(idPrefix(id), id),
    },
    messageExists: {
      get: (id: MessageId | string): boolean =>
        messageExistsStatement.get(idPrefix(id), id) !== undefined,
    },
    setEdit: {
      run: (hash: string, resource: string, editedAt: number, id: MessageId | string) =>
        setEditStatement.run(hash, resource, editedAt, idPrefix(id), id),
    },
    markDeleted: {
      run: (id: MessageId | string) => markDeletedStatement.run(idPrefix(id), id),
    },
    /** File names and mentions go with the text of a deleted message. */
    clearMessageExtras: {
      run: (id: MessageId | string) => clearExtrasStatement.run(idPrefix(id), id),
    },
    /** A redaction consumes the message resource (messages are not in the resources table). */
    consumeMessage: {
      run: (redactedBy: string, id: MessageId | string) =>
        consumeMessageStatement.run(redactedBy, idPrefix(id), id),
    },
  };
}

export function prepareProjections(db: Db) {
  return {
    upsertProfile: prepare(
      db,
      `INSERT INTO profiles (user_id, username, avatar, public_key, controller, origin_network, origin_external, resource)
       VALUES (@userId, @username, @avatar, @publicKey, @controller, @originNetwork, @originExternal, @resource)
       ON CONFLICT (user_id) DO UPDATE SET username = excluded.username, avatar = excluded.avatar,
         public_key = excluded.public_key, controller = excluded.controller, resource = excluded.resource`,
    ),
    profile: prepare(db, 'SELECT * FROM profiles WHERE user_id = ?'),
    profileByName: prepare(
      db,
      'SELECT * FROM profiles WHERE username = ? ORDER BY (origin_network IS NOT NULL), user_id LIMIT 1',
    ),
    profileByOrigin: prepare(
      db,
      'SELECT * FROM profiles WHERE controller = ? AND origin_network = ? AND origin_external = ?',
    ),
    upsertChannel: prepare(
      db,
      `INSERT INTO channels (channel_id, name, topic, creator, encrypted, retention_seconds, visibility, resource)
       VALUES (@channelId, @name, @topic, @creator, @encrypted, @retention, @visibility, @resource)
       ON CONFLICT (channel_id) DO UPDATE SET name = excluded.name, topic = excluded.topic,
         encrypted = excluded.encrypted, retention_seconds = excluded.retention_seconds,
         visibility = excluded.visibility, resource = excluded.resource`,
    ),
    channel: prepare(db, `SELECT ${CHANNEL_COLUMNS} FROM channels c WHERE c.channel_id = ?`),
    /** The channel without its member count: what logics read on every transaction. */
    channelData: prepare(db, `SELECT c.*, 0 AS members FROM channels c WHERE c.channel_id = ?`),
    /**
     * Every channel with this name: names are not unique across the network (peers create
     * channels too), so a caller must see them all to refuse an ambiguous name (queries.ts).
     */
    channelsByName: prepare(
      db,
      `SELECT ${CHANNEL_COLUMNS} FROM channels c WHERE c.name = ? ORDER BY c.channel_id LIMIT 50`,
    ),
    /** Id and name of every profile: the look-alike check scans them (skeleton.ts). */
    profileNames: prepare(db, 'SELECT user_id, username FROM profiles'),
    channels: prepare(
      db,
      `SELECT ${CHANNEL_COLUMNS} FROM channels c ORDER BY c.name, c.channel_id`,
    ),
    channelIds: plucked(db, 'SELECT channel_id FROM channels'),
    retentionChannels: prepare(
      db,
      'SELECT channel_id, retention_seconds FROM channels WHERE retention_seconds IS NOT NULL',
    ),
    setMember: prepare(
      db,
      `INSERT INTO members (channel, user_id, role, resource, hlc_wall, hlc_counter, entry)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (channel, user_id) DO UPDATE SET role = excluded.role, resource = excluded.resource,
         hlc_wall = excluded.hlc_wall, hlc_counter = excluded.hlc_counter, entry = excluded.entry`,
    ),
    dropMember: prepare(db, 'DELETE FROM members WHERE channel = ? AND user_id = ?'),
    member: prepare(
      db,
      'SELECT user_id, role, resource, hlc_wall, hlc_counter, entry FROM members WHERE channel = ? AND user_id = ?',
    ),
    members: prepare(
      db,
      'SELECT user_id, role, resource, hlc_wall, hlc_counter, entry FROM members WHERE channel = ? ORDER BY user_id',
    ),
    // No key on the id any more: a message is inserted once because checkTransaction refuses
    // an entry that creates a resource whose id exists (resource.exists).
    insertMessage: prepare(
      db,
      `INSERT INTO messages (id, idp, channel, sender, author, entry, hlc_wall, hlc_counter,
         created_at, expires_at, reply_to, thread_root, content_hash, content_length, nonce,
         origin_network, origin_external, attachments, mentions, imported, read_wall)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    ...messageStatements(db),
    addEditContent: prepare(
      db,
      'INSERT OR IGNORE INTO edit_contents (message, hash) VALUES (?, ?)',
    ),
    editContents: plucked(db, 'SELECT hash FROM edit_contents WHERE message = ?'),
    messagesFirst: rowReader(
      db,
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE channel = ? ORDER BY read_wall, hlc_wall, hlc_counter, entry LIMIT ?`,
    ),
    messagesLast: rowReader(
      db,
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE channel = ? ORDER BY read_wall DESC, hlc_wall DESC, hlc_counter DESC, entry DESC LIMIT ?`,
    ),
    messagesAfter: rowReader(
      db,
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE channel = ? AND (read_wall, hlc_wall, hlc_counter, entry) > (?, ?, ?, ?)
       ORDER BY read_wall, hlc_wall, hlc_counter, entry LIMIT ?`,
    ),
    messagesBefore: rowReader(
      db,
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE channel = ? AND (read_wall, hlc_wall, hlc_counter, entry) < (?, ?, ?, ?)
       ORDER BY read_wall DESC, hlc_wall DESC, hlc_counter DESC, entry DESC LIMIT ?`,
    ),
    expired: plucked(
      db,
      'SELECT id FROM messages WHERE expires_at IS NOT NULL AND expires_at <= ? AND deleted = 0 LIMIT 500',
    ),
    retired: plucked(
      db,
      'SELECT id FROM messages WHERE channel = ? AND created_at <= ? AND deleted = 0 LIMIT 500',
    ),
    setReaction: prepare(
      db,
      'INSERT OR REPLACE INTO reactions (message, user_id, emoji, channel, resource) VALUES (?, ?, ?, ?, ?)',
    ),
    dropReaction: prepare(
      db,
      'DELETE FROM reactions WHERE message = ? AND user_id = ? AND emoji = ?',
    ),
    reaction: plucked(
      db,
      'SELECT resource FROM reactions WHERE message = ? AND user_id = ? AND emoji = ?',
    ),
    reactions: prepare(
      db,
      'SELECT emoji, user_id FROM reactions WHERE message = ? ORDER BY emoji, user_id',
    ),
  };
}

export type Projections = ReturnType<typeof prepareProjections>;

export function profileParams(data: UserProfileData, resource: ResourceId) {
  return {
    userId: data.userId,
    username: data.username,
    avatar: data.avatar ?? null,
    publicKey: data.publicKey ?? null,
    controller: data.controller ?? null,
    originNetwork: data.origin?.network ?? null,
    originExternal: data.origin?.externalId ?? null,
    resource,
  };
}

export function channelParams(data: ChannelData, resource: ResourceId) {
  return {
    channelId: data.channelId,
    name: data.name,
    topic: data.topic ?? null,
    creator: data.creator,
    encrypted: data.settings.encrypted ? 1 : 0,
    retention: data.settings.retentionSeconds ?? null,
    visibility: data.settings.visibility,
    resource,
  };
}

/** The projection row of a message just created (no edits, reactions or deletion yet). */
export function newMessageRow(
  id: MessageId,
  data: MessageData,
  author: string,
  entry: EntryId,
  hlc: Hlc,
): MessageRow {
  return {
    id,
    channel: data.channel,
    sender: data.sender,
    author,
    entry,
    hlc_wall: hlc.wall,
    hlc_counter: hlc.counter,
    created_at: data.createdAt,
    expires_at: data.expiresAt ?? null,
    reply_to: data.replyTo ?? null,
    thread_root: data.threadRoot ?? null,
    content_hash: data.contentHash,
    content_length: data.contentLength,
    nonce: data.nonce,
    edit_hash: null,
    edit_resource: null,
    edited_at: null,
    deleted: 0,
    redacted_by: null,
    origin_network: data.origin?.network ?? null,
    origin_external: data.origin?.externalId ?? null,
    attachments: data.attachments ? JSON.stringify(data.attachments) : null,
    mentions: data.mentions ? JSON.stringify(data.mentions) : null,
    imported: data.origin?.imported === true ? 1 : 0,
    read_wall: data.origin?.imported === true ? data.createdAt : hlc.wall,
  };
}

/** Inserts a new message row (positional binding: cheaper than named parameters per write). */
export function insertMessageRow(projections: Projections, row: MessageRow): void {
  const prefix = idPrefix(row.id);
  projections.insertMessage.run(
    row.id,
    prefix,
    row.channel,
    row.sender,
    row.author,
    row.entry,
    row.hlc_wall,
    row.hlc_counter,
    row.created_at,
    row.expires_at,
    row.reply_to,
    row.thread_root,
    row.content_hash,
    row.content_length,
    row.nonce,
    row.origin_network,
    row.origin_external,
    row.attachments,
    row.mentions,
    row.imported,
    row.read_wall,
  );
}
