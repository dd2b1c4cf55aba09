/**
 * Files between peers (issue 17): a node fetches a blob it lacks from a connected peer over
 * `/multichat/blob/1.0.0`, byte for byte; a private channel's blob goes only to a peer that
 * proved membership; unknown blobs are not found; a busy or stalled server answers within its
 * bounds; a peer sending wrong bytes is scored down and the next peer serves the blob.
 */
import { randomBytes } from 'node:crypto';
import { multiaddr } from '@multiformats/multiaddr';
import { afterEach, describe, expect, it } from 'vitest';
import { BLOB_PROTOCOL } from '../../../src/core/p2p/blob-messages.js';
import { encodeFrame, FrameReader, writeFrame } from '../../../src/core/p2p/codec.js';
import type { P2POptions } from '../../../src/core/p2p/types.js';
import type { BlobHash, ChannelId } from '../../../src/core/types.js';
import type { Libp2p } from 'libp2p';
import { BlobProbe, startSlowReaderHost } from './blob-probe.js';
import { waitFor } from './harness.js';
import { WireInjector } from './injector.js';
import { MemoryBlobs, readAll, sha256, withBlobs } from './memory-blobs.js';
import { startRealNode } from './real-nodes.js';

const injectors: WireInjector[] = [];
const hosts: Libp2p[] = [];
afterEach(async () => {
  for (const i of injectors.splice(0)) await i.stop();
  for (const h of hosts.splice(0)) await h.stop();
});

async function slowReader(): Promise<Libp2p> {
  const host = await startSlowReaderHost();
  hosts.push(host);
  return host;
}

async function injector(): Promise<WireInjector> {
  const i = await WireInjector.start();
  injectors.push(i);
  return i;
}

async function blobNode(p2p: Partial<P2POptions> = {}) {
  const blobs = new MemoryBlobs();
  const r = await startRealNode({ p2p, p2pNode: (node) => withBlobs(node, blobs) });
  return { ...r, blobs };
}

/** Node a with alice and a public channel "lobby". */
async function publicHolder(p2p: Partial<P2POptions> = {}) {
  const a = await blobNode(p2p);
  const alice = (await a.node.createLocalUser('alice')).user;
  const lobby = (await a.node.submit(alice.id, { kind: 'createChannel', name: 'lobby' })).channel!
    .id;
  return { a, alice, lobby };
}

const bytesOf = (n: number) => new Uint8Array(randomBytes(n));

describe('blob protocol', () => {
  it('a peer fetches a public channel’s blob it lacks, identical bytes, and stores it', async () => {
    const { a, lobby } = await publicHolder();
    const b = await blobNode();
    const bytes = bytesOf(300_000);
    const hash = a.blobs.hold(bytes, [lobby]);
    await b.p2p.dial(a.p2p.addresses()[0]!);

    expect(b.blobs.has(hash)).toBe(false);
    const got = await readAll(await b.blobs.fetch(hash));
    expect(got?.byteLength).toBe(bytes.byteLength);
    expect(sha256(got!)).toBe(hash);
    expect(b.blobs.has(hash)).toBe(true);
    // Nobody holds this one: the fetch ends with nothing rather than waiting.
    expect(await b.blobs.fetch(sha256(bytesOf(10)))).toBeUndefined();
  });

  it('answers not-found for a blob it lacks or that no live message references', async () => {
    const { a } = await publicHolder();
    const stranger = await injector();
    await stranger.host.dial(multiaddr(a.p2p.addresses()[0]!));
    const orphan = a.blobs.hold(bytesOf(1000), []);
    const probe = await BlobProbe.open(stranger.host, a.p2p.peerId());
    expect(await probe.ask({ t: 'blob', hash: sha256(bytesOf(10)) })).toEqual({
      t: 'blob',
      status: 'not-found',
    });
    expect(await probe.ask({ t: 'blob', hash: orphan })).toEqual({
      t: 'blob',
      status: 'not-found',
    });
    probe.abort();
  });

  it('refuses a private channel’s blob to a non-member peer and serves a member’s node', async () => {
    const a = await blobNode();
    const b = await blobNode();
    const c = await blobNode();
    const alice = (await a.node.createLocalUser('alice')).user;
    const bob = (await b.node.createLocalUser('bob')).user;
    const carol = (await c.node.createLocalUser('carol')).user;
    const lobby = (await a.node.submit(alice.id, { kind: 'createChannel', name: 'lobby' })).channel!
      .id;
    for (const [r, user] of [
      [b, bob],
      [c, carol],
    ] as const) {
      await r.p2p.dial(a.p2p.addresses()[0]!);
      await r.p2p.fetchChannel(lobby);
      await r.node.submit(user.id, { kind: 'joinChannel', channel: lobby });
    }
    await a.p2p.syncNow();
    await waitFor('a knows bob and carol', () => a.node.listMembers(lobby).length === 3);
    const vault = (
      await a.node.submit(alice.id, {
        kind: 'createChannel',
        name: 'vault',
        visibility: 'private',
      })
    ).channel!.id;
    await a.node.submit(alice.id, {
      kind: 'setRole',
      channel: vault,
      user: bob.id,
      role: 'member',
    });
    await b.p2p.syncNow();
    await c.p2p.syncNow();
    await waitFor('b knows bob is a member', () => b.node.memberKeys().length === 1);
    const bytes = bytesOf(200_000);
    const hash = a.blobs.hold(bytes, [vault as ChannelId]);

    // A bare peer that proves nothing: refused, not "not found".
    const stranger = await injector();
    await stranger.host.dial(multiaddr(a.p2p.addresses()[0]!));
    const probe = await BlobProbe.open(stranger.host, a.p2p.peerId());
    expect(await probe.ask({ t: 'blob', hash })).toEqual({ t: 'blob', status: 'refused' });
    probe.abort();

    // c hosts carol, who is no member: nothing, and a refusal is no fault of a's.
    expect(await c.blobs.fetch(hash)).toBeUndefined();
    expect(c.blobs.has(hash)).toBe(false);
    expect(c.p2p.status().refused[a.p2p.peerId()]).toBeUndefined();

    // b hosts bob, a member: its node proves it and gets the bytes.
    const got = await readAll(await b.blobs.fetch(hash));
    expect(sha256(got!)).toBe(hash);
    expect(Buffer.from(bytes).equals(got!)).toBe(true);
  });

  it('answers busy past the per-peer bound, and serves again once the stream ends', async () => {
    const { a, lobby } = await publicHolder({ blobStreamsPerPeer: 1 });
    const hash = a.blobs.hold(bytesOf(8 << 20), [lobby]);
    const reader = await slowReader();
    await reader.dial(multiaddr(a.p2p.addresses()[0]!));

    const first = await BlobProbe.open(reader, a.p2p.peerId());
    expect(await first.ask({ t: 'blob', hash })).toEqual({
      t: 'blob',
      status: 'ok',
      size: 8 << 20,
    });
    first.pause();
    const second = await BlobProbe.open(reader, a.p2p.peerId());
    expect(await second.ask({ t: 'blob', hash })).toEqual({ t: 'blob', status: 'busy' });
    first.abort();
    // The server learns of the reset a moment later; until then it may still answer busy.
    const answer = await (async () => {
      for (;;) {
        const got = await second.ask({ t: 'blob', hash });
        if (got.status === 'ok') return got;
        expect(got.status).toBe('busy');
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    expect(sha256(await second.body(answer.size!))).toBe(hash);
  });

  it('aborts a stream whose reader stalls, freeing its slot', async () => {
    const { a, lobby } = await publicHolder({ blobStreamsPerPeer: 1, blobStallMs: 300 });
    const hash = a.blobs.hold(bytesOf(8 << 20), [lobby]);
    const reader = await slowReader();
    await reader.dial(multiaddr(a.p2p.addresses()[0]!));
    const slow = await BlobProbe.open(reader, a.p2p.peerId());
    expect((await slow.ask({ t: 'blob', hash })).status).toBe('ok');
    slow.pause();
    await waitFor('the server resets the stalled stream', () => slow.stream.status !== 'open');
    const next = await BlobProbe.open(reader, a.p2p.peerId());
    const answer = await next.ask({ t: 'blob', hash });
    expect(answer.status).toBe('ok');
    expect(sha256(await next.body(answer.size!))).toBe(hash);
  });

  it('a peer sending wrong bytes is scored down and the next peer serves the blob', async () => {
    const { a, lobby } = await publicHolder();
    const b = await blobNode();
    const bytes = bytesOf(100_000);
    const hash: BlobHash = a.blobs.hold(bytes, [lobby]);
    const evil = await injector();
    let asked = 0;
    await evil.host.handle(BLOB_PROTOCOL, (stream) => {
      void (async () => {
        const reader = new FrameReader(stream);
        await reader.expect();
        asked += 1;
        const wrong = bytesOf(100_000);
        await writeFrame(stream, { t: 'blob', status: 'ok', size: wrong.byteLength });
        for (let at = 0; at < wrong.byteLength; at += 50_000) {
          stream.send(encodeFrame(wrong.subarray(at, at + 50_000)));
        }
        await stream.close();
      })().catch(() => stream.abort(new Error('hostile blob server ended')));
    });
    // Connected first, so asked first.
    await b.p2p.dial(evil.host.getMultiaddrs()[0]!.toString());
    await b.p2p.dial(a.p2p.addresses()[0]!);
    await waitFor('b connected to both', () => b.p2p.peers().length === 2);

    const got = await readAll(await b.blobs.fetch(hash));
    expect(asked).toBe(1);
    expect(sha256(got!)).toBe(hash);
    expect(b.p2p.status().refused[evil.host.peerId.toString()]).toBeGreaterThanOrEqual(0.9);
    expect(b.p2p.status().refused[a.p2p.peerId()]).toBeUndefined();
  });
});
