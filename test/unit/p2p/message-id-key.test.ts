/**
 * Gossipsub files seen and cached messages under `messageIdKey(id)`: two different ids must
 * never share a key (a peer's IHAVE could otherwise pass for a message this node has seen),
 * whatever bytes a peer sends.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { messageIdKey } from '../../../src/core/p2p/host.js';

describe('gossip message id keys', () => {
  it('are one character per byte, and distinct ids give distinct keys', () => {
    const keys = new Map<string, string>();
    for (let i = 0; i < 5_000; i += 1) {
      const id = randomBytes(1 + (i % 80));
      const key = messageIdKey(id);
      expect(key.length).toBe(id.length);
      const hex = id.toString('hex');
      expect(keys.get(key) ?? hex).toBe(hex);
      keys.set(key, hex);
    }
    // Bytes that are not UTF-8 (a UTF-8 decode would fold both to U+FFFD) stay apart.
    expect(messageIdKey(Uint8Array.of(0xff))).not.toBe(messageIdKey(Uint8Array.of(0xfe)));
  });

  it('reads a view of a larger buffer by its own bytes only', () => {
    const whole = Uint8Array.from([1, 2, 3, 4, 5]);
    expect(messageIdKey(whole.subarray(1, 3))).toBe(messageIdKey(Uint8Array.of(2, 3)));
  });
});
