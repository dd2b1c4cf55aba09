/**
 * A run this node publishes gets its gossip message id from the run itself, not by decoding
 * the bytes back: the id must still be the one every receiver computes from the bytes, or
 * IHAVE/IWANT between nodes of different builds would name different messages.
 */
import { describe, expect, it } from 'vitest';
import { seal } from '../../../src/core/log.js';
import { createEntryValidation } from '../../../src/core/p2p/validator.js';
import { encodeEntryRun } from '../../../src/core/wire.js';
import { strangerPost } from './injector.js';

function validation() {
  const node = {
    ingest: () => Promise.reject(new Error('not used')),
    on: () => () => {},
    getEntries: () => [],
    entriesAfter: () => [],
  };
  return createEntryValidation(node as never, { onPending: () => {}, onRejected: () => {} });
}

const text = (id: Uint8Array) => new TextDecoder().decode(id);

describe('ids of published runs', () => {
  it('are the ids a receiver decodes from the same bytes', () => {
    const envelope = strangerPost('c'.repeat(64), [], 'hello');
    const run = [{ sealed: seal(envelope.entry), contents: envelope.contents }];
    const data = encodeEntryRun(run);

    const receiver = validation();
    const decoded = text(receiver.messageId(Uint8Array.from(data)));
    expect(decoded).toBe(run[0]!.sealed.id);

    const sender = validation();
    sender.published(data, run[0]!.sealed.id);
    expect(text(sender.messageId(data))).toBe(decoded);
  });

  it('are taken as noted, without decoding the bytes', () => {
    const envelope = strangerPost('c'.repeat(64), [], 'hello');
    const run = [{ sealed: seal(envelope.entry), contents: envelope.contents }];
    // Bytes that do not decode: only the noted id can give them the entry's id.
    const opaque = new Uint8Array([0xff, 0x00, 0x01]);
    const sender = validation();
    expect(text(sender.messageId(Uint8Array.from(opaque)))).toMatch(/^malformed:/);
    sender.published(opaque, run[0]!.sealed.id);
    expect(text(sender.messageId(opaque))).toBe(run[0]!.sealed.id);
  });
});
