/**
 * The sync server's bulk read: stored rows become wire envelopes without decoding the stored
 * bodies. A row carries the content of the message its entry created (through the messages
 * projection); whether that is *all* the content the entry points to is decided from the bytes:
 * every message resource spells the text `message` (its kind) and every edit the text `edit`,
 * and the strict decoder takes text only as contiguous UTF-8, so counting those byte strings
 * bounds what the entry can create. Whenever the bytes leave a doubt (an edit, a reaction naming
 * a message, a message whose projection row belongs to another entry), the entry is decoded.
 */
import type { WireRow } from './store/log-store.js';
import type { Address, ContentHash, EntryId, WireEntry } from './types.js';
import { encodeWireEnvelope } from './wire-envelope.js';

const MESSAGE = Buffer.from('message');
const EDIT = Buffer.from('edit');

/** How often `needle` occurs in `bytes`, counting at most two. */
function occurrences(bytes: Buffer, needle: Buffer): number {
  const first = bytes.indexOf(needle);
  if (first < 0) return 0;
  return bytes.indexOf(needle, first + 1) < 0 ? 1 : 2;
}

/**
 * The content of the entry in `rows` (its rows from the store) when the rows are certainly all
 * of it: no edit, and exactly as many message resources as the projection found (zero or one).
 */
function contentFromRows(rows: readonly WireRow[]): [ContentHash, Uint8Array][] | undefined {
  if (rows.length !== 1) return undefined;
  const row = rows[0] as WireRow;
  const bytes = Buffer.from(row.body.buffer, row.body.byteOffset, row.body.byteLength);
  if (occurrences(bytes, EDIT) > 0) return undefined;
  if (occurrences(bytes, MESSAGE) !== (row.hash === null ? 0 : 1)) return undefined;
  return row.hash !== null && row.content !== null ? [[row.hash, row.content]] : [];
}

/**
 * Turns one page of rows (ascending seq, the rows of one entry adjacent) into wire entries.
 * `decodedContents` answers for the entries the rows cannot (it decodes the body).
 */
export function wireEntriesFromRows(
  author: Address,
  rows: readonly WireRow[],
  decodedContents: (body: Uint8Array) => ReadonlyMap<ContentHash, Uint8Array>,
): WireEntry[] {
  const out: WireEntry[] = [];
  for (let start = 0; start < rows.length;) {
    const first = rows[start] as WireRow;
    let end = start + 1;
    while (end < rows.length && (rows[end] as WireRow).id === first.id) end += 1;
    const contents =
      contentFromRows(rows.slice(start, end)) ?? decodedContents(first.body).entries();
    out.push({
      id: first.id as EntryId,
      author,
      seq: first.seq,
      hlc: { wall: first.hlc_wall, counter: first.hlc_counter },
      bytes: encodeWireEnvelope(first.body, contents),
      channel: first.channel ?? undefined,
    });
    start = end;
  }
  return out;
}
