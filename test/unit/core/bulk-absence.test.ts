/**
 * Issue 24: what a bulk run (catch-up) decides about messages and contents it writes, pinned for
 * any change to how it looks them up (one query per run was tried, and measured slower than one
 * indexed look-up per message). A message created twice is refused whether the first copy is
 * stored in an earlier commit or earlier in the same run, and content named by several messages
 * (or already stored) is kept once and read by each of them.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type {
  ChannelId,
  ContentHash,
  EntryEnvelope,
  EntryId,
  UserId,
} from '../../../src/core/index.js';
import { encodeCanonical, hashBytes } from '../../../src/core/encoding.js';
import { generateKeyPair } from '../../../src/core/identity.js';
import { createEntry, type SealedEntry } from '../../../src/core/log.js';
import type { Resource, Transaction } from '../../../src/core/types.js';
import { tempDir, tempNode } from '../../support/core.js';

/** A peer's log written by hand, so that it can repeat a resource or share a content blob. */
class HandLog {
  readonly pair = generateKeyPair();
  readonly user = this.pair.address as string as UserId;
  readonly envelopes: EntryEnvelope[] = [];
  readonly ids: EntryId[] = [];
  private last: SealedEntry | undefined;

  constructor(readonly channel: ChannelId) {
    const profile: Resource = {
      kind: 'userProfile',
      data: { userId: this.user, username: 'dana', publicKey: this.pair.address },
    };
    const access: Resource = {
      kind: 'channelAccess',
      data: { channel, user: this.user, role: 'member', grantedBy: this.user },
    };
    this.append({ intent: 'updateProfile', consumes: [], creates: [profile] });
    this.append({ intent: 'joinChannel', consumes: [], creates: [access], channel });
  }

  append(tx: Omit<Transaction, 'actor' | 'deps'>, contents = new Map<ContentHash, Uint8Array>()) {
    const seq = this.envelopes.length + 1;
    this.last = createEntry(this.pair, {
      seq,
      prev: this.last?.id ?? null,
      hlc: { wall: Date.now(), counter: seq },
      tx: { ...tx, actor: this.user, deps: [] },
    });
    this.envelopes.push({ entry: this.last.entry, contents });
    this.ids.push(this.last.id);
  }

  /** A message resource with its content: `salt` decides the content's bytes (and hash). */
  message(text: string, salt: number, nonce: string) {
    const bytes = encodeCanonical({ n: new Uint8Array(16).fill(salt), t: text });
    const hash = hashBytes(bytes) as ContentHash;
    const resource: Resource = {
      kind: 'message',
      data: {
        channel: this.channel,
        sender: this.user,
        contentHash: hash,
        contentLength: Buffer.byteLength(text),
        format: 'markdown',
        createdAt: Date.now(),
        nonce,
      },
    };
    return { resource, contents: new Map([[hash, bytes]]) };
  }

  send(message: ReturnType<HandLog['message']>) {
    const { resource, contents } = message;
    this.append(
      { intent: 'sendMessage', consumes: [], creates: [resource], channel: this.channel },
      contents,
    );
  }
}

async function world() {
  const dataDir = tempDir();
  const node = await tempNode({ dataDir });
  const admin = (await node.createLocalUser('admin')).user.id;
  const { channel } = await node.submit(admin, { kind: 'createChannel', name: 'general' });
  return { node, dataDir, channel: channel!.id };
}

/** Rows of the content table per hash, read from the node's database file. */
function contentRows(dataDir: string): Map<string, number> {
  const db = new Database(join(dataDir, 'multichat.db'), { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare('SELECT hash, COUNT(*) AS n FROM content GROUP BY hash').all();
    return new Map((rows as { hash: string; n: number }[]).map((r) => [r.hash, r.n]));
  } finally {
    db.close();
  }
}

describe('bulk runs: messages created again, and content shared or already stored', () => {
  it('refuses a message created again later in the same run, and stops that log there', async () => {
    const { node, channel } = await world();
    const peer = new HandLog(channel);
    const repeated = peer.message('said twice', 1, 'n-repeat');
    for (let i = 0; i < 20; i += 1) {
      peer.send(i === 4 || i === 17 ? repeated : peer.message(`m${i}`, 100 + i, `n${i}`));
    }
    const result = await node.ingest(peer.envelopes, { bulk: true });
    await node.commitWrites();
    // Profile, join, then m0..m16 with the first copy at 4: the second copy (20th entry) stops it.
    expect(result.applied).toHaveLength(2 + 17);
    expect(result.rejected.map((r) => r.reason.split(':')[0])).toEqual(['resource.exists']);
    expect(result.rejected[0]!.entry).toBe(peer.ids[2 + 17]);
    const texts = node.listMessages(channel, { limit: 100 }).map((m) => m.text);
    expect(texts.filter((t) => t === 'said twice')).toHaveLength(1);
    expect(texts).toHaveLength(17);
  });

  it('refuses a message stored by an earlier commit when a later run creates it again', async () => {
    const { node, channel } = await world();
    const peer = new HandLog(channel);
    const first = peer.message('already here', 2, 'n-first');
    peer.send(first);
    expect((await node.ingest(peer.envelopes, { bulk: true })).rejected).toEqual([]);
    await node.commitWrites();
    const before = peer.envelopes.length;
    for (let i = 0; i < 20; i += 1)
      peer.send(i === 10 ? first : peer.message(`r${i}`, 50 + i, `r${i}`));
    const result = await node.ingest(peer.envelopes.slice(before), { bulk: true });
    await node.commitWrites();
    expect(result.applied).toHaveLength(10);
    expect(result.rejected.map((r) => r.reason.split(':')[0])).toEqual(['resource.exists']);
    expect(result.rejected[0]!.entry).toBe(peer.ids[before + 10]);
    expect(node.listMessages(channel, { limit: 100 })).toHaveLength(11);
  });

  it('stores content shared by messages of one run, or already stored, once; each reads it', async () => {
    const { node, dataDir, channel } = await world();
    const peer = new HandLog(channel);
    // Same salt and text: the same content bytes, under different messages (nonces differ).
    peer.send(peer.message('shared text', 7, 'before'));
    expect((await node.ingest(peer.envelopes, { bulk: true })).rejected).toEqual([]);
    await node.commitWrites();
    const before = peer.envelopes.length;
    // 'shared text' is stored already; 'new shared' is first stored by this run.
    const text = (i: number) => (i % 8 === 3 ? 'shared text' : i % 8 === 5 ? 'new shared' : '');
    for (let i = 0; i < 24; i += 1) {
      const shared = text(i);
      peer.send(
        peer.message(shared || `u${i}`, shared === 'new shared' ? 8 : shared ? 7 : 9, `s${i}`),
      );
    }
    const result = await node.ingest(peer.envelopes.slice(before), { bulk: true });
    await node.commitWrites();
    expect(result.rejected).toEqual([]);
    expect(result.applied).toHaveLength(24);
    const texts = node.listMessages(channel, { limit: 100 }).map((m) => m.text);
    expect(texts).toHaveLength(25);
    expect(texts.filter((t) => t === 'shared text')).toHaveLength(4);
    expect(texts.filter((t) => t === 'new shared')).toHaveLength(3);
    const hashOf = (text: string, salt: number) =>
      (peer.message(text, salt, 'x').resource.data as { contentHash: string }).contentHash;
    const rows = contentRows(dataDir);
    expect(rows.get(hashOf('shared text', 7))).toBe(1);
    expect(rows.get(hashOf('new shared', 8))).toBe(1);
    expect([...rows.values()].every((n) => n === 1)).toBe(true);
    // Two shared blobs and the 18 messages of their own text.
    expect(rows.size).toBe(2 + 18);
  });
});
