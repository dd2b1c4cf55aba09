import type { Migration } from '../../sql/db.js';

/** The first schema: identities, links, message map, outbox with per-target counters, cursors. */
export const migration001: Migration = {
  version: 1,
  name: 'init',
  sql: `
CREATE TABLE identities (
  network      TEXT NOT NULL,
  external_id  TEXT NOT NULL,
  user_id      TEXT NOT NULL,
  display_name TEXT,
  avatar       TEXT,
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL,
  PRIMARY KEY (network, external_id)
);
CREATE INDEX identities_user ON identities (user_id, network);

CREATE TABLE links (
  id         TEXT PRIMARY KEY,
  channel    TEXT NOT NULL,
  network    TEXT NOT NULL,
  target     TEXT NOT NULL,
  target_key TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  UNIQUE (network, target_key)
);
CREATE INDEX links_channel ON links (channel, created_at);

CREATE TABLE message_map (
  network     TEXT NOT NULL,
  target_key  TEXT NOT NULL,
  external_id TEXT NOT NULL,
  message_id  TEXT NOT NULL,
  channel     TEXT NOT NULL,
  direction   TEXT NOT NULL CHECK (direction IN ('inbound', 'outbound')),
  created_at  INTEGER NOT NULL,
  PRIMARY KEY (network, target_key, external_id)
);
CREATE INDEX message_map_message ON message_map (message_id, created_at);

CREATE TABLE outbox_targets (
  network       TEXT NOT NULL,
  target_key    TEXT NOT NULL,
  last_sequence INTEGER NOT NULL,
  PRIMARY KEY (network, target_key)
);

CREATE TABLE outbox (
  id              TEXT PRIMARY KEY,
  idempotency_key TEXT NOT NULL UNIQUE,
  link_id         TEXT NOT NULL,
  network         TEXT NOT NULL,
  target_key      TEXT NOT NULL,
  channel         TEXT NOT NULL,
  sequence        INTEGER NOT NULL,
  action          TEXT NOT NULL,
  state           TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'sent', 'dead')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  last_error      TEXT,
  external_ids    TEXT NOT NULL DEFAULT '[]',
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL,
  UNIQUE (network, target_key, sequence)
);
-- nextDue reads only open deliveries, per target in sequence order.
CREATE INDEX outbox_open ON outbox (network, target_key, sequence)
  WHERE state IN ('pending', 'sending');
CREATE INDEX outbox_state ON outbox (state, updated_at);
CREATE INDEX outbox_link ON outbox (link_id) WHERE state IN ('pending', 'sending');

CREATE TABLE cursors (
  network    TEXT NOT NULL,
  key        TEXT NOT NULL,
  value      TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (network, key)
);
`,
};
