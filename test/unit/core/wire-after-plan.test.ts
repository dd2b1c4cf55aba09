/**
 * The sync server's bulk read (`wireEntriesAfter`) finds each entry's message through the whole
 * messages_order index (channel, read_wall, hlc, entry). Matching only the channel, each entry
 * scanned its channel's messages: serving a 10,000-message catch-up took tens of seconds.
 */
import { describe, expect, it } from 'vitest';
import type { Db } from '../../../src/core/store/database.js';
import { tempNode } from '../../support/core.js';

interface Internals {
  db: Db;
  log: { stmt: { wireAfter: { source: string } } };
}

describe('wireEntriesAfter query plan', () => {
  it('looks each message up by every column of messages_order', async () => {
    const node = await tempNode();
    const { db, log } = (node as unknown as { internals: Internals }).internals;
    const plan = (
      db.prepare(`EXPLAIN QUERY PLAN ${log.stmt.wireAfter.source}`).all('a', 0, 10) as {
        detail: string;
      }[]
    ).map((row) => row.detail);
    expect(plan).toContain(
      'SEARCH m USING INDEX messages_order (channel=? AND read_wall=? AND hlc_wall=? AND hlc_counter=? AND entry=?) LEFT-JOIN',
    );
  });
});
