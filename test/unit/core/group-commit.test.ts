/** GroupCommit: one transaction per event-loop turn, longer only while every write is bulk. */
import { describe, expect, it } from 'vitest';
import {
  BULK_COMMIT_ENTRIES,
  GroupCommit,
  openCoreDatabase,
} from '../../../src/core/store/database.js';
import { tempDir } from '../../support/core.js';

function setup() {
  const db = openCoreDatabase(tempDir());
  const commit = new GroupCommit(db);
  const put = (key: string) =>
    db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run(key, 'v');
  return { db, commit, put };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('group commit', () => {
  it('commits ordinary writes on the next turn, bulk writes later, and says when', async () => {
    const { db, commit, put } = setup();
    const events: string[] = [];
    const ordinary = commit.run(
      () => put('a'),
      () => events.push('a committed'),
    );
    await ordinary.committed;
    expect(events).toEqual(['a committed']);
    expect(db.inTransaction).toBe(false);

    const bulk = commit.run(
      () => put('b'),
      () => events.push('b committed'),
      { bulk: 10 },
    );
    await turn();
    await turn();
    // Still open: a bulk write waits for more (up to half a second).
    expect(db.inTransaction).toBe(true);
    expect(events).toEqual(['a committed']);
    await bulk.committed;
    expect(events).toEqual(['a committed', 'b committed']);
    expect(db.inTransaction).toBe(false);
    db.close();
  });

  it('commits a bulk transaction at once when an ordinary write joins it', async () => {
    const { db, commit, put } = setup();
    const events: string[] = [];
    commit.run(
      () => put('b'),
      () => events.push('bulk committed'),
      { bulk: 10 },
    );
    commit.run(
      () => put('c'),
      () => events.push('local committed'),
    );
    // The next turn, not the bulk time limit: a local write is not held back by a catch-up.
    await turn();
    expect(db.inTransaction).toBe(false);
    expect(events).toEqual(['bulk committed', 'local committed']);
    db.close();
  });

  it('commits a bulk transaction once it holds BULK_COMMIT_ENTRIES entries, and counts them', async () => {
    const { db, commit, put } = setup();
    const half = BULK_COMMIT_ENTRIES / 2;
    const first = commit.run(() => put('x'), undefined, { bulk: half });
    await turn();
    expect(db.inTransaction).toBe(true);
    commit.run(() => put('y'), undefined, { bulk: half });
    await turn();
    expect(db.inTransaction).toBe(false);
    await first.committed;
    // The gauge of what one transaction held uncommitted (the catch-up's memory bound).
    expect(commit.mostHeldBulkEntries).toBe(BULK_COMMIT_ENTRIES);
    db.close();
  });
});
