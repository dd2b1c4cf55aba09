/**
 * Numbered schema migrations of the core SQLite store. A migration is never edited once released:
 * add a new one. `user_version` records how far a database has come.
 */
export const coreMigrations: readonly string[] = [
  /* 1 */ `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE local_keys (address TEXT PRIMARY KEY, seed BLOB NOT NULL, user_id TEXT NOT NULL);
  CREATE TABLE tokens (token_hash TEXT PRIMARY KEY, user_id TEXT NOT NULL, created_at INTEGER NOT NULL);

  CREATE TABLE entries (
    id TEXT PRIMARY KEY,
    author TEXT NOT NULL,
    seq INTEGER NOT NULL,
    channel TEXT,
    intent TEXT NOT NULL,
    hlc_wall INTEGER NOT NULL,
    hlc_counter INTEGER NOT NULL,
    body BLOB NOT NULL,
    UNIQUE (author, seq)
  );
  CREATE INDEX entries_channel ON entries (channel, hlc_wall, hlc_counter, id);
  CREATE TABLE heads (channel TEXT NOT NULL, entry TEXT NOT NULL, PRIMARY KEY (channel, entry));

  CREATE TABLE content (hash TEXT PRIMARY KEY, body BLOB NOT NULL);

  CREATE TABLE resources (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    slot TEXT NOT NULL,
    entry TEXT NOT NULL,
    data TEXT NOT NULL,
    consumed_by TEXT
  );
  CREATE INDEX resources_live ON resources (slot) WHERE consumed_by IS NULL;

  CREATE TABLE profiles (
    user_id TEXT PRIMARY KEY,
    username TEXT NOT NULL,
    avatar TEXT,
    public_key TEXT,
    controller TEXT,
    origin_network TEXT,
    origin_external TEXT,
    resource TEXT NOT NULL
  );
  CREATE INDEX profiles_username ON profiles (username);
  CREATE UNIQUE INDEX profiles_origin ON profiles (controller, origin_network, origin_external)
    WHERE origin_network IS NOT NULL;

  CREATE TABLE channels (
    channel_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    topic TEXT,
    creator TEXT NOT NULL,
    encrypted INTEGER NOT NULL,
    retention_seconds INTEGER,
    visibility TEXT NOT NULL,
    resource TEXT NOT NULL
  );
  CREATE INDEX channels_name ON channels (name);

  CREATE TABLE members (
    channel TEXT NOT NULL,
    user_id TEXT NOT NULL,
    role TEXT NOT NULL,
    resource TEXT NOT NULL,
    hlc_wall INTEGER NOT NULL,
    hlc_counter INTEGER NOT NULL,
    entry TEXT NOT NULL,
    PRIMARY KEY (channel, user_id)
  );

  CREATE TABLE messages (
    id TEXT PRIMARY KEY,
    channel TEXT NOT NULL,
    sender TEXT NOT NULL,
    author TEXT NOT NULL,
    entry TEXT NOT NULL,
    hlc_wall INTEGER NOT NULL,
    hlc_counter INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER,
    reply_to TEXT,
    thread_root TEXT,
    content_hash TEXT NOT NULL,
    content_length INTEGER NOT NULL,
    nonce TEXT NOT NULL,
    edit_hash TEXT,
    edit_resource TEXT,
    edited_at INTEGER,
    deleted INTEGER NOT NULL DEFAULT 0,
    redacted_by TEXT,
    origin_network TEXT,
    origin_external TEXT,
    attachments TEXT
  );
  CREATE INDEX messages_order ON messages (channel, hlc_wall, hlc_counter, entry);
  CREATE INDEX messages_expiry ON messages (expires_at) WHERE expires_at IS NOT NULL AND deleted = 0;
  CREATE INDEX messages_created ON messages (channel, created_at) WHERE deleted = 0;

  CREATE TABLE edit_contents (message TEXT NOT NULL, hash TEXT NOT NULL, PRIMARY KEY (message, hash));

  CREATE TABLE reactions (
    message TEXT NOT NULL,
    user_id TEXT NOT NULL,
    emoji TEXT NOT NULL,
    channel TEXT NOT NULL,
    resource TEXT NOT NULL,
    PRIMARY KEY (message, user_id, emoji)
  );
  `,
  /* 2: the newest entry of each log, so frontiers and metrics need no scan of all entries */ `
  CREATE TABLE log_heads (author TEXT PRIMARY KEY, seq INTEGER NOT NULL, id TEXT NOT NULL);
  INSERT INTO log_heads (author, seq, id)
    SELECT e.author, e.seq, e.id FROM entries e
    WHERE e.seq = (SELECT MAX(seq) FROM entries WHERE author = e.author);
  `,
  /* 3: cheaper appends. Channel heads change with every entry: one b-tree (WITHOUT ROWID)
     instead of a table and its key index. Which authors wrote in a channel is its own small
     table (written once per author and channel) instead of an index over every entry. */ `
  CREATE TABLE heads_v3 (channel TEXT NOT NULL, entry TEXT NOT NULL, PRIMARY KEY (channel, entry))
    WITHOUT ROWID;
  INSERT INTO heads_v3 (channel, entry) SELECT channel, entry FROM heads;
  DROP TABLE heads;
  ALTER TABLE heads_v3 RENAME TO heads;
  CREATE TABLE channel_authors (channel TEXT NOT NULL, author TEXT NOT NULL,
    PRIMARY KEY (channel, author)) WITHOUT ROWID;
  INSERT INTO channel_authors (channel, author)
    SELECT DISTINCT channel, author FROM entries WHERE channel IS NOT NULL;
  DROP INDEX entries_channel;
  `,
  /* 4: hash-keyed lookups through a 48-bit integer prefix of the id (see id-prefix.ts) instead
     of the 43-character id itself: entries, messages and content lose their text primary keys.
     id_prefix() is registered on the connection before migrations run. */ `
  CREATE TABLE entries_v4 (
    id TEXT NOT NULL,
    idp INTEGER NOT NULL,
    author TEXT NOT NULL,
    seq INTEGER NOT NULL,
    channel TEXT,
    intent TEXT NOT NULL,
    hlc_wall INTEGER NOT NULL,
    hlc_counter INTEGER NOT NULL,
    body BLOB NOT NULL,
    UNIQUE (author, seq)
  );
  INSERT INTO entries_v4 (id, idp, author, seq, channel, intent, hlc_wall, hlc_counter, body)
    SELECT id, id_prefix(id), author, seq, channel, intent, hlc_wall, hlc_counter, body
    FROM entries ORDER BY rowid;
  DROP TABLE entries;
  ALTER TABLE entries_v4 RENAME TO entries;
  CREATE INDEX entries_id ON entries (idp);

  CREATE TABLE content_v4 (hash TEXT NOT NULL, hp INTEGER NOT NULL, body BLOB NOT NULL);
  INSERT INTO content_v4 (hash, hp, body) SELECT hash, id_prefix(hash), body FROM content ORDER BY rowid;
  DROP TABLE content;
  ALTER TABLE content_v4 RENAME TO content;
  CREATE INDEX content_hash ON content (hp);

  CREATE TABLE messages_v4 (
    id TEXT NOT NULL,
    idp INTEGER NOT NULL,
    channel TEXT NOT NULL,
    sender TEXT NOT NULL,
    author TEXT NOT NULL,
    entry TEXT NOT NULL,
    hlc_wall INTEGER NOT NULL,
    hlc_counter INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER,
    reply_to TEXT,
    thread_root TEXT,
    content_hash TEXT NOT NULL,
    content_length INTEGER NOT NULL,
    nonce TEXT NOT NULL,
    edit_hash TEXT,
    edit_resource TEXT,
    edited_at INTEGER,
    deleted INTEGER NOT NULL DEFAULT 0,
    redacted_by TEXT,
    origin_network TEXT,
    origin_external TEXT,
    attachments TEXT
  );
  INSERT INTO messages_v4 (id, idp, channel, sender, author, entry, hlc_wall, hlc_counter,
      created_at, expires_at, reply_to, thread_root, content_hash, content_length, nonce,
      edit_hash, edit_resource, edited_at, deleted, redacted_by, origin_network, origin_external,
      attachments)
    SELECT id, id_prefix(id), channel, sender, author, entry, hlc_wall, hlc_counter,
      created_at, expires_at, reply_to, thread_root, content_hash, content_length, nonce,
      edit_hash, edit_resource, edited_at, deleted, redacted_by, origin_network, origin_external,
      attachments
    FROM messages ORDER BY rowid;
  DROP TABLE messages;
  ALTER TABLE messages_v4 RENAME TO messages;
  CREATE INDEX messages_id ON messages (idp);
  CREATE INDEX messages_order ON messages (channel, hlc_wall, hlc_counter, entry);
  CREATE INDEX messages_expiry ON messages (expires_at) WHERE expires_at IS NOT NULL AND deleted = 0;
  CREATE INDEX messages_created ON messages (channel, created_at) WHERE deleted = 0;
  `,
  /* 5: files of messages (blobs/). A row of blobs is a file held under <dataDir>/blobs;
     pending_since marks an upload no live message references yet (removed after 24 h);
     blob_refs holds the live references of messages (deleted with the message), which decide
     who may read a blob and when its bytes go, and the type and name their message gives
     the file (bytes fetched from a peer come without either). Messages carry the ids they mention.
     IF NOT EXISTS: tests replay earlier migrations on a downgraded store. */ `
  ALTER TABLE messages ADD COLUMN mentions TEXT;
  CREATE TABLE IF NOT EXISTS blobs (
    hash TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    mime_type TEXT,
    width INTEGER,
    height INTEGER,
    stored_at INTEGER NOT NULL,
    pending_since INTEGER
  ) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS blobs_pending ON blobs (pending_since) WHERE pending_since IS NOT NULL;
  CREATE TABLE IF NOT EXISTS blob_uploads (hash TEXT NOT NULL, user_id TEXT NOT NULL,
    name TEXT, at INTEGER NOT NULL, PRIMARY KEY (hash, user_id)) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS blob_refs (
    hash TEXT NOT NULL,
    message TEXT NOT NULL,
    channel TEXT NOT NULL,
    expires_at INTEGER,
    mime_type TEXT,
    name TEXT,
    PRIMARY KEY (hash, message)
  ) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS blob_refs_message ON blob_refs (message);
  `,
  /* 6: encrypted channels. The chain each local sender sends with per channel: its id, the chain
     key of the next index, the next index, and a digest of the box keys it was shared with
     (src/core/e2ee/send-chains.ts). Received chain keys are not stored: they stay sealed in the
     keyShare resources of the log and are opened when read. */ `
  CREATE TABLE IF NOT EXISTS e2ee_send (
    channel TEXT NOT NULL,
    sender TEXT NOT NULL,
    chain TEXT NOT NULL,
    chain_key BLOB NOT NULL,
    next_index INTEGER NOT NULL,
    recipients TEXT NOT NULL,
    PRIMARY KEY (channel, sender)
  ) WITHOUT ROWID;
  `,
  /* 7: imported history (docs/protocol.md, "Imported history"). A message reads by read_wall:
     its HLC wall, or for imported history (origin.imported) its claimed original time; ties by
     HLC and entry id as before, so live messages keep their order. */ `
  ALTER TABLE messages ADD COLUMN imported INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE messages ADD COLUMN read_wall INTEGER;
  UPDATE messages SET read_wall = hlc_wall;
  DROP INDEX IF EXISTS messages_order;
  CREATE INDEX messages_order ON messages (channel, read_wall, hlc_wall, hlc_counter, entry);
  `,
  /* 8: the verified checkpoint of each log (store/verified-heads.ts): opening verifies only the
     entries after it, and the background check of the whole store moves it on. */ `
  CREATE TABLE IF NOT EXISTS verified_heads (author TEXT PRIMARY KEY, seq INTEGER NOT NULL,
    id TEXT NOT NULL) WITHOUT ROWID;
  `,
];
