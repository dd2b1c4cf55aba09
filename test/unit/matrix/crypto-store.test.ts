/**
 * The Matrix bridge's crypto persistence: an IndexedDB snapshot restores into another factory
 * with the same stores, indexes and records (bytes included), the store file is 0600 and gives
 * back the same device id and key, and the transaction fields reach the bot's device only.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import {
  dumpIndexedDb,
  restoreIndexedDb,
} from '../../../src/bridges/matrix/crypto/idb-snapshot.js';
import type { Db, Factory, Req } from '../../../src/bridges/matrix/crypto/idb-types.js';
import { CryptoStore } from '../../../src/bridges/matrix/crypto/store.js';
import { deviceSyncChanges } from '../../../src/bridges/matrix/crypto/transaction.js';
import { CryptoStoreFileError } from '../../../src/bridges/matrix/crypto/errors.js';
import { writeFileSync } from 'node:fs';

const done = <T>(r: Req<T>): Promise<T> =>
  new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error('failed'));
  });

async function openDb(f: Factory, upgrade?: (db: Db) => void): Promise<Db> {
  const request = f.open('mc-crypto-test', 3);
  if (upgrade) request.onupgradeneeded = () => upgrade(request.result);
  return done(request);
}

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('Matrix crypto store', () => {
  it('restores an IndexedDB snapshot with its stores, indexes and records, bytes intact', async () => {
    const a = new IDBFactory() as unknown as Factory;
    const db = await openDb(a, (created) => {
      created.createObjectStore('inline', { keyPath: 'id', autoIncrement: false });
      const out = created.createObjectStore('outofline', { keyPath: null, autoIncrement: false });
      out.createIndex('byRoom', 'room', { unique: false, multiEntry: false });
    });
    const bytes = Uint8Array.from([0, 1, 2, 250, 255]);
    const tx = db.transaction('inline', 'readwrite');
    tx.objectStore('inline').put({ id: 'acct', pickle: bytes });
    await done(tx.objectStore('inline').put({ id: 'other', pickle: 'text' }));
    await done(
      db
        .transaction('outofline', 'readwrite')
        .objectStore('outofline')
        .put({ room: '!r' }, ['k', 1]),
    );
    db.close();

    const b = new IDBFactory() as unknown as Factory;
    await restoreIndexedDb(b, await dumpIndexedDb(a, 'mc-crypto-'));
    const copy = await openDb(b);
    expect(copy.version).toBe(3);
    expect([...copy.objectStoreNames].sort()).toEqual(['inline', 'outofline']);
    const inline = copy.transaction('inline', 'readonly').objectStore('inline');
    const acct = (await done(inline.getAll())) as Array<{ id: string; pickle: unknown }>;
    expect(acct.map((r) => r.id)).toEqual(['acct', 'other']);
    expect(acct[0]?.pickle).toEqual(bytes);
    const out = copy.transaction('outofline', 'readonly').objectStore('outofline');
    expect(await done(out.getAllKeys())).toEqual([['k', 1]]);
    expect([...out.indexNames]).toEqual(['byRoom']);
    copy.close();
  });

  it('skips databases of other stores when dumping', async () => {
    const a = new IDBFactory() as unknown as Factory;
    (
      await openDb(a, (c) => c.createObjectStore('s', { keyPath: null, autoIncrement: true }))
    ).close();
    const b = new IDBFactory() as unknown as Factory;
    await restoreIndexedDb(b, await dumpIndexedDb(a, 'someone-else-'));
    expect(await b.databases()).toEqual([]);
  });

  it('writes a 0600 file that opens with the same device id and key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mc-crypto-'));
    dirs.push(dir);
    const path = join(dir, 'sub', 'matrix-crypto.store');
    const fresh = await CryptoStore.open(path);
    expect(fresh.fresh).toBe(true);
    await fresh.save();
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(fresh.failedWrites).toBe(0);
    const again = await CryptoStore.open(path);
    expect(again.fresh).toBe(false);
    expect(again.deviceId).toBe(fresh.deviceId);
    expect(Buffer.from(again.key).equals(Buffer.from(fresh.key))).toBe(true);
  });

  it('refuses a file that is not a crypto store, naming it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mc-crypto-'));
    dirs.push(dir);
    const path = join(dir, 'matrix-crypto.store');
    writeFileSync(path, 'not a store');
    await expect(CryptoStore.open(path)).rejects.toBeInstanceOf(CryptoStoreFileError);
    await expect(CryptoStore.open(path)).rejects.toThrow(path);
  });

  it('takes from a transaction only what is meant for the bot’s device', () => {
    const changes = deviceSyncChanges(
      {
        'de.sorunome.msc2409.to_device': [
          { type: 'm.room.encrypted', to_user_id: '@bot:l', to_device_id: 'D1', content: { a: 1 } },
          { type: 'm.room.encrypted', to_user_id: '@bot:l', to_device_id: 'OTHER', content: {} },
          { type: 'm.room.encrypted', to_user_id: '@mc_x:l', to_device_id: 'D1', content: {} },
        ],
        'org.matrix.msc3202.device_one_time_keys_count': {
          '@bot:l': { D1: { signed_curve25519: 7 }, OTHER: { signed_curve25519: 1 } },
        },
        'org.matrix.msc3202.device_unused_fallback_key_types': {
          '@bot:l': { D1: ['signed_curve25519'] },
        },
        'org.matrix.msc3202.device_lists': { changed: ['@alice:l'], left: ['@bob:l'] },
      },
      '@bot:l',
      'D1',
    );
    expect(changes.toDevice).toEqual([{ type: 'm.room.encrypted', content: { a: 1 } }]);
    expect([...(changes.oneTimeKeyCounts ?? [])]).toEqual([['signed_curve25519', 7]]);
    expect([...(changes.unusedFallbackKeys ?? [])]).toEqual(['signed_curve25519']);
    expect(changes).toMatchObject({ changed: ['@alice:l'], left: ['@bob:l'] });
  });
});
