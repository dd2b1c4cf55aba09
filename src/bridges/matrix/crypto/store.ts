/**
 * The bot's crypto store on disk: one file (mode 0600) holding the bot's device id, the key the
 * store's IndexedDB values are encrypted with, and a snapshot of those IndexedDB databases
 * (./idb-snapshot.ts). The WebAssembly crypto persists only to IndexedDB, which Node lacks: it
 * runs on an in-memory `fake-indexeddb` that is filled from the file at start and written back
 * (to a temporary file, then renamed, so a crash leaves the old or the new file, never half of
 * one) after every change of the crypto's state.
 */
import { createHash, randomBytes } from 'node:crypto';
import { chmod, mkdir, open as openFile, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { CryptoStoreFileError } from './errors.js';
import { dumpIndexedDb, restoreIndexedDb } from './idb-snapshot.js';
import type { Factory } from './idb-types.js';

const FORMAT = 1;

/** One factory per process: the WebAssembly crypto opens `globalThis.indexedDB`. */
let shared: Factory | undefined;

function factory(): Factory {
  if (!shared) {
    const created = new IDBFactory() as unknown as Factory;
    const g = globalThis as Record<string, unknown>;
    // Another IndexedDB already here (a test's own client): share it rather than replace it.
    if (g['indexedDB'] === undefined) {
      g['indexedDB'] = created;
      g['IDBKeyRange'] ??= IDBKeyRange;
    }
    shared = g['indexedDB'] as Factory;
  }
  return shared;
}

export class CryptoStore {
  private chain: Promise<void> = Promise.resolve();
  /** Writes that failed since the start (logged by the caller). */
  failedWrites = 0;

  private constructor(
    readonly path: string,
    /** The IndexedDB name of this store (unique per file, so two stores share one factory). */
    readonly name: string,
    readonly deviceId: string,
    readonly key: Uint8Array,
    readonly fresh: boolean,
  ) {}

  /** Reads the file (or starts a new store when there is none). @throws CryptoStoreFileError */
  static async open(path: string): Promise<CryptoStore> {
    const name = `mc-crypto-${createHash('sha256').update(path).digest('hex').slice(0, 16)}`;
    let bytes: Buffer | undefined;
    try {
      bytes = await readFile(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
        throw new CryptoStoreFileError(path, (error as Error).message, { cause: error });
    }
    if (!bytes) {
      // Device ids are upper-case letters by habit of the homeservers that make them.
      const deviceId = `MC${randomBytes(8).toString('hex').toUpperCase()}`;
      return new CryptoStore(path, name, deviceId, new Uint8Array(randomBytes(32)), true);
    }
    let data: { format?: unknown; deviceId?: unknown; key?: unknown; idb?: unknown };
    try {
      data = deserialize(bytes) as typeof data;
    } catch (error) {
      throw new CryptoStoreFileError(path, 'not a crypto store file', { cause: error });
    }
    if (
      data.format !== FORMAT ||
      typeof data.deviceId !== 'string' ||
      !(data.key instanceof Uint8Array) ||
      !Buffer.isBuffer(data.idb)
    )
      throw new CryptoStoreFileError(path, `not a crypto store file of format ${FORMAT}`);
    try {
      await restoreIndexedDb(factory(), data.idb);
    } catch (error) {
      throw new CryptoStoreFileError(path, (error as Error).message, { cause: error });
    }
    return new CryptoStore(path, name, data.deviceId, data.key, false);
  }

  /** Makes sure the in-memory IndexedDB exists before the crypto opens it. */
  install(): void {
    factory();
  }

  /** Writes the store now, after any write already queued. Never rejects: counts failures. */
  save(): Promise<void> {
    this.chain = this.chain.then(
      () => this.write(),
      () => this.write(),
    );
    return this.chain.catch(() => {
      this.failedWrites++;
    });
  }

  private async write(): Promise<void> {
    const idb = await dumpIndexedDb(factory(), this.name);
    const bytes = serialize({ format: FORMAT, deviceId: this.deviceId, key: this.key, idb });
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    const temp = `${this.path}.tmp`;
    const handle = await openFile(temp, 'w', 0o600);
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    // The mode of an existing temp file is not reset by open(): set it before it is renamed.
    await chmod(temp, 0o600);
    await rename(temp, this.path);
  }
}
