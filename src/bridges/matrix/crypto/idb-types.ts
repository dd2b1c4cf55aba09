/**
 * The part of the IndexedDB API that ./idb-snapshot.ts uses. The project compiles without the
 * DOM library (it is a Node program), so these few shapes are named here instead.
 */
export type Key = unknown;

export interface Req<T> {
  readonly result: T;
  readonly error: Error | null;
  onsuccess: (() => void) | null;
  onerror: (() => void) | null;
}

export interface OpenReq extends Req<Db> {
  onupgradeneeded: (() => void) | null;
}

export interface Index {
  readonly keyPath: string | string[];
  readonly unique: boolean;
  readonly multiEntry: boolean;
}

export interface ObjectStore {
  readonly keyPath: string | string[] | null;
  readonly autoIncrement: boolean;
  readonly indexNames: Iterable<string>;
  index(name: string): Index;
  getAll(): Req<unknown[]>;
  getAllKeys(): Req<Key[]>;
  put(value: unknown, key?: Key): Req<Key>;
  createIndex(
    name: string,
    keyPath: string | string[],
    options: { unique: boolean; multiEntry: boolean },
  ): Index;
}

export interface Transaction {
  objectStore(name: string): ObjectStore;
  readonly error: Error | null;
  oncomplete: (() => void) | null;
  onerror: (() => void) | null;
}

export interface Db {
  readonly version: number;
  readonly objectStoreNames: Iterable<string>;
  transaction(names: string, mode: 'readonly' | 'readwrite'): Transaction;
  createObjectStore(
    name: string,
    options: { keyPath: string | string[] | null; autoIncrement: boolean },
  ): ObjectStore;
  close(): void;
}

export interface Factory {
  open(name: string, version?: number): OpenReq;
  databases(): Promise<Array<{ name?: string; version?: number }>>;
}
