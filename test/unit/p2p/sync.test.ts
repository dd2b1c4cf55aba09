import { afterEach, describe, expect, it } from 'vitest';
import { generateKeyPair } from '../../../src/core/identity.js';
import { connect, startPeer, waitFor, type TestPeer } from './harness.js';

const started: TestPeer[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((p) => p.p2p.stop()));
});

async function peer(...args: Parameters<typeof startPeer>): Promise<TestPeer> {
  const p = await startPeer(...args);
  started.push(p);
  return p;
}

describe('sync protocol between two in-process hosts', () => {
  it('an empty node receives a multi-author backlog completely, in bounded batches, with nothing left pending', async () => {
    const a = await peer({ batchEntries: 64 });
    const authors = [a.node.key, generateKeyPair(), generateKeyPair()];
    for (let i = 0; i < 1500; i += 1) a.node.append(i % 2 ? 'c1' : 'c2', undefined, authors[i % 3]);
    const b = await peer();
    await connect(b, a);
    await b.p2p.fetchChannel('c1');
    await b.p2p.syncNow();
    expect(b.node.ids()).toEqual(a.node.ids());
    expect(b.node.metrics().pending).toBe(0);
    // 1500 entries in batches of at most 64: at least 24 ingest calls, and the receiver never
    // held more than one batch back waiting for dependencies.
    expect(b.node.ingestCalls).toBeGreaterThanOrEqual(Math.ceil(1500 / 64));
    expect(b.node.maxHeld).toBeLessThanOrEqual(64);
    expect(b.p2p.syncState().entriesReceived).toBe(1500);
  });

  it('a node that already has a prefix receives only what it missed', async () => {
    const a = await peer();
    for (let i = 0; i < 50; i += 1) a.node.append('c1');
    const b = await peer();
    await connect(b, a);
    await b.p2p.fetchChannel('c1');
    for (let i = 0; i < 30; i += 1) a.node.append('c1');
    const before = b.node.ingestCalls;
    await b.p2p.syncNow();
    expect(b.node.ids()).toEqual(a.node.ids());
    expect(b.p2p.syncState().entriesReceived).toBe(80);
    expect(b.node.ingestCalls - before).toBe(1);
  });

  it('syncs the channels it follows on connect without being asked', async () => {
    const a = await peer();
    for (let i = 0; i < 20; i += 1) a.node.append('c1');
    const b = await peer();
    await connect(b, a);
    await b.p2p.fetchChannel('c1');
    await b.p2p.stop();
    for (let i = 0; i < 15; i += 1) a.node.append('c1');
    const b2 = await peer({}, b.node);
    await connect(b2, a);
    await waitFor('catch-up on connect', () => b2.node.ids().length === 35);
    expect(b2.node.ids()).toEqual(a.node.ids());
  });

  it('a node that follows nothing receives nothing', async () => {
    const a = await peer();
    for (let i = 0; i < 5; i += 1) a.node.append('c1');
    const b = await peer();
    await connect(b, a);
    await b.p2p.syncNow();
    expect(b.node.ids()).toEqual([]);
  });

  it('fetchChannel brings a channel the node has never seen', async () => {
    const a = await peer();
    for (let i = 0; i < 10; i += 1) a.node.append('c-remote');
    const b = await peer();
    await connect(b, a);
    await b.p2p.fetchChannel('c-remote');
    expect(b.node.getChannel('c-remote' as never)).toBeDefined();
    await expect(b.p2p.fetchChannel('c-nowhere')).rejects.toThrow(
      /no connected peer knows channel c-nowhere/,
    );
  });

  it('fetches missing dependencies by id instead of dropping the waiting entries', async () => {
    const a = await peer();
    const x = generateKeyPair();
    // y's entries in c2 depend on x's entries in c1; b follows only c2.
    for (let i = 0; i < 5; i += 1) a.node.append('c1', undefined, x);
    const y = generateKeyPair();
    a.node.append('c2', a.node.headsOf('c1'), y);
    const b = await peer();
    await connect(b, a);
    await b.p2p.fetchChannel('c2');
    expect(b.node.metrics().pending).toBe(0);
    expect(b.node.ids()).toEqual(a.node.ids());
  });
});
