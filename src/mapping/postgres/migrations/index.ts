import type { Migration } from '../../sql/db.js';
import { migration001 } from './001_init.js';
import { migration002 } from './002_identity_kind.js';
import { migration003 } from './003_account_links.js';
import { migration004 } from './004_adapter_memos.js';

/** Every PostgreSQL migration, oldest first. Add new ones at the end; never edit a released one. */
export const postgresMigrations: readonly Migration[] = [
  migration001,
  migration002,
  migration003,
  migration004,
];
