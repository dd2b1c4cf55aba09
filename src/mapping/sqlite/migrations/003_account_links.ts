import type { Migration } from '../../sql/db.js';

/**
 * Account linking: one-time codes (hash only, 10 minutes) that join a second network identity
 * to a profile, and the audit log of who linked or unlinked which identity, and when.
 */
export const migration003: Migration = {
  version: 3,
  name: 'account-links',
  sql: `
CREATE TABLE link_codes (
  code_hash  TEXT PRIMARY KEY,
  user_id    TEXT NOT NULL,
  issued_via TEXT NOT NULL,
  issued_by  TEXT,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at    INTEGER
);
CREATE INDEX link_codes_expiry ON link_codes (expires_at);

CREATE TABLE account_audit (
  id          TEXT PRIMARY KEY,
  action      TEXT NOT NULL CHECK (action IN ('link', 'unlink')),
  user_id     TEXT NOT NULL,
  network     TEXT NOT NULL,
  external_id TEXT NOT NULL,
  actor       TEXT NOT NULL,
  at          INTEGER NOT NULL
);
CREATE INDEX account_audit_user ON account_audit (user_id, at);
`,
};
