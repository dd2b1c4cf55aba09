import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createNode, type ChannelId } from '../../../src/core/index.js';
import { openCoreDatabase } from '../../../src/core/store/database.js';
import { idPrefix } from '../../../src/core/store/id-prefix.js';
import { LogStore } from '../../../src/core/store/log-store.js';
import type { ContentHash } from '../../../src/core/types.js';
import { tempDir } from '../../support/core.js';

describe('id prefixes', () => {
  it('are 48-bit integers that follow the first eight base64url characters', () => {
    expect(idPrefix('AAAAAAAA')).toBe(0);
    expect(idPrefix('AAAAAAAB')).toBe(1);
    expect(idPrefix('________rest is ignored')).toBe(2 ** 48 - 1);
    expect(idPrefix('BAAAAAAA')).toBe(2 ** 42);
    expect(idPrefix('AAAAAAAAx')).toBe(idPrefix('AAAAAAAAy'));
    // Short or unusual ids still get a prefix (lookups compare the whole id anyway).
    expect(Number.isSafeInteger(idPrefix('c_1'))).toBe(true);
    expect(Number.isSafeInteger(idPrefix('é€'))).toBe(true);
  });

  it('may be shared: each id still finds its own row', () => {
    const db = openCoreDatabase(tempDir());
    const log = new LogStore(db);
    const first = `SAMEPREF${'a'.repeat(35)}` as ContentHash;
    const second = `SAMEPREF${'b'.repeat(35)}` as ContentHash;
    expect(idPrefix(first)).toBe(idPrefix(second));
    log.putContent(first, new Uint8Array([1]));
    log.putContent(second, new Uint8Array([2]));
    log.putContent(first, new Uint8Array([9])); // the same hash again: stored once
    expect([...(log.content(first) ?? [])]).toEqual([1]);
    expect([...(log.content(second) ?? [])]).toEqual([2]);
    log.deleteContent(first);
    expect(log.content(first)).toBeUndefined();
    expect([...(log.content(second) ?? [])]).toEqual([2]);
    db.close();
  });
});

describe('schema migration 4', () => {
  it('moves a store keyed by whole ids to prefix keys without losing anything', async () => {
    const dir = tempDir();
    const node = await createNode({ dataDir: dir, sweepIntervalMs: 0 });
    const { user } = await node.createLocalUser('alice');
    const { channel } = await node.submit(user.id, { kind: 'createChannel', name: 'general' });
    const channelId = channel!.id as ChannelId;
    const first = await node.submit(user.id, {
      kind: 'sendMessage',
      channel: channelId,
      text: 'hello',
    });
    await node.submit(user.id, { kind: 'sendMessage', channel: channelId, text: 'hello' });
    await node.submit(user.id, {
      kind: 'editMessage',
      message: first.created!,
      text: 'hello, edited',
    });
    const before = node.listMessages(channelId).map((m) => [m.id, m.text, m.editedAt]);
    await node.stop();
    downgradeToSchema3(join(dir, 'multichat.db'));

    const reopened = await createNode({ dataDir: dir, sweepIntervalMs: 0 });
    expect(reopened.listMessages(channelId).map((m) => [m.id, m.text, m.editedAt])).toEqual(before);
    expect(reopened.getMessage(first.created!)?.text).toBe('hello, edited');
    await reopened.submit(user.id, { kind: 'sendMessage', channel: channelId, text: 'after' });
    expect(reopened.listMessages(channelId).map((m) => m.text)).toEqual([
      'hello, edited',
      'hello',
      'after',
    ]);
    await reopened.stop();

    const db = new Database(join(dir, 'multichat.db'));
    expect(db.pragma('user_version', { simple: true })).toBe(8);
    for (const [table, column] of [
      ['entries', 'id'],
      ['messages', 'id'],
      ['content', 'hash'],
    ] as const) {
      const rows = db.prepare(`SELECT ${column} AS id, ${prefixColumn(table)} AS p FROM ${table}`);
      for (const row of rows.all() as { id: string; p: number }[]) {
        expect(row.p).toBe(idPrefix(row.id));
      }
    }
    // Blobs are salted, so equal texts still have their own hashes; the migration copied each
    // blob once (no hash has two rows).
    const hashes = db
      .prepare('SELECT DISTINCT content_hash FROM messages WHERE id != ?')
      .pluck()
      .all(first.created!);
    expect(hashes).toHaveLength(2); // the second 'hello' and 'after'
    const counts = db.prepare('SELECT hash, COUNT(*) AS n FROM content GROUP BY hash').all() as {
      n: number;
    }[];
    expect(counts.every((c) => c.n === 1)).toBe(true);
    expect(counts.length).toBeGreaterThanOrEqual(3);
    db.close();
  });
});

function prefixColumn(table: string): string {
  return table === 'content' ? 'hp' : 'idp';
}

/** Rebuilds entries, content and messages as migrations 1–3 left them (text primary keys). */
function downgradeToSchema3(file: string): void {
  const db = new Database(file);
  const rebuild = (table: string, key: string, prefix: string) => {
    const columns = (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[])
      .map((c) => c.name)
      .filter((name) => name !== prefix);
    db.exec(`CREATE TABLE old_${table} AS SELECT ${columns.join(', ')} FROM ${table}`);
    db.exec(`DROP TABLE ${table}`);
    const ddl = columns.map((c) => (c === key ? `${c} TEXT PRIMARY KEY` : c)).join(', ');
    db.exec(`CREATE TABLE ${table} (${ddl})`);
    db.exec(`INSERT INTO ${table} SELECT * FROM old_${table}`);
    db.exec(`DROP TABLE old_${table}`);
  };
  rebuild('entries', 'id', 'idp');
  rebuild('content', 'hash', 'hp');
  rebuild('messages', 'id', 'idp');
  db.exec('CREATE UNIQUE INDEX entries_author_seq ON entries (author, seq)');
  db.pragma('user_version = 3');
  db.close();
}
