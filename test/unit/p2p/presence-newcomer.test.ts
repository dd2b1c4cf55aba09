/**
 * A presence set just after a peer connects reaches that peer without waiting for a renewal.
 * The clock is frozen, so no renewal with new signed bytes ever happens: only the publish and
 * the re-announce to the newcomer can carry it. Gossipsub drops a re-published message whose id
 * it has seen, and a presence message's id is the hash of its bytes, so each publish carries a
 * fresh nonce beside the signed announcement (docs/protocol.md, "Wire").
 */
import { describe, expect, it } from 'vitest';
import { decodeSignedPresence, encodeSignedPresence } from '../../../src/core/wire.js';
import { waitFor } from './harness.js';
import { startRealNode } from './real-nodes.js';

describe('presence to a newly connected peer', () => {
  it('arrives with the clock frozen (no renewal), set right after the connection', async () => {
    const frozen = Date.now();
    const clock = () => frozen;
    const options = { node: { sweepIntervalMs: 100, presenceTtlMs: 60_000, clock } };
    const a = await startRealNode(options);
    const b = await startRealNode(options);
    const alice = (await a.node.createLocalUser('alice')).user;
    await b.p2p.dial(a.p2p.addresses()[0]!);
    await a.node.submit(alice.id, { kind: 'setPresence', status: 'away', text: 'lunch' });
    const onB = () => b.node.listPresence().find((p) => p.user === alice.id);
    await waitFor('presence on b', () => onB() !== undefined);
    expect(onB()).toMatchObject({ status: 'away', text: 'lunch' });
  });

  it('keeps the signed announcement intact whatever nonce the bytes carry', () => {
    const signed = {
      author: 'mc1author' as never,
      presence: { user: 'u1' as never, status: 'online' as const, expiresAt: 5 },
      sig: new Uint8Array([1, 2, 3]),
    };
    const one = encodeSignedPresence(signed, new Uint8Array([1]));
    const two = encodeSignedPresence(signed, new Uint8Array([2]));
    expect(Buffer.from(one).equals(Buffer.from(two))).toBe(false);
    expect(decodeSignedPresence(one)).toEqual(signed);
    expect(decodeSignedPresence(two)).toEqual(signed);
    expect(decodeSignedPresence(encodeSignedPresence(signed))).toEqual(signed);
  });
});
