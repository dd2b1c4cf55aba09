import type { Migration } from '../../sql/db.js';

/**
 * Identities get a kind: the person's own account (`native`), or a Matrix ghost / IRC puppet
 * the gateway created for them. Rows from before are the people's own accounts.
 */
export const migration002: Migration = {
  version: 2,
  name: 'identity-kind',
  sql: `
ALTER TABLE identities ADD COLUMN kind TEXT NOT NULL DEFAULT 'native'
  CHECK (kind IN ('native', 'ghost', 'puppet'));
`,
};
