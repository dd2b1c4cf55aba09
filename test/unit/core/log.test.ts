import Database from 'better-sqlite3';
import { encode } from 'cborg';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ChainError,
  ForkError,
  GapError,
  SignatureError,
  createNode,
} from '../../../src/core/index.js';
import type { EntryEnvelope, LogEntry, Transaction } from '../../../src/core/index.js';
import { generateKeyPair } from '../../../src/core/identity.js';
import { hashOf } from '../../../src/core/encoding.js';
import { createEntry, seal, unseal, verifyRun } from '../../../src/core/log.js';
import { resourceIdOf } from '../../../src/core/resources.js';
import { decodeEnvelope, encodeEnvelope } from '../../../src/core/wire.js';
import { allEnvelopes, tempDir, tempNode } from '../../support/core.js';

async function sourceWithHistory(messages = 3) {
  const node = await tempNode();
  const { user } = await node.createLocalUser('alice');
  const { channel } = await node.submit(user.id, { kind: 'createChannel', name: 'general' });
  for (let i = 0; i < messages; i += 1) {
    await node.submit(user.id, { kind: 'sendMessage', channel: channel!.id, text: `m${i}` });
  }
  return {
    node,
    user,
    channel: channel!.id,
    envelopes: node.entriesAfter(user.id as never, 0, 100),
  };
}

describe('log chain verification on append', () => {
  it('refuses a tampered entry and stores nothing of it', async () => {
    const { envelopes } = await sourceWithHistory(1);
    const target = await tempNode();
    const [first, second, third] = envelopes as [EntryEnvelope, EntryEnvelope, EntryEnvelope];
    const tx = third.entry.tx as Transaction;
    const tampered: EntryEnvelope = {
      ...third,
      entry: { ...third.entry, hlc: { ...third.entry.hlc, wall: third.entry.hlc.wall + 1 }, tx },
    };
    const result = await target.ingest([first, second, tampered]);
    expect(result.accepted).toBe(2);
    expect(result.rejected).toHaveLength(1);
    expect(result.rejected[0]!.reason).toMatch(/bad_signature/);
    expect(target.frontier().get(first.entry.author)).toBe(2);
  });

  it('holds an entry after a gap until the missing one arrives, then applies both in order', async () => {
    const { envelopes, channel } = await sourceWithHistory(2);
    const target = await tempNode();
    const [e1, e2, e3, e4] = envelopes as EntryEnvelope[];
    const first = await target.ingest([e1!, e2!, e4!]);
    expect(first).toMatchObject({ accepted: 2, pending: 1 });
    expect(target.listMessages(channel)).toHaveLength(0);
    const second = await target.ingest([e3!]);
    expect(second.accepted).toBe(2);
    expect(target.listMessages(channel).map((m) => m.text)).toEqual(['m0', 'm1']);
  });

  it('reports a fork: a second, different entry at a seq already stored', async () => {
    const pair = generateKeyPair();
    const profile = {
      kind: 'userProfile' as const,
      data: { userId: pair.address as never, username: 'x', publicKey: pair.address },
    };
    const tx = (username: string): Transaction => ({
      intent: 'updateProfile',
      actor: pair.address as never,
      consumes: [],
      creates: [{ ...profile, data: { ...profile.data, username } }],
      deps: [],
    });
    const a = createEntry(pair, { seq: 1, prev: null, hlc: { wall: 1, counter: 0 }, tx: tx('x') });
    const b = createEntry(pair, { seq: 1, prev: null, hlc: { wall: 1, counter: 0 }, tx: tx('y') });
    const target = await tempNode();
    expect((await target.ingest([{ entry: a.entry, contents: new Map() }])).accepted).toBe(1);
    const forked = await target.ingest([{ entry: b.entry, contents: new Map() }]);
    expect(forked.rejected[0]!.reason).toMatch(/fork/);
    expect(target.getUser(pair.address as never)?.username).toBe('x');
    expect(() => verifyRun([b], undefined, () => undefined, 'each')).not.toThrow();
    expect(() => verifyRun([b], { seq: 1, id: a.id }, () => a.id, 'each')).toThrow(ForkError);
  });

  it('verifyRun names gaps, broken links and bad signatures', async () => {
    const pair = generateKeyPair();
    const tx: Transaction = {
      intent: 'updateProfile',
      actor: pair.address as never,
      consumes: [],
      creates: [],
      deps: [],
    };
    const e1 = createEntry(pair, { seq: 1, prev: null, hlc: { wall: 1, counter: 0 }, tx });
    const e2 = createEntry(pair, { seq: 2, prev: e1.id, hlc: { wall: 2, counter: 0 }, tx });
    const e3 = createEntry(pair, { seq: 3, prev: e2.id, hlc: { wall: 3, counter: 0 }, tx });
    expect(() => verifyRun([e1, e2, e3], undefined, () => undefined, 'newest')).not.toThrow();
    expect(() => verifyRun([e1, e3], undefined, () => undefined, 'newest')).toThrow(GapError);
    const evil = seal({ ...e2.entry, hlc: { wall: 9, counter: 0 } } as LogEntry);
    expect(() => verifyRun([e1, evil, e3], undefined, () => undefined, 'newest')).toThrow(
      ChainError,
    );
    expect(() => verifyRun([e1, evil], undefined, () => undefined, 'each')).toThrow(SignatureError);
  });

  it('round-trips an envelope through the wire codec, content included', async () => {
    const { envelopes } = await sourceWithHistory(1);
    const last = envelopes[envelopes.length - 1]!;
    const decoded = decodeEnvelope(encodeEnvelope(last));
    expect(seal(decoded.entry).id).toBe(seal(last.entry).id);
    expect([...decoded.contents.values()].map((b) => Buffer.from(b).toString('hex'))).toEqual(
      [...last.contents.values()].map((b) => Buffer.from(b).toString('hex')),
    );
  });
});

describe('log chain verification on load', () => {
  it('refuses to open a store whose entry was edited on disk', async () => {
    const dir = tempDir();
    const node = await createNode({ dataDir: dir, sweepIntervalMs: 0 });
    const { user } = await node.createLocalUser('alice');
    await node.submit(user.id, { kind: 'createChannel', name: 'general' });
    await node.stop();
    const reopened = await createNode({ dataDir: dir, sweepIntervalMs: 0 });
    expect(reopened.listChannels()).toHaveLength(1);
    await reopened.stop();
    const db = new Database(join(dir, 'multichat.db'));
    const row = db.prepare('SELECT id, body FROM entries ORDER BY seq DESC LIMIT 1').get() as {
      id: string;
      body: Buffer;
    };
    const body = Buffer.from(row.body);
    body[body.length - 3] = (body[body.length - 3] ?? 0) ^ 0xff;
    db.prepare('UPDATE entries SET body = ? WHERE id = ?').run(body, row.id);
    db.close();
    await expect(createNode({ dataDir: dir, sweepIntervalMs: 0 })).rejects.toBeInstanceOf(
      ChainError,
    );
  });

  it('copies a whole history to a fresh node that verifies it', async () => {
    const { node, channel } = await sourceWithHistory(5);
    const target = await tempNode();
    const result = await target.ingest(allEnvelopes(node));
    expect(result.rejected).toEqual([]);
    expect(target.listMessages(channel).map((m) => m.text)).toEqual(
      node.listMessages(channel).map((m) => m.text),
    );
  });
});

describe('resource ids of received entries', () => {
  it('hashing resources from the signed bytes gives the same ids as encoding them', async () => {
    const { envelopes } = await sourceWithHistory(2);
    for (const envelope of envelopes) {
      const original = envelope.entry.tx.creates.map((r) => hashOf(r));
      const received = unseal(seal(envelope.entry).bytes).entry.tx.creates.map((r) =>
        resourceIdOf(r),
      );
      expect(received).toEqual(original);
    }
  });
});

describe('content a relay held back', () => {
  it('is filled in when the same entry arrives again with its content', async () => {
    const { envelopes, channel } = await sourceWithHistory(1);
    const target = await tempNode();
    const stripped = envelopes.map((e) => ({ entry: e.entry, contents: new Map() }));
    expect((await target.ingest(stripped)).accepted).toBe(envelopes.length);
    expect(target.listMessages(channel).map((m) => m.text)).toEqual([null]);
    const again = await target.ingest(envelopes);
    expect(again.duplicates).toBe(envelopes.length);
    expect(target.listMessages(channel).map((m) => m.text)).toEqual(['m0']);
  });
});

describe('schema migrations 2 and 3', () => {
  it('backfill the log heads and the authors per channel of a store made before them', async () => {
    const dir = tempDir();
    const node = await createNode({ dataDir: dir, sweepIntervalMs: 0 });
    const { user } = await node.createLocalUser('alice');
    const { channel } = await node.submit(user.id, { kind: 'createChannel', name: 'general' });
    await node.stop();
    const db = new Database(join(dir, 'multichat.db'));
    // Back to the schema of migration 1: no log_heads, no channel_authors, the old index.
    db.exec('DROP TABLE log_heads');
    db.exec('DROP TABLE channel_authors');
    db.exec('CREATE INDEX entries_channel ON entries (channel, hlc_wall, hlc_counter, id)');
    db.pragma('user_version = 1');
    db.close();
    const reopened = await createNode({ dataDir: dir, sweepIntervalMs: 0 });
    expect(reopened.frontier().get(user.id as never)).toBe(2);
    expect([...reopened.frontier([channel!.id]).keys()]).toEqual([user.id]);
    expect(reopened.channelHeads(channel!.id)).toHaveLength(1);
    await reopened.submit(user.id, { kind: 'createChannel', name: 'second' });
    expect(reopened.frontier().get(user.id as never)).toBe(3);
    await reopened.stop();
  });
});

describe('stored entry form', () => {
  it('reads back exactly what it writes, and refuses any other encoding of the same entry', async () => {
    const { envelopes } = await sourceWithHistory(1);
    for (const envelope of envelopes) {
      const sealed = seal(envelope.entry);
      const sig = envelope.entry.sig!;
      expect(Buffer.from(sealed.bytes).toString('hex')).toBe(
        Buffer.from(encode({ s: sig, u: sealed.signed })).toString('hex'),
      );
      expect(unseal(sealed.bytes).id).toBe(sealed.id);
      // The same map with a non-minimal length header, with keys swapped, or with a trailer.
      const u = sealed.signed;
      const longHeader = new Uint8Array([
        0xa2,
        0x61,
        0x73,
        0x58,
        0x40,
        ...sig,
        0x61,
        0x75,
        0x5a,
        0,
        0,
        (u.length >> 8) & 0xff,
        u.length & 0xff,
        ...u,
      ]);
      expect(() => unseal(longHeader)).toThrow(ChainError);
      const uField = encode(u);
      const swapped = new Uint8Array([0xa2, 0x61, 0x75, ...uField, 0x61, 0x73, 0x58, 0x40, ...sig]);
      expect(() => unseal(swapped)).toThrow(ChainError);
      expect(() => unseal(new Uint8Array([...sealed.bytes, 0]))).toThrow(ChainError);
    }
  });
});
