/**
 * Encrypted channels over real nodes on loopback (issue 19): alice's node and bob's node reach
 * each other only through a relay node that follows the channel but hosts no member. Both members
 * read a random marker; no file of the relay's data directory (SQLite database and WAL) holds it,
 * while the relay does hold the ciphertext it carried.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ChannelId, MultichatNode } from '../../../src/core/types.js';
import { eventually } from '../../support/eventually.js';
import { waitFor } from '../p2p/harness.js';
import { startRealNode, type RunningNode } from '../p2p/real-nodes.js';

const texts = (node: MultichatNode, channel: ChannelId) =>
  node.listMessages(channel, { limit: 500 }).map((m) => m.text);

/** Every byte of a node's data directory (database, WAL, blob files; not the key file). */
function stored(r: RunningNode): Buffer {
  return Buffer.concat(
    readdirSync(r.dir, { recursive: true, withFileTypes: true })
      .filter((f) => f.isFile() && !f.name.endsWith('.key'))
      .map((f) => readFileSync(join(f.parentPath, f.name))),
  );
}

describe('encrypted channel through a relay', () => {
  it('members read the marker; the relay stores only ciphertext', async () => {
    const a = await startRealNode();
    const relay = await startRealNode();
    const b = await startRealNode();
    const alice = (await a.node.createLocalUser('alice')).user;
    const bob = (await b.node.createLocalUser('bob')).user;
    const ch = (
      await a.node.submit(alice.id, { kind: 'createChannel', name: 'sealed', encrypted: true })
    ).channel!.id;
    // a — relay — b: the members' nodes never connect to each other.
    await relay.p2p.dial(a.p2p.addresses()[0]!);
    await b.p2p.dial(relay.p2p.addresses()[0]!);
    await relay.p2p.fetchChannel(ch);
    await b.p2p.fetchChannel(ch);
    await waitFor('b knows the channel', () => b.node.getChannel(ch) !== undefined);
    // These nodes run no periodic sync (syncIntervalMs 0), and an entry gossiped before the
    // mesh is grafted is never sent again: each wait below runs a sync round (relay first) when
    // gossip has not carried it yet, as the periodic sync would in a running gateway.
    const arrived = (what: string, check: () => boolean) =>
      eventually(
        async () => {
          if (check()) return true;
          for (const node of [relay, a, b]) await node.p2p.syncNow();
          return check();
        },
        { what, timeoutMs: 30_000, intervalMs: 200 },
      );
    await b.node.submit(bob.id, { kind: 'joinChannel', channel: ch });
    await arrived('a sees bob join', () => a.node.roleOf(ch, bob.id) === 'member');

    const marker = `MARK-${randomBytes(12).toString('hex')}`;
    const reply = `REPLY-${randomBytes(12).toString('hex')}`;
    await a.node.submit(alice.id, { kind: 'sendMessage', channel: ch, text: marker });
    await arrived('bob reads the marker', () => texts(b.node, ch).includes(marker));
    await b.node.submit(bob.id, { kind: 'sendMessage', channel: ch, text: reply });
    await arrived('alice reads the reply', () => texts(a.node, ch).includes(reply));
    await arrived('the relay holds both messages', () => texts(relay.node, ch).length === 2);

    expect(texts(a.node, ch)).toEqual([marker, reply]);
    expect(texts(b.node, ch)).toEqual([marker, reply]);
    expect(texts(relay.node, ch)).toEqual([null, null]);
    expect(relay.node.canRead(ch)).toBe(false);
    // The relay carried the sealed content (it serves it on): the envelopes it holds have it.
    const carried = relay.node
      .getEntries(relay.node.listMessages(ch).map((m) => m.entry))
      .flatMap((e) => [...e.contents.values()]);
    expect(carried).toHaveLength(2);
    const bytes = stored(relay);
    expect(bytes.includes(Buffer.from(marker))).toBe(false);
    expect(bytes.includes(Buffer.from(reply))).toBe(false);
    // The members' own stores hold no plaintext either: content is kept sealed and opened on read.
    expect(stored(a).includes(Buffer.from(marker))).toBe(false);
    expect(stored(b).includes(Buffer.from(reply))).toBe(false);
  });
});
