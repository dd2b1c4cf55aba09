/**
 * The whole content of an IndexedDB factory as one value, and back. The WebAssembly crypto keeps
 * its state only in IndexedDB; Node has none, so the bridge runs it on `fake-indexeddb` (memory)
 * and persists by snapshotting every database here: stores with their key paths and indexes,
 * and every record as `[key, value]`. Values are what the crypto put (objects, strings,
 * Uint8Arrays); `node:v8` serialisation keeps those types exactly.
 */
import { deserialize, serialize } from 'node:v8';
import type { Db, Factory, Key, Req } from './idb-types.js';

interface IndexShape {
  readonly name: string;
  readonly keyPath: string | string[];
  readonly unique: boolean;
  readonly multiEntry: boolean;
}

interface StoreShape {
  readonly name: string;
  readonly keyPath: string | string[] | null;
  readonly autoIncrement: boolean;
  readonly indexes: IndexShape[];
  readonly records: Array<[Key, unknown]>;
}

interface DatabaseShape {
  readonly name: string;
  readonly version: number;
  readonly stores: StoreShape[];
}

const FORMAT = 1;

function done<T>(request: Req<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB request failed'));
  });
}

function open(
  factory: Factory,
  name: string,
  version?: number,
  upgrade?: (db: Db) => void,
): Promise<Db> {
  const request = factory.open(name, version);
  if (upgrade) request.onupgradeneeded = () => upgrade(request.result);
  return done(request);
}

async function readStore(db: Db, name: string): Promise<StoreShape> {
  const store = db.transaction(name, 'readonly').objectStore(name);
  const indexes = [...store.indexNames].map((i) => {
    const index = store.index(i);
    return {
      name: i,
      keyPath: index.keyPath,
      unique: index.unique,
      multiEntry: index.multiEntry,
    };
  });
  // Keys and values in one ordered pass (key order is the same for both lists).
  const [keys, values] = await Promise.all([done(store.getAllKeys()), done(store.getAll())]);
  return {
    name,
    keyPath: store.keyPath,
    autoIncrement: store.autoIncrement,
    indexes,
    records: keys.map((key, i) => [key, values[i]]),
  };
}

/** Every database of `factory` whose name starts with `prefix`, serialised. */
export async function dumpIndexedDb(factory: Factory, prefix: string): Promise<Buffer> {
  const databases: DatabaseShape[] = [];
  for (const info of await factory.databases()) {
    if (info.name === undefined || !info.name.startsWith(prefix)) continue;
    const db = await open(factory, info.name);
    try {
      const stores: StoreShape[] = [];
      for (const name of db.objectStoreNames) stores.push(await readStore(db, name));
      databases.push({ name: info.name, version: db.version, stores });
    } finally {
      db.close();
    }
  }
  return serialize({ format: FORMAT, databases });
}

/** Recreates what `dumpIndexedDb` wrote in an empty `factory`. @throws Error on another format */
export async function restoreIndexedDb(factory: Factory, bytes: Buffer): Promise<void> {
  const data = deserialize(bytes) as { format?: unknown; databases?: DatabaseShape[] };
  if (data.format !== FORMAT || !Array.isArray(data.databases))
    throw new Error(`not an IndexedDB snapshot of format ${FORMAT}`);
  for (const shape of data.databases) {
    const db = await open(factory, shape.name, shape.version, (created) => {
      for (const s of shape.stores) {
        const store = created.createObjectStore(s.name, {
          keyPath: s.keyPath,
          autoIncrement: s.autoIncrement,
        });
        for (const i of s.indexes)
          store.createIndex(i.name, i.keyPath, { unique: i.unique, multiEntry: i.multiEntry });
      }
    });
    try {
      for (const s of shape.stores) {
        if (s.records.length === 0) continue;
        const tx = db.transaction(s.name, 'readwrite');
        const store = tx.objectStore(s.name);
        // In-line keys come with the value; out-of-line ones are given back.
        for (const [key, value] of s.records)
          store.put(value, s.keyPath === null ? key : undefined);
        await new Promise<void>((resolve, reject) => {
          tx.oncomplete = () => resolve();
          tx.onerror = () => reject(tx.error ?? new Error('IndexedDB restore failed'));
        });
      }
    } finally {
      db.close();
    }
  }
}
