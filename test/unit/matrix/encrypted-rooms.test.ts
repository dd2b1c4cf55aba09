/**
 * Which rooms the Matrix bridge encrypts for: a room with `m.room.encryption` state is encrypted
 * for good; "plain" is asked again after ten minutes, and a room's `m.room.encryption` event
 * makes it encrypted at once (no message goes out in clear after it). `allow` lists room ids
 * and aliases (resolved through the directory).
 */
import { describe, expect, it } from 'vitest';
import { MatrixHttpError, type MatrixApi } from '../../../src/bridges/matrix/api.js';
import { EncryptedRooms } from '../../../src/bridges/matrix/crypto/rooms.js';

function fakeApi(state: Set<string>, aliases: Record<string, string> = {}) {
  const calls: string[] = [];
  const api = {
    async request(_method: string, path: string): Promise<Record<string, unknown>> {
      calls.push(path);
      const room = decodeURIComponent(path.split('/')[5] ?? '');
      if (path.includes('/directory/room/')) {
        const id = aliases[decodeURIComponent(path.split('/').pop() ?? '')];
        if (!id) throw new MatrixHttpError(404, 'M_NOT_FOUND', 'no alias');
        return { room_id: id };
      }
      if (state.has(room)) return { algorithm: 'm.megolm.v1.aes-sha2' };
      throw new MatrixHttpError(404, 'M_NOT_FOUND', 'no state');
    },
  } as unknown as MatrixApi;
  return { api, calls };
}

describe('EncryptedRooms', () => {
  it('asks the room state, remembers encrypted for good and plain for ten minutes', async () => {
    let now = 0;
    const state = new Set(['!enc:x']);
    const { api, calls } = fakeApi(state);
    const rooms = new EncryptedRooms(api, 'all', () => now);
    expect(await rooms.isEncrypted('!enc:x')).toBe(true);
    expect(await rooms.isEncrypted('!plain:x')).toBe(false);
    expect(await rooms.isEncrypted('!enc:x')).toBe(true);
    expect(await rooms.isEncrypted('!plain:x')).toBe(false);
    expect(calls).toHaveLength(2);
    state.add('!plain:x');
    now = 10 * 60_000;
    expect(await rooms.isEncrypted('!plain:x')).toBe(true);
  });

  it('knows a room is encrypted from its m.room.encryption event, without asking', async () => {
    const { api, calls } = fakeApi(new Set());
    const rooms = new EncryptedRooms(api, 'all', () => 0);
    expect(await rooms.isEncrypted('!r:x')).toBe(false);
    rooms.learn('!r:x', 'm.room.encryption');
    expect(await rooms.isEncrypted('!r:x')).toBe(true);
    expect(calls).toHaveLength(1);
  });

  it('allows the rooms listed by id or alias, and no other', async () => {
    const { api } = fakeApi(new Set(), { '#ok:x': '!aliased:x' });
    const rooms = new EncryptedRooms(api, ['!listed:x', '#ok:x', '#gone:x']);
    expect(await rooms.allowed('!listed:x')).toBe(true);
    expect(await rooms.allowed('!aliased:x')).toBe(true);
    expect(await rooms.allowed('!other:x')).toBe(false);
    expect(await new EncryptedRooms(api, 'all').allowed('!other:x')).toBe(true);
  });
});
