/**
 * The membership proof on its own: frame limits, which keys a server keeps, and the per-stream
 * gate (no challenge, one answer per nonce, membership read again per request).
 */
import { describe, expect, it, vi } from 'vitest';
import { generateKeyPair, sign } from '../../../src/core/identity.js';
import { ChannelVisibility } from '../../../src/core/p2p/channel-access.js';
import { MembershipProofError, SyncProtocolError } from '../../../src/core/p2p/errors.js';
import { checkProofs, membershipChallengeBytes } from '../../../src/core/p2p/membership.js';
import { StreamAccess } from '../../../src/core/p2p/stream-access.js';
import { parseAnswer, parseRequest } from '../../../src/core/p2p/sync-messages.js';
import type { Address, ChannelId, ChannelView } from '../../../src/core/types.js';

const peers = { server: 'server-peer', client: 'client-peer' };
const member = generateKeyPair();
const stranger = generateKeyPair();
const PUBLIC = 'pub' as ChannelId;
const VAULT = 'vault' as ChannelId;

function visibility(): ChannelVisibility {
  const view = (id: ChannelId, visibility: ChannelView['visibility']) =>
    ({ id, visibility }) as ChannelView;
  return new ChannelVisibility({
    getChannel: (id) =>
      id === PUBLIC ? view(id, 'public') : id === VAULT ? view(id, 'private') : undefined,
  });
}

describe('membership proof frames', () => {
  it('refuses more than 256 proofs, a proof without a byte signature, and a short nonce', () => {
    const proof = { key: member.address, sig: new Uint8Array(64) };
    expect(() => parseRequest({ t: 'prove', proofs: Array(257).fill(proof) })).toThrow(
      SyncProtocolError,
    );
    expect(() => parseRequest({ t: 'prove', proofs: [{ key: 'k', sig: 'x' }] })).toThrow(
      /at most 256 \{key, sig\}/,
    );
    expect(() => parseAnswer({ t: 'challenge', nonce: new Uint8Array(31) })).toThrow(
      /nonce of 32 bytes/,
    );
    expect(parseRequest({ t: 'prove', proofs: [proof] })).toEqual({ t: 'prove', proofs: [proof] });
  });
});

describe('checkProofs', () => {
  const nonce = new Uint8Array(32).fill(7);
  const bytes = membershipChallengeBytes({ nonce, ...peers });

  it('keeps a member key once, refuses a bad signature and a key that grants nothing', () => {
    const granting = vi.fn(
      (keys: readonly Address[]) => new Set(keys.filter((k) => k === member.address)),
    );
    const verdict = checkProofs(
      { nonce, ...peers },
      [
        { key: member.address, sig: sign(member, bytes) },
        { key: member.address, sig: sign(member, bytes) },
        { key: member.address, sig: sign(stranger, bytes) },
        { key: stranger.address, sig: sign(stranger, bytes) },
      ],
      granting,
    );
    expect(verdict.keys).toEqual([member.address]);
    expect(verdict.refused).toHaveLength(1);
    expect(verdict.refused[0]).toBeInstanceOf(MembershipProofError);
    expect(verdict.refused[0]).toMatchObject({
      reason: 'not_member',
      key: stranger.address,
      code: 'membership_proof_refused',
    });
    // Only keys whose signature held are looked up: a forged claim costs no membership scan.
    expect(granting).toHaveBeenCalledWith([member.address, stranger.address]);
  });

  it('refuses a signature made for another server, client or nonce', () => {
    for (const other of [
      { nonce, server: 'elsewhere', client: peers.client },
      { nonce, server: peers.server, client: 'someone-else' },
      { nonce: new Uint8Array(32), ...peers },
    ]) {
      const sig = sign(member, membershipChallengeBytes(other));
      const verdict = checkProofs(
        { nonce, ...peers },
        [{ key: member.address, sig }],
        (k) => new Set(k),
      );
      expect(verdict.keys).toEqual([]);
      expect(verdict.refused[0]).toMatchObject({ reason: 'signature', key: member.address });
      expect(verdict.refused[0]!.message).toMatch(/signature does not match/);
    }
  });
});

describe('StreamAccess', () => {
  it('opens a private channel only after an answered challenge, and closes it with membership', () => {
    let members = new Set<string>([member.address]);
    const node = {
      channelsReadableBy: (keys: ReadonlySet<Address>) =>
        new Set([...keys].some((k) => members.has(k)) ? [VAULT] : []),
    };
    const refusals: MembershipProofError[] = [];
    const access = new StreamAccess(node, visibility(), peers, (e) => refusals.push(...e));
    const before = access.gate();
    expect([
      before(PUBLIC),
      before(undefined),
      before(VAULT),
      before('unknown' as ChannelId),
    ]).toEqual([true, true, false, false]);
    const answer = (nonce: Uint8Array) => [
      { key: member.address, sig: sign(member, membershipChallengeBytes({ nonce, ...peers })) },
    ];
    expect(access.prove(answer(new Uint8Array(32))).refused).toEqual([
      'no challenge is outstanding: ask for one first',
    ]);
    const proofs = answer(access.challenge());
    expect(access.prove(proofs).keys).toEqual([member.address]);
    expect(access.gate()(VAULT)).toBe(true);
    expect(access.prove(proofs).refused[0]).toMatch(/no challenge is outstanding/);
    expect(refusals.map((e) => e.reason)).toEqual(['no_challenge', 'no_challenge']);
    members = new Set(); // removed or banned: the next request reads membership again
    expect(access.gate()(VAULT)).toBe(false);
  });
});
