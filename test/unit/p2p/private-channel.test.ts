/**
 * Private channels over the wire (issue 15, DESIGN §10): a peer that has not proved it hosts a
 * member gets none of a private channel's text, whether it asks by channel, by author, by id or
 * listens to gossip; two nodes that host members still converge on the full text; forged,
 * misdirected and replayed proofs are refused.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { multiaddr } from '@multiformats/multiaddr';
import { afterEach, describe, expect, it } from 'vitest';
import { generateKeyPair, sign } from '../../../src/core/identity.js';
import { membershipChallengeBytes } from '../../../src/core/p2p/membership.js';
import type { ChannelId, MembershipProof, MultichatNode, UserId } from '../../../src/core/types.js';
import { waitFor } from './harness.js';
import { WireInjector } from './injector.js';
import { startRealNode, type RunningNode } from './real-nodes.js';
import { SyncProbe } from './sync-probe.js';

const SECRET = 'the vault code is 4711-SECRET';
const LATER = 'second SECRET: meet at noon';
const REPLY = 'bob answers in SECRET';
const PUBLIC = 'hello lobby, PUBLIC text';

const injectors: WireInjector[] = [];
afterEach(async () => {
  for (const i of injectors.splice(0)) await i.stop();
});

async function injector(): Promise<WireInjector> {
  const i = await WireInjector.start();
  injectors.push(i);
  return i;
}

const texts = (node: MultichatNode, channel: ChannelId) =>
  node.listMessages(channel, { limit: 500 }).map((m) => m.text);

/** Every byte of a node's data directory (database, WAL, blob files; not the keys). */
function stored(r: RunningNode): Buffer {
  return Buffer.concat(
    readdirSync(r.dir, { recursive: true, withFileTypes: true })
      .filter((f) => f.isFile() && !f.name.endsWith('.key'))
      .map((f) => readFileSync(join(f.parentPath, f.name))),
  );
}

const has = (bytes: Buffer, text: string) => bytes.includes(Buffer.from(text));

/**
 * Node a hosts alice, b hosts bob, c hosts carol. All three share the public channel "lobby"
 * (so each replicates the others' logs); alice creates the private channel "vault", posts in
 * it, and invites bob. Carol is not invited.
 */
async function network() {
  const a = await startRealNode();
  const b = await startRealNode();
  const c = await startRealNode();
  const alice = (await a.node.createLocalUser('alice')).user;
  const bob = (await b.node.createLocalUser('bob')).user;
  const carol = (await c.node.createLocalUser('carol')).user;
  const lobby = (await a.node.submit(alice.id, { kind: 'createChannel', name: 'lobby' })).channel!
    .id;
  await a.node.submit(alice.id, { kind: 'sendMessage', channel: lobby, text: PUBLIC });
  for (const [r, user] of [
    [b, bob],
    [c, carol],
  ] as const) {
    await r.p2p.dial(a.p2p.addresses()[0]!);
    await r.p2p.fetchChannel(lobby);
    await r.node.submit(user.id, { kind: 'joinChannel', channel: lobby });
  }
  await c.p2p.dial(b.p2p.addresses()[0]!);
  await a.p2p.syncNow();
  await waitFor('a knows bob and carol', () => a.node.listMembers(lobby).length === 3);
  const vault = (
    await a.node.submit(alice.id, {
      kind: 'createChannel',
      name: 'vault',
      visibility: 'private',
    })
  ).channel!.id;
  await a.node.submit(alice.id, { kind: 'sendMessage', channel: vault, text: SECRET });
  await a.node.submit(alice.id, { kind: 'setRole', channel: vault, user: bob.id, role: 'member' });
  return { a, b, c, alice, bob, carol, lobby, vault };
}

function bobsProof(
  b: RunningNode,
  nonce: Uint8Array,
  server: string,
  client: string,
): MembershipProof[] {
  return b.node.signMembershipChallenge({ nonce, server, client });
}

describe('private channels over the wire', () => {
  it('a non-member peer asking for a private channel gets nothing of it, and no text at all', async () => {
    const { a, vault, alice } = await network();
    const stranger = await injector();
    await stranger.host.dial(multiaddr(a.p2p.addresses()[0]!));

    // By channel, as WireInjector.fetch asks: nothing at all.
    expect(await stranger.fetch(a.p2p.peerId(), vault)).toEqual([]);
    const probe = await SyncProbe.open(stranger.host, a.p2p.peerId());
    const byChannel = await probe.request({
      t: 'want',
      channels: [vault],
      frontier: [],
      credit: 8,
    });
    expect(byChannel).toEqual([{ t: 'done', sent: 0 }]);

    // Everything, and alice's whole log: the entries come (her chain must stay whole), the
    // private text does not; the public text does, so the capture is not empty by accident.
    await probe.request({ t: 'want', frontier: [], credit: 8 });
    await probe.request({ t: 'want', authors: [alice.id], frontier: [], credit: 8 });
    const secretEntry = a.node.listMessages(vault)[0]!.entry;
    const got = await probe.request({ t: 'get', ids: [secretEntry] });
    expect((got[0]!.entries as unknown[]).length).toBe(1);
    await probe.close();
    expect(has(probe.received(), PUBLIC)).toBe(true);
    expect(has(probe.received(), SECRET)).toBe(false);
  });

  it('two member nodes converge on the full text; a third node connected to both gets none', async () => {
    const { a, b, c, alice, bob, vault } = await network();
    // b learns of its invitation from alice's log, then proves bob's membership for the text.
    await b.p2p.syncNow();
    await waitFor('the invitation and the text on b', () => texts(b.node, vault)[0] === SECRET);
    await c.p2p.syncNow();
    await new Promise((r) => setTimeout(r, 1200)); // a heartbeat grafts the vault's mesh
    // Live: gossip carries no text; the member node fetches it before it stores the entry.
    await a.node.submit(alice.id, { kind: 'sendMessage', channel: vault, text: LATER });
    await waitFor('the later message on b', () => texts(b.node, vault).length === 2);
    expect(texts(b.node, vault)).toEqual([SECRET, LATER]);
    await b.node.submit(bob.id, { kind: 'sendMessage', channel: vault, text: REPLY });
    await waitFor('bob’s reply on a', () => texts(a.node, vault).length === 3);
    expect(texts(a.node, vault)).toEqual([SECRET, LATER, REPLY]);
    expect(texts(b.node, vault)).toEqual(texts(a.node, vault));

    // c replicates alice's and bob's logs (the lobby), so it holds the vault's entries, but
    // no text, in its views or anywhere on its disk.
    await c.p2p.syncNow();
    await waitFor('the vault entries on c', () => texts(c.node, vault).length === 3);
    expect(texts(c.node, vault)).toEqual([null, null, null]);
    await c.node.stop();
    for (const text of [SECRET, LATER, REPLY]) expect(has(stored(c), text)).toBe(false);
    expect(has(stored(c), PUBLIC)).toBe(true);
  });

  it('a relay node whose user is invited later gets the text it held without', async () => {
    const { a, c, alice, carol, vault } = await network();
    await c.p2p.syncNow();
    await waitFor('the vault entries on c', () => texts(c.node, vault).length === 1);
    expect(texts(c.node, vault)).toEqual([null]);
    await a.node.submit(alice.id, {
      kind: 'setRole',
      channel: vault,
      user: carol.id,
      role: 'member',
    });
    // The invitation arrives with alice's log; c then asks its peers for the missing text.
    await c.p2p.syncNow();
    await waitFor('the text on c', () => texts(c.node, vault)[0] === SECRET);
  });

  it('a burst of private messages reaches a member node with its text, without a sync', async () => {
    const { a, b, alice, vault } = await network();
    await b.p2p.syncNow();
    await waitFor('the invitation and the text on b', () => texts(b.node, vault)[0] === SECRET);
    await new Promise((r) => setTimeout(r, 1200)); // a heartbeat grafts the vault's mesh
    const syncs = b.p2p.syncState().completed;
    // One commit, so one gossip message, per post: each needs its content fetched.
    const sent = Array.from({ length: 40 }, (_, i) => `private burst ${i}`);
    for (const text of sent)
      await a.node.submit(alice.id, { kind: 'sendMessage', channel: vault, text });
    await waitFor('the burst on b', () => texts(b.node, vault).length === 41);
    expect(texts(b.node, vault)).toEqual([SECRET, ...sent]);
    expect(b.p2p.syncState().completed).toBe(syncs);
  });

  it('refuses a proof by the wrong key, by a non-member, for another peer, or replayed', async () => {
    const { a, b, c, vault } = await network();
    const stranger = await injector();
    await stranger.host.dial(multiaddr(a.p2p.addresses()[0]!));
    const server = a.p2p.peerId();
    const client = stranger.host.peerId.toString();
    const bobKey = b.node.memberKeys();
    expect(bobKey).toHaveLength(0); // b has not seen the invitation yet
    await b.p2p.syncNow();
    await waitFor('b knows bob is a member', () => b.node.memberKeys().length === 1);
    const [bobAddress] = b.node.memberKeys();

    const probe = await SyncProbe.open(stranger.host, server);
    const want = { t: 'want', channels: [vault], frontier: [], credit: 8 };
    const challenge = async () =>
      ((await probe.request({ t: 'challenge' }))[0]!.nonce as Uint8Array) ?? new Uint8Array();
    const prove = async (proofs: MembershipProof[]) =>
      (await probe.request({ t: 'prove', proofs }))[0] as { keys: string[]; refused: string[] };

    // Bob's address with a signature by another key.
    let nonce = await challenge();
    const impostor = generateKeyPair();
    const wrongKey = sign(impostor, membershipChallengeBytes({ nonce, server, client }));
    let verdict = await prove([{ key: bobAddress!, sig: wrongKey }]);
    expect(verdict.keys).toEqual([]);
    expect(verdict.refused[0]).toMatch(/signature does not match/);
    // A key that signs correctly but belongs to nobody in the vault.
    nonce = await challenge();
    verdict = await prove([
      {
        key: impostor.address,
        sig: sign(impostor, membershipChallengeBytes({ nonce, server, client })),
      },
    ]);
    expect(verdict.refused[0]).toMatch(/no member of a private channel/);
    // Bob's real signature, but made for a stream with another server (c).
    nonce = await challenge();
    verdict = await prove(bobsProof(b, nonce, c.p2p.peerId(), client));
    expect(verdict.keys).toEqual([]);
    expect(await probe.request(want)).toEqual([{ t: 'done', sent: 0 }]);
    expect(has(probe.received(), SECRET)).toBe(false);

    // Bob's real answer to this very challenge opens the vault (the gate can open)…
    nonce = await challenge();
    const answer = bobsProof(b, nonce, server, client);
    expect((await prove(answer)).keys).toEqual([bobAddress]);
    // …and the same answer again finds no challenge outstanding.
    verdict = await prove(answer);
    expect(verdict.refused[0]).toMatch(/no challenge is outstanding/);
    await probe.close();

    // Replayed on a new stream, against a fresh challenge: refused, and nothing of the vault.
    const again = await SyncProbe.open(stranger.host, server);
    const fresh = (await again.request({ t: 'challenge' }))[0]!.nonce as Uint8Array;
    expect(fresh).not.toEqual(nonce);
    const replay = (await again.request({ t: 'prove', proofs: answer }))[0] as {
      keys: string[];
    };
    expect(replay.keys).toEqual([]);
    expect(await again.request(want)).toEqual([{ t: 'done', sent: 0 }]);
    await again.close();
    expect(has(again.received(), SECRET)).toBe(false);
  });

  it('a proven member stream receives the text; a banned member no longer does', async () => {
    const { a, b, alice, bob, vault } = await network();
    await b.p2p.syncNow();
    await waitFor('b knows bob is a member', () => b.node.memberKeys().length === 1);
    const stranger = await injector();
    await stranger.host.dial(multiaddr(a.p2p.addresses()[0]!));
    const server = a.p2p.peerId();
    const client = stranger.host.peerId.toString();
    const read = async () => {
      const probe = await SyncProbe.open(stranger.host, server);
      const nonce = (await probe.request({ t: 'challenge' }))[0]!.nonce as Uint8Array;
      const proven = (
        await probe.request({ t: 'prove', proofs: bobsProof(b, nonce, server, client) })
      )[0];
      await probe.request({ t: 'want', channels: [vault], frontier: [], credit: 8 });
      await probe.close();
      return { keys: (proven as { keys: string[] }).keys, bytes: probe.received() };
    };
    const member = await read();
    expect(member.keys).toHaveLength(1);
    expect(has(member.bytes, SECRET)).toBe(true);

    await a.node.submit(alice.id, {
      kind: 'setRole',
      channel: vault,
      user: bob.id as UserId,
      role: 'banned',
    });
    const banned = await read();
    expect(banned.keys).toEqual([]);
    expect(has(banned.bytes, SECRET)).toBe(false);
  });
});
