/**
 * What a member's node refuses in an encrypted channel, and that it then stores nothing of the
 * entry: a ciphertext that does not open (its sender signed tampered bytes, so the content hash
 * matches), a key share whose box names the member's key but was sealed to another key, and a
 * share with no box for this node at all (a typed error from the share API).
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { MultichatNode } from '../../../src/core/index.js';
import { decodeCanonical, encodeCanonical, hashBytes } from '../../../src/core/encoding.js';
import { boxKeyFromSeed, sealBox, shareContext } from '../../../src/core/e2ee/box.js';
import type { E2ee, Sealed } from '../../../src/core/e2ee/e2ee.js';
import { KeyShareRecipientError } from '../../../src/core/e2ee/errors.js';
import type { ChannelId, ContentHash, EntryEnvelope, UserId } from '../../../src/core/types.js';
import { tempNode } from '../../support/core.js';

const e2eeOf = (node: MultichatNode) => (node as unknown as { e2ee: E2ee }).e2ee;

async function sync(from: MultichatNode, to: MultichatNode) {
  const have = to.frontier();
  const envelopes: EntryEnvelope[] = [...from.frontier()].flatMap(([author]) =>
    from.entriesAfter(author, have.get(author) ?? 0, 1_000_000),
  );
  return (await to.ingest(envelopes)).rejected;
}

async function world() {
  const a = await tempNode();
  const b = await tempNode();
  const relay = await tempNode();
  const alice = (await a.createLocalUser('alice')).user.id;
  const bob = (await b.createLocalUser('bob')).user.id;
  const ch = (await a.submit(alice, { kind: 'createChannel', name: 's', encrypted: true })).channel!
    .id as ChannelId;
  await sync(a, b);
  await b.submit(bob, { kind: 'joinChannel', channel: ch });
  await sync(b, a);
  await a.submit(alice, { kind: 'sendMessage', channel: ch, text: 'fine' });
  expect(await sync(a, b)).toEqual([]);
  return { a, b, relay, alice, bob, ch };
}

describe('encrypted channel refusals', () => {
  it('a tampered ciphertext signed by its sender is refused by a member, nothing stored', async () => {
    const { a, b, relay, alice, ch } = await world();
    const e2ee = e2eeOf(a);
    const honest = e2ee.seal.bind(e2ee);
    // A sender whose node flips a ciphertext byte before hashing: the hash matches the bytes.
    e2ee.seal = (channel: ChannelId, sender: UserId, plain: Uint8Array): Sealed => {
      const sealed = honest(channel, sender, plain);
      const blob = decodeCanonical<{ x: Uint8Array }>(sealed.bytes);
      const x = new Uint8Array(blob.x);
      x[0]! ^= 0x01;
      const bytes = encodeCanonical({ ...blob, x });
      return { ...sealed, bytes, hash: hashBytes(bytes) as ContentHash };
    };
    const bad = await a.submit(alice, { kind: 'sendMessage', channel: ch, text: 'tampered' });
    const rejected = await sync(a, b);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.reason).toMatch(/e2ee\.ciphertext/);
    expect(rejected[0]!.reason).toMatch(/CiphertextTamperedError/);
    expect(b.getMessage(bad.created as never)).toBeUndefined();
    expect(b.listMessages(ch).map((m) => m.text)).toEqual(['fine']);
    // A relay cannot tell: it stores the entry and shows no text.
    expect(await sync(a, relay)).toEqual([]);
    expect(relay.listMessages(ch).map((m) => m.text)).toEqual([null, null]);
  });

  it('a share box naming the member but sealed to another key is refused, nothing stored', async () => {
    const { a, b, alice, bob, ch } = await world();
    const e2ee = e2eeOf(a);
    const bobKey = e2eeOf(b).boxKeyOf(bob)!;
    const stranger = boxKeyFromSeed(randomBytes(32)).publicKey;
    const honest = e2ee.share.bind(e2ee);
    e2ee.share = (channel, sender, chain, chainKey, keys) =>
      honest(channel, sender, chain, chainKey, keys).map((r) => ({
        ...r,
        data: {
          ...r.data,
          boxes: r.data.boxes.map((box) =>
            box.to === bobKey
              ? { ...sealBox(chainKey, stranger, shareContext(channel, sender, chain)), to: bobKey }
              : box,
          ),
        },
      }));
    // A membership change makes alice start a new chain, shared through the forged boxes.
    const carolNode = await tempNode();
    const carol = (await carolNode.createLocalUser('carol')).user.id;
    await sync(a, carolNode);
    await carolNode.submit(carol, { kind: 'joinChannel', channel: ch });
    await sync(carolNode, a);
    const bad = await a.submit(alice, { kind: 'sendMessage', channel: ch, text: 'forged share' });
    const rejected = await sync(a, b);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.reason).toMatch(/e2ee\.share/);
    expect(rejected[0]!.reason).toMatch(/KeyShareOpenError/);
    expect(b.getMessage(bad.created as never)).toBeUndefined();
    expect(b.listMessages(ch).map((m) => m.text)).toEqual(['fine']);
    // carol's box was honest: she reads it.
    expect(await sync(a, carolNode)).toEqual([]);
    expect(carolNode.listMessages(ch).map((m) => m.text)).toEqual([null, 'forged share']);
  });

  it('a share with no box for this node is KeyShareRecipientError', async () => {
    const { a, b, alice, ch } = await world();
    const other = boxKeyFromSeed(randomBytes(32)).publicKey;
    const shares = e2eeOf(a).share(ch, alice, 'c'.repeat(22), randomBytes(32), [other]);
    expect(() => e2eeOf(b).openShare(shares.map((s) => s.data))).toThrow(KeyShareRecipientError);
  });
});
