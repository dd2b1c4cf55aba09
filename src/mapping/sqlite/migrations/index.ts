import type { Migration } from '../../sql/db.js';
import { migration001 } from './001_init.js';

/** Every SQLite migration, oldest first. Add new ones at the end; never edit a released one. */
export const sqliteMigrations: readonly Migration[] = [migration001];
