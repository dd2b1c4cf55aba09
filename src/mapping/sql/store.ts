import { StoreClosedError } from '../errors.js';
import type { InboundLookup, InboundLookupQuery, MappingStore } from '../types.js';
import type { Migration, SqlDatabase, SqlOpener } from './db.js';
import { SqlAccountAuditRepo, SqlLinkCodeRepo } from './accounts.js';
import { SqlCursorRepo } from './cursors.js';
import { SqlIdentityRepo } from './identities.js';
import { SqlLinkRepo } from './links.js';
import { SqlMemoRepo } from './memos.js';
import { lookupInbound } from './lookup.js';
import { SqlMessageRepo } from './messages.js';
import { ensureSchema } from './migrate.js';
import { SqlOutboxRepo } from './outbox.js';

/**
 * The MappingStore both dialects share: the repositories are written once against SqlDatabase;
 * a dialect supplies only how to open its database and its migrations. Construction does no I/O.
 */
export class SqlMappingStore implements MappingStore {
  readonly identities: SqlIdentityRepo;
  readonly links: SqlLinkRepo;
  readonly messages: SqlMessageRepo;
  readonly outbox: SqlOutboxRepo;
  readonly cursors: SqlCursorRepo;
  readonly memos: SqlMemoRepo;
  readonly linkCodes: SqlLinkCodeRepo;
  readonly accountAudit: SqlAccountAuditRepo;
  private database: SqlDatabase | undefined;
  private opening: Promise<void> | undefined;

  constructor(
    readonly kind: 'sqlite' | 'postgres',
    private readonly open: SqlOpener,
    private readonly migrations: readonly Migration[],
    private readonly now: () => number = Date.now,
  ) {
    const db = (): SqlDatabase => {
      if (!this.database) throw new StoreClosedError();
      return this.database;
    };
    this.identities = new SqlIdentityRepo(db, now);
    this.links = new SqlLinkRepo(db, now);
    this.messages = new SqlMessageRepo(db, now);
    this.outbox = new SqlOutboxRepo(db, now);
    this.cursors = new SqlCursorRepo(db, now);
    this.memos = new SqlMemoRepo(db, now);
    this.linkCodes = new SqlLinkCodeRepo(db, now);
    this.accountAudit = new SqlAccountAuditRepo(db, now);
  }

  lookupInbound(query: InboundLookupQuery): Promise<InboundLookup> {
    if (!this.database) return Promise.reject(new StoreClosedError());
    return lookupInbound(this.database, query);
  }

  /** Opens and migrates once; concurrent callers share the same attempt. */
  init(): Promise<void> {
    this.opening ??= (async () => {
      const db = await this.open();
      try {
        await ensureSchema(db, this.migrations, this.now);
      } catch (err) {
        await db.close();
        throw err;
      }
      this.database = db;
    })().catch((err: unknown) => {
      this.opening = undefined;
      throw err;
    });
    return this.opening;
  }

  async close(): Promise<void> {
    const db = this.database;
    this.database = undefined;
    this.opening = undefined;
    if (db) await db.close();
  }
}
