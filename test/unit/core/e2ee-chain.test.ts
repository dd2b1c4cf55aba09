/**
 * The chain and the box on their own: the ratchet is HKDF-Expand-SHA256 (checked against
 * node's hkdf with the same pseudorandom key), a reader gives the same message key for an index
 * whatever order it is asked in, a ciphertext opens only under its own identifiers, and a box
 * opens only with its recipient's key and context.
 */
import { createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { boxKeyFromSeed, openBox, sealBox, shareContext } from '../../../src/core/e2ee/box.js';
import {
  ChainReader,
  openContent,
  ratchet,
  readSealed,
  sealContent,
} from '../../../src/core/e2ee/chain.js';
import { CiphertextTamperedError, KeyShareOpenError } from '../../../src/core/e2ee/errors.js';

describe('sender chain', () => {
  it('is HKDF-Expand with the chain key as PRK', () => {
    const k = randomBytes(32);
    // node's hkdf = expand(PRK = HMAC(salt, ikm)): our step from that PRK must give its bytes.
    const salt = randomBytes(32);
    const ikm = randomBytes(32);
    const prk = createHmac('sha256', salt).update(ikm).digest();
    const viaNode = Buffer.from(hkdfSync('sha256', ikm, salt, 'multichat/e2ee/1 chain', 64));
    const step = ratchet(prk);
    expect(Buffer.concat([step.messageKey, step.next])).toEqual(viaNode);
    expect(ratchet(k).messageKey).not.toEqual(ratchet(k).next);
  });

  it('gives the same key for an index in any order of reading', () => {
    const first = randomBytes(32);
    let key: Buffer = first;
    const keys: Buffer[] = [];
    for (let i = 0; i < 300; i += 1) {
      const step = ratchet(key);
      keys.push(step.messageKey);
      key = step.next;
    }
    const reader = new ChainReader(first);
    for (const i of [5, 299, 0, 64, 63, 200, 128, 1, 299, 150]) {
      expect(reader.messageKey(i)).toEqual(keys[i]);
    }
  });

  it('opens a ciphertext only under its own identifiers', () => {
    const key = ratchet(randomBytes(32)).messageKey;
    const ids = { channel: 'c1', sender: 'u1', chain: 'k1', index: 7 };
    const sealed = sealContent(Buffer.from('hello'), key, ids);
    const blob = readSealed(sealed)!;
    expect(Buffer.from(openContent(blob, key, ids)).toString()).toBe('hello');
    for (const other of [
      { ...ids, channel: 'c2' },
      { ...ids, sender: 'u2' },
      { ...ids, chain: 'k2' },
      { ...ids, index: 8 },
    ]) {
      expect(() => openContent(blob, key, other)).toThrow(CiphertextTamperedError);
    }
  });

  it('a box opens with its recipient key and context only', () => {
    const bob = boxKeyFromSeed(randomBytes(32));
    const eve = boxKeyFromSeed(randomBytes(32));
    const secret = randomBytes(32);
    const context = shareContext('c1', 'u1', 'k1');
    const box = sealBox(secret, bob.publicKey, context);
    expect(Buffer.from(openBox(box, bob, context))).toEqual(secret);
    expect(() => openBox(box, eve, context)).toThrow(KeyShareOpenError);
    expect(() => openBox(box, bob, shareContext('c1', 'u1', 'k2'))).toThrow(KeyShareOpenError);
    // The same seed gives the same box key (a restart finds it again).
    const seed = randomBytes(32);
    expect(boxKeyFromSeed(seed).publicKey).toBe(boxKeyFromSeed(seed).publicKey);
  });
});
