/**
 * Encrypted events in Matrix history (live backfill, import): decrypted when the bridge has the
 * key, otherwise counted by the true reason — never the "encryption is off" warning while it is on.
 */
import { describe, expect, it } from 'vitest';
import {
  MatrixBackfill,
  UNDECRYPTED_WHY,
  type MatrixBackfillDeps,
  type UndecryptedReason,
} from '../../../src/bridges/matrix/backfill.js';
import type { RawEvent } from '../../../src/bridges/matrix/host.js';
import type { InboundEvent } from '../../../src/bridges/types.js';

const ROOM = '!r:localhost';

const sealed = (id: string, ts: number): RawEvent => ({
  type: 'm.room.encrypted',
  event_id: id,
  sender: '@alice:localhost',
  origin_server_ts: ts,
  content: { algorithm: 'm.megolm.v1.aes-sha2', ciphertext: 'AwgA…', session_id: id },
});

/** History of three encrypted events (newest first, as `dir=b` answers) and one plain text. */
const HISTORY: RawEvent[] = [
  sealed('$c', 4),
  {
    type: 'm.room.message',
    event_id: '$plain',
    sender: '@alice:localhost',
    origin_server_ts: 3,
    content: { msgtype: 'm.text', body: 'in clear' },
  },
  sealed('$b', 2),
  sealed('$a', 1),
];

function backfill(extra: Partial<MatrixBackfillDeps>) {
  const translated: RawEvent[] = [];
  const missed: Array<[UndecryptedReason, number]> = [];
  const deps: MatrixBackfillDeps = {
    api: {
      request: async () => ({ chunk: HISTORY, end: undefined }),
    } as unknown as MatrixBackfillDeps['api'],
    roomOf: async () => ROOM,
    // The translator's own rules are tested elsewhere: here, what reaches it.
    translator: (emit) =>
      ({
        event: async (e: RawEvent) => {
          translated.push(e);
          emit({ kind: 'message' } as unknown as InboundEvent);
        },
      }) as never,
    undecrypted: (_room, reason, count) => missed.push([reason, count]),
    ...extra,
  };
  return { history: new MatrixBackfill(deps), translated, missed };
}

describe('Matrix backfill of encrypted events', () => {
  it('decrypts the events whose key is known and counts the others as "no key"', async () => {
    const { history, translated, missed } = backfill({
      decrypt: async (e) =>
        e['event_id'] === '$b'
          ? 'no-key'
          : {
              ...e,
              type: 'm.room.message',
              content: { msgtype: 'm.text', body: `clear ${String(e['event_id'])}` },
            },
    });
    const page = await history.page({ room: ROOM } as never, undefined, 10);
    expect(translated.map((e) => [e.type, (e['content'] as { body: string }).body])).toEqual([
      ['m.room.message', 'clear $a'],
      ['m.room.message', 'in clear'],
      ['m.room.message', 'clear $c'],
    ]);
    expect(page.events).toHaveLength(3);
    expect(page.times).toEqual([1, 3, 4]);
    expect(missed).toEqual([['no-key', 1]]);
    expect(UNDECRYPTED_WHY['no-key']).not.toContain('encryption is off');
  });

  it('says "room not in encryption.allow" for a room the config does not cover', async () => {
    const { history, translated, missed } = backfill({ decrypt: async () => 'not-allowed' });
    await history.page({ room: ROOM } as never, undefined, 10);
    expect(translated.map((e) => e['event_id'])).toEqual(['$plain']);
    expect(missed).toEqual([['not-allowed', 3]]);
  });

  it('says "encryption is off" only when it is, and "no store" for the import', async () => {
    const off = backfill({});
    await off.history.page({ room: ROOM } as never, undefined, 10);
    expect(off.missed).toEqual([['encryption-off', 3]]);
    expect(UNDECRYPTED_WHY['encryption-off']).toContain('encryption is off');
    const imported = backfill({ withoutDecrypt: 'no-store' });
    await imported.history.page({ room: ROOM } as never, undefined, 10);
    expect(imported.missed).toEqual([['no-store', 3]]);
    expect(imported.translated.map((e) => e['event_id'])).toEqual(['$plain']);
  });
});
