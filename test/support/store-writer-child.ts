/**
 * A store writer for the checkpoint crash test (test/unit/core/wal-checkpoints.test.ts): opens
 * the core store of DIR with checkpoints on their thread (small WAL limits, so the WAL is
 * copied and started over many times), then commits one row per event-loop turn until it is
 * killed. After each commit it prints `committed <i>`; every 100 rows, `stats <json>` of the
 * checkpoint thread. Run as `spawnSource(test/support/store-writer-child.ts, [DIR])`.
 */
import { GroupCommit, openCoreDatabase } from '../../src/core/store/database.js';
import { storeWriterRow } from './store-writer-rows.js';

const [dataDir] = process.argv.slice(2) as [string];
const db = openCoreDatabase(dataDir, {
  checkpoints: 'thread',
  checkpointOptions: {
    startAtBytes: 0,
    intervalMs: 10,
    restartBytes: 256 * 1024,
    limitBytes: 1024 * 1024,
  },
});
const commit = new GroupCommit(db);
const insert = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
for (let i = 0; ; i += 1) {
  const row = storeWriterRow(i);
  await commit.run(() => insert.run(row.key, row.value)).committed;
  process.stdout.write(`committed ${i}\n`);
  if (i % 100 === 0) process.stdout.write(`stats ${JSON.stringify(db.checkpointStats())}\n`);
}
