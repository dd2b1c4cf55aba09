/**
 * Channel heads are kept in memory and written once per commit: what a commit stores, and what
 * a write rolled back to its savepoint leaves, must be exactly what write-through gave.
 */
import { describe, expect, it } from 'vitest';
import { GroupCommit, openCoreDatabase } from '../../../src/core/store/database.js';
import { LogStore } from '../../../src/core/store/log-store.js';
import type { Address, ChannelId, EntryId } from '../../../src/core/types.js';
import { tempDir } from '../../support/core.js';

const C = 'c_main' as ChannelId;
const D = 'c_other' as ChannelId;
const author = 'author-1' as Address;

function setup(dir = tempDir()) {
  const db = openCoreDatabase(dir);
  const log = new LogStore(db);
  const failing = { commit: false };
  const commit = new GroupCommit(
    db,
    () => log.resetCache(),
    () => {
      log.flushHeads();
      if (failing.commit) throw new Error('the commit fails');
    },
  );
  let seq = log.head(author)?.seq ?? 0;
  /** Stores an entry of `channel` that depends on `deps`, as node.writeEntry does. */
  const append = (id: string, channel: ChannelId, deps: string[]) => {
    seq += 1;
    log.insert(
      id as EntryId,
      author,
      seq,
      channel,
      'sendMessage',
      { wall: seq, counter: 0 },
      new Uint8Array([seq]),
    );
    log.advanceHeads(channel, id as EntryId, deps as EntryId[]);
  };
  const stored = (channel: ChannelId) =>
    db.prepare('SELECT entry FROM heads WHERE channel = ? ORDER BY entry').pluck().all(channel);
  return { db, log, commit, append, stored, dir, failing };
}

describe('channel heads', () => {
  it('are stored at commit, as they stand after every write of the transaction', async () => {
    const { log, commit, append, stored } = setup();
    const writes = [
      commit.run(() => append('e1', C, [])),
      commit.run(() => append('e2', C, ['e1'])),
      commit.run(() => append('x1', C, [])), // a concurrent branch: two heads
    ];
    // Before the commit, reads see the open transaction; the table does not yet.
    expect(log.channelHeads(C)).toEqual(['e2', 'x1']);
    expect(stored(C)).toEqual([]);
    await Promise.all(writes.map((w) => w.committed));
    expect(stored(C)).toEqual(['e2', 'x1']);
    await commit.run(() => append('m1', C, ['e2', 'x1'])).committed;
    expect(stored(C)).toEqual(['m1']);
  });

  it('keep the other writes of a transaction when one write is rolled back', async () => {
    const { db, commit, append, stored, dir } = setup();
    await commit.run(() => append('e1', C, [])).committed;
    const kept = commit.run(() => append('e2', C, ['e1']));
    expect(() =>
      commit.run(() => {
        append('e3', C, ['e2']);
        append('d1', D, []);
        throw new Error('this write fails');
      }),
    ).toThrow('this write fails');
    const after = commit.run(() => append('e4', C, ['e2']));
    await Promise.all([kept.committed, after.committed]);
    expect(stored(C)).toEqual(['e4']);
    expect(stored(D)).toEqual([]);
    db.close();

    // A new store on the same file reads the same heads.
    const reopened = setup(dir);
    expect(reopened.log.channelHeads(C)).toEqual(['e4']);
    expect(reopened.log.channelHeads(D)).toEqual([]);
    reopened.db.close();
  });

  it('are back to the stored ones when a whole transaction is rolled back', async () => {
    const { log, commit, append, stored, failing } = setup();
    await commit.run(() => append('e1', C, [])).committed;
    failing.commit = true;
    const lost = commit.run(() => append('e2', C, ['e1']));
    expect(log.channelHeads(C)).toEqual(['e2']);
    await expect(lost.committed).rejects.toThrow('the commit fails');
    failing.commit = false;
    expect(stored(C)).toEqual(['e1']);
    expect(log.channelHeads(C)).toEqual(['e1']);
    await commit.run(() => append('e2b', C, ['e1'])).committed;
    expect(stored(C)).toEqual(['e2b']);
  });
});
