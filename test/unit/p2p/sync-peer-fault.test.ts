/**
 * A hostile sync server (issue 15): a peer that answers a sync request with an entry whose clock
 * is malformed or far in the future is scored down, like a peer that gossips one, and nothing it
 * sent is stored.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FrameReader, writeFrame } from '../../../src/core/p2p/codec.js';
import { SYNC_PROTOCOL } from '../../../src/core/p2p/sync-messages.js';
import type { EntryEnvelope } from '../../../src/core/types.js';
import { encodeEnvelope } from '../../../src/core/wire.js';
import { HostileAuthor, WireInjector } from './injector.js';
import { startRealNode } from './real-nodes.js';

const injectors: WireInjector[] = [];
afterEach(async () => {
  for (const i of injectors.splice(0)) await i.stop();
});

/** Answers every `want` with one batch holding `envelopes`, then `done`. */
async function serveOnly(evil: WireInjector, envelopes: EntryEnvelope[]): Promise<void> {
  await evil.host.handle(SYNC_PROTOCOL, (stream) => {
    void (async () => {
      const reader = new FrameReader(stream);
      for (;;) {
        const frame = (await reader.next()) as { t?: string } | undefined;
        if (frame === undefined) break;
        if (frame.t !== 'want') continue;
        await writeFrame(stream, { t: 'batch', entries: envelopes.map((e) => encodeEnvelope(e)) });
        await writeFrame(stream, { t: 'done', sent: envelopes.length });
      }
      await stream.close();
    })().catch(() => stream.abort(new Error('hostile server ended')));
  });
}

describe('a sync server that sends invalid entries', () => {
  it.each([
    ['a clock that is not a number', { wall: 'x', counter: 0 }],
    ['a clock two days ahead', { wall: Date.now() + 2 * 86_400_000, counter: 0 }],
  ])('is scored down for %s, and nothing it sent is stored', async (_what, hlc) => {
    const victim = await startRealNode();
    const mallory = new HostileAuthor();
    const poisoned = {
      entry: mallory.next({ intent: 'x', consumes: [], creates: [], deps: [] }, hlc).entry,
      contents: new Map(),
    };
    const evil = await WireInjector.start();
    injectors.push(evil);
    await serveOnly(evil, [poisoned]);
    const evilPeer = evil.host.peerId.toString();
    const entriesBefore = victim.node.metrics().entries;

    await victim.p2p.dial(evil.host.getMultiaddrs()[0]!.toString());
    await victim.p2p.syncNow();

    expect(victim.p2p.status().refused[evilPeer]).toBeGreaterThanOrEqual(0.9);
    expect(victim.node.metrics().entries).toBe(entriesBefore);
    expect(victim.node.frontier().has(mallory.pair.address)).toBe(false);
  });
});
