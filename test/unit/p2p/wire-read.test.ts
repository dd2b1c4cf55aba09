/**
 * The sync server's raw read: envelopes built from stored bytes without decoding must be the
 * very bytes that decoding and encoding again would give, for every kind of entry, and entries
 * whose stored bytes leave a doubt about their content are decoded.
 */
import { describe, expect, it } from 'vitest';
import { decodeCbor } from '../../../src/core/cbor-decode.js';
import { generateKeyPair } from '../../../src/core/identity.js';
import { createEntry, createUnsignedEntry } from '../../../src/core/log.js';
import type { WireRow } from '../../../src/core/store/log-store.js';
import type {
  Address,
  ChannelId,
  ContentHash,
  EntryId,
  MultichatNode,
  UserId,
} from '../../../src/core/types.js';
import { wireEntriesFromRows } from '../../../src/core/wire-entries.js';
import { encodeCanonical } from '../../../src/core/encoding.js';
import { encodeWireEnvelope } from '../../../src/core/wire-envelope.js';
import {
  decodeSealedEnvelope,
  encodeEnvelope,
  encodeSealedEnvelope,
} from '../../../src/core/wire.js';
import { contentText } from '../../../src/core/resources.js';
import { tempNode } from '../../support/core.js';

const hash = (c: string, n = 43) => c.repeat(n) as ContentHash;
const bytes = (n: number, fill = 7) => new Uint8Array(n).fill(fill);

function sampleEntry(signed: boolean) {
  const pair = generateKeyPair();
  const unsigned = {
    seq: 1,
    prev: null,
    hlc: { wall: 1_700_000_000_000, counter: 3 },
    tx: {
      intent: 'joinChannel' as const,
      actor: pair.address as unknown as UserId,
      consumes: [],
      creates: [],
      channel: 'c1' as ChannelId,
      deps: [],
    },
  };
  return signed ? createEntry(pair, unsigned) : createUnsignedEntry(pair.address, unsigned);
}

describe('wire envelope written by hand', () => {
  it.each([
    ['no content', []],
    ['one content', [[hash('a'), bytes(90)]]],
    [
      'contents in canonical key order',
      [
        [hash('b'), bytes(3)],
        [hash('a', 44), bytes(1)],
        [hash('a'), bytes(300)],
      ],
    ],
    ['a content beyond 64 KiB', [[hash('z'), bytes(70_000)]]],
  ] as [string, [ContentHash, Uint8Array][]][])(
    'matches the canonical encoder: %s',
    (_, contents) => {
      for (const sealed of [sampleEntry(true), sampleEntry(false)]) {
        const byHand = encodeWireEnvelope(sealed.bytes, contents);
        const canonical = encodeCanonical({
          v: 1,
          e: sealed.bytes,
          c: Object.fromEntries(contents),
        });
        expect(Buffer.from(byHand)).toEqual(Buffer.from(canonical));
        // encodeSealedEnvelope is the same writer.
        expect(Buffer.from(encodeSealedEnvelope(sealed, new Map(contents)))).toEqual(
          Buffer.from(canonical),
        );
        const back = decodeSealedEnvelope(byHand);
        expect(back.sealed.id).toBe(sealed.id);
        expect([...back.contents.keys()].sort()).toEqual(contents.map(([h]) => h).sort());
      }
    },
  );
});

/** A node with one of everything: messages, a reply, an edit, a reaction, a deletion. */
async function nodeWithHistory(): Promise<{ node: MultichatNode; authors: Address[] }> {
  const node = await tempNode();
  const alice = (await node.createLocalUser('alice')).user;
  const bob = (await node.createLocalUser('bob')).user;
  const channel = (await node.submit(alice.id, { kind: 'createChannel', name: 'general' })).channel!
    .id;
  await node.submit(bob.id, { kind: 'joinChannel', channel });
  const ids = [];
  for (let i = 0; i < 12; i += 1) {
    const author = i % 3 === 0 ? bob : alice;
    ids.push(
      (await node.submit(author.id, { kind: 'sendMessage', channel, text: `m${i}` })).created!,
    );
  }
  await node.submit(alice.id, { kind: 'sendMessage', channel, text: 'again', replyTo: ids[1] });
  await node.submit(alice.id, { kind: 'editMessage', message: ids[1]!, text: 'm1, edited' });
  await node.submit(bob.id, { kind: 'react', message: ids[1]!, emoji: '👍' });
  await node.submit(alice.id, { kind: 'redactMessage', message: ids[2]! });
  // Two messages with the same text share one content blob; one is deleted, one stays.
  await node.submit(alice.id, { kind: 'sendMessage', channel, text: 'same' });
  const twin = (await node.submit(alice.id, { kind: 'sendMessage', channel, text: 'same' }))
    .created!;
  await node.submit(alice.id, { kind: 'redactMessage', message: twin });
  return { node, authors: [...node.frontier().keys()] };
}

describe('wireEntriesAfter', () => {
  it('gives the envelopes entriesAfter gives, encoded, page by page', async () => {
    const { node, authors } = await nodeWithHistory();
    let compared = 0;
    for (const author of authors) {
      const decoded = node.entriesAfter(author, 0, 1_000);
      for (const limit of [1, 5, 1_000]) {
        const wire = [];
        for (let after = 0; ;) {
          const page = node.wireEntriesAfter(author, after, limit);
          if (page.length === 0) break;
          expect(page.length).toBeLessThanOrEqual(limit);
          wire.push(...page);
          after = page.at(-1)!.seq;
        }
        expect(wire.map((w) => w.seq)).toEqual(decoded.map((e) => e.entry.seq));
        expect(wire.map((w) => w.hlc)).toEqual(decoded.map((e) => e.entry.hlc));
        expect(wire.every((w) => w.author === author)).toBe(true);
        for (let i = 0; i < wire.length; i += 1) {
          expect(Buffer.from(wire[i]!.bytes)).toEqual(Buffer.from(encodeEnvelope(decoded[i]!)));
          expect(decodeSealedEnvelope(wire[i]!.bytes).sealed.id).toBe(wire[i]!.id);
          compared += 1;
        }
      }
    }
    // Both users' logs and the node's own: every entry, three times over.
    expect(compared).toBeGreaterThanOrEqual(3 * 22);
  });

  it('sends message content while it exists, and none once the message is deleted', async () => {
    const { node, authors } = await nodeWithHistory();
    const all = authors.flatMap((a) => node.wireEntriesAfter(a, 0, 1_000));
    const withText = all
      .map((w) => decodeSealedEnvelope(w.bytes).contents)
      .flatMap((c) => [...c.values()].map((b) => contentText(b)));
    expect(withText).toContain('m1, edited');
    expect(withText).toContain('m1');
    expect(withText).not.toContain('m2');
  });
});

describe('wireEntriesFromRows', () => {
  const author = 'author' as Address;
  const row = (id: string, body: string, h: string | null, content: string | null): WireRow => ({
    id: id as EntryId,
    seq: Number(id.slice(1)),
    channel: null,
    hlc_wall: 10,
    hlc_counter: Number(id.slice(1)),
    body: Buffer.from(body),
    hash: h as ContentHash | null,
    content: content === null ? null : Buffer.from(content),
  });

  function read(rows: WireRow[]) {
    const decoded: string[] = [];
    const out = wireEntriesFromRows(author, rows, (body) => {
      decoded.push(Buffer.from(body).toString());
      return new Map([[hash('d'), Buffer.from('from decoding')]]);
    });
    const contents = out.map((w) =>
      [...decodeSealedEnvelopeContents(w.bytes)].map(([h, b]) => `${h[0]}:${b}`),
    );
    return { out, decoded, contents };
  }

  it('takes content from the projection when the bytes hold one message and no edit', () => {
    const { out, decoded, contents } = read([
      row('e1', '..kind message..', hash('h'), 'hello'),
      row('e2', '..kind message..', hash('h'), null),
      row('e3', '..joinChannel..', null, null),
    ]);
    expect(decoded).toEqual([]);
    expect(contents).toEqual([['h:hello'], [], []]);
    expect(out.map((w) => [w.id, w.seq, w.hlc.counter])).toEqual([
      ['e1', 1, 1],
      ['e2', 2, 2],
      ['e3', 3, 3],
    ]);
  });

  it('decodes entries whose bytes leave a doubt about their content', () => {
    const { out, decoded, contents } = read([
      row('e1', 'an edit', null, null),
      row('e2', 'message and message', hash('h'), 'x'),
      row('e3', 'reaction to a message', null, null),
      row('e4', 'edit of a message', hash('h'), 'x'),
      row('e5', 'two messages', hash('h'), 'x'),
      row('e5', 'two messages', hash('i'), 'y'),
    ]);
    expect(decoded).toEqual([
      'an edit',
      'message and message',
      'reaction to a message',
      'edit of a message',
      'two messages',
    ]);
    expect(out.map((w) => w.id)).toEqual(['e1', 'e2', 'e3', 'e4', 'e5']);
    expect(contents.every((c) => c.length === 1 && c[0] === 'd:from decoding')).toBe(true);
  });
});

/** The `c` map of an envelope whose `e` is not a real entry (the rows above hold stand-ins). */
function decodeSealedEnvelopeContents(envelope: Uint8Array): Map<string, string> {
  // Only the shape matters here: the canonical encoder's reading of the same envelope.
  const map = decodeCbor(envelope) as { c: Record<string, Uint8Array> };
  return new Map(Object.entries(map.c).map(([h, b]) => [h, Buffer.from(b).toString()]));
}
