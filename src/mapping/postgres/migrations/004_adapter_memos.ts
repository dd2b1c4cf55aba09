import type { Migration } from '../../sql/db.js';

/**
 * Adapter memos: small facts an adapter must keep across restarts that the message map cannot
 * hold (the root of a Discord thread started without a message, the id of a reaction line), by
 * network, kind and key.
 */
export const migration004: Migration = {
  version: 4,
  name: 'adapter-memos',
  sql: `
CREATE TABLE adapter_memos (
  network    TEXT NOT NULL,
  kind       TEXT NOT NULL,
  key        TEXT NOT NULL,
  value      TEXT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (network, kind, key)
);
`,
};
