/**
 * What ingest asks of encrypted channels before it stores a peer's entry: content of an
 * encrypted channel is sealed, and whatever of it this node can open opens (a key share box
 * addressed to one of its keys, a ciphertext of a chain shared with it). A relay, which holds no
 * key, checks only the first. A refusal stores nothing of the entry, like any other refusal.
 */
import type { ChannelId, ContentHash, Transaction } from '../types.js';
import type { E2ee } from './e2ee.js';
import { isSealedContent } from './chain.js';
import { CiphertextTamperedError, KeyShareOpenError, SealedFormatError } from './errors.js';

export function sealedContentRefusal(
  e2ee: E2ee,
  tx: Transaction,
  contents: ReadonlyMap<ContentHash, Uint8Array>,
  encrypted: (channel: ChannelId) => boolean,
): { rule: string; reason: string } | undefined {
  for (const r of tx.creates) {
    if (r.kind !== 'message' && r.kind !== 'edit') continue;
    const body = contents.get(r.data.contentHash);
    if (body && encrypted(r.data.channel) && !isSealedContent(body)) {
      return { rule: 'e2ee.plaintext', reason: 'content of an encrypted channel must be sealed' };
    }
  }
  try {
    e2ee.checkIncoming(tx, contents);
    return undefined;
  } catch (error) {
    if (error instanceof CiphertextTamperedError) {
      return { rule: 'e2ee.ciphertext', reason: `${error.name}: ${error.message}` };
    }
    if (error instanceof KeyShareOpenError) {
      return { rule: 'e2ee.share', reason: `${error.name}: ${error.message}` };
    }
    if (error instanceof SealedFormatError) {
      return { rule: 'e2ee.format', reason: `${error.name}: ${error.message}` };
    }
    throw error;
  }
}
