/**
 * Byte spans inside a CBOR item, without decoding it. Used to hash the resources of a received
 * entry straight from the signed bytes instead of encoding each decoded resource again: the
 * bytes are the ones the author signed, so every replica derives the same ids from them.
 * Only definite-length items are supported (canonical encodings never use indefinite ones).
 */
import { readUint16, readUint32 } from './cbor-head.js';

/**
 * Where the head read by the last `argument` call ends. An out-parameter instead of a returned
 * pair: these functions visit every item of every received transaction, and an object per item
 * was most of what they allocated.
 */
let afterHead = 0;

function argument(bytes: Uint8Array, at: number): number {
  const info = (bytes[at] as number) & 0x1f;
  if (info < 24) {
    afterHead = at + 1;
    return info;
  }
  if (info === 24) {
    afterHead = at + 2;
    return bytes[at + 1] as number;
  }
  if (info === 25) {
    afterHead = at + 3;
    return readUint16(bytes, at + 1);
  }
  if (info === 26) {
    afterHead = at + 5;
    return readUint32(bytes, at + 1);
  }
  if (info === 27) {
    afterHead = at + 9;
    return readUint32(bytes, at + 1) * 2 ** 32 + readUint32(bytes, at + 5);
  }
  throw new Error(`unsupported CBOR length encoding ${info} at ${at}`);
}

/** The offset just past the item that starts at `at`. */
export function itemEnd(bytes: Uint8Array, at: number): number {
  const major = (bytes[at] as number) >> 5;
  const info = (bytes[at] as number) & 0x1f;
  if (major === 7) {
    if (info === 25) return at + 3;
    if (info === 26) return at + 5;
    if (info === 27) return at + 9;
    return info === 24 ? at + 2 : at + 1;
  }
  const value = argument(bytes, at);
  const next = afterHead;
  switch (major) {
    case 0:
    case 1:
      return next;
    case 2:
    case 3:
      return next + value;
    case 4: {
      let cursor = next;
      for (let i = 0; i < value; i += 1) cursor = itemEnd(bytes, cursor);
      return cursor;
    }
    case 5: {
      let cursor = next;
      for (let i = 0; i < value * 2; i += 1) cursor = itemEnd(bytes, cursor);
      return cursor;
    }
    default:
      return itemEnd(bytes, next); // a tag: its content follows
  }
}

/** Whether the item at `at` is the text `key` (compared as bytes, nothing decoded). */
function isText(bytes: Uint8Array, at: number, key: Uint8Array): boolean {
  if ((bytes[at] as number) >> 5 !== 3) return false;
  const value = argument(bytes, at);
  const next = afterHead;
  if (value !== key.length) return false;
  for (let i = 0; i < value; i += 1) if (bytes[next + i] !== key[i]) return false;
  return true;
}

const utf8 = new TextEncoder();
/** Encoded keys: callers ask for a handful of fixed keys, thousands of times a second. */
const encodedKeys = new Map<string, Uint8Array>();

/** Offset of the value stored under `key` in the map at `at`, or undefined. */
export function mapValue(bytes: Uint8Array, at: number, key: string): number | undefined {
  if ((bytes[at] as number) >> 5 !== 5) return undefined;
  let wanted = encodedKeys.get(key);
  if (!wanted) {
    wanted = utf8.encode(key);
    if (encodedKeys.size < 256) encodedKeys.set(key, wanted);
  }
  const pairs = argument(bytes, at);
  let cursor = afterHead;
  for (let i = 0; i < pairs; i += 1) {
    const keyEnd = itemEnd(bytes, cursor);
    if (isText(bytes, cursor, wanted)) return keyEnd;
    cursor = itemEnd(bytes, keyEnd);
  }
  return undefined;
}

/** [start, end) of each element of the array at `at`. */
export function arraySpans(bytes: Uint8Array, at: number): Array<[number, number]> {
  if ((bytes[at] as number) >> 5 !== 4) return [];
  const value = argument(bytes, at);
  const spans: Array<[number, number]> = [];
  let cursor = afterHead;
  for (let i = 0; i < value; i += 1) {
    const end = itemEnd(bytes, cursor);
    spans.push([cursor, end]);
    cursor = end;
  }
  return spans;
}
