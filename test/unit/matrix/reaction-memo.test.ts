import { describe, expect, it } from 'vitest';
import { InboundTranslator } from '../../../src/bridges/matrix/inbound.js';
import type { Profiles } from '../../../src/bridges/matrix/profiles.js';
import { MemoMap } from '../../../src/bridges/memo/index.js';
import type { AdapterMemos, InboundEvent } from '../../../src/bridges/types.js';

const silent = { debug() {}, info() {}, warn() {}, error() {} };

function memoStore(): AdapterMemos {
  const rows = new Map<string, string>();
  return {
    get: (kind, key) => Promise.resolve(rows.get(`${kind}/${key}`)),
    set: (kind, key, value) => Promise.resolve(void rows.set(`${kind}/${key}`, value)),
    delete: (kind, key) => Promise.resolve(rows.delete(`${kind}/${key}`)),
  };
}

/** A translator as the session builds it (one per adapter start), emitting into `out`. */
function translator(memos: AdapterMemos | undefined, out: InboundEvent[]): InboundTranslator {
  return new InboundTranslator({
    naming: { userPrefix: '_mc_', domain: 'x' } as never,
    homeserverUrl: 'http://127.0.0.1:1',
    botUserId: '@multichat:x',
    profiles: { sender: (id: string) => Promise.resolve({ id, name: id }) } as unknown as Profiles,
    emit: (event) => out.push(event),
    openMedia: () => Promise.reject(new Error('no media')),
    fileNotCarried: () => undefined,
    role: () => undefined,
    ghostLeft: () => undefined,
    warn: () => undefined,
    reactions: new MemoMap('matrix', 'reaction', memos, silent),
  });
}

const reaction = {
  type: 'm.reaction',
  room_id: '!r:x',
  sender: '@alice:x',
  event_id: '$react',
  content: { 'm.relates_to': { rel_type: 'm.annotation', event_id: '$msg', key: '👍' } },
};
const redaction = {
  type: 'm.room.redaction',
  room_id: '!r:x',
  sender: '@alice:x',
  event_id: '$redaction',
  redacts: '$react',
  content: {},
};

describe('Matrix reaction redaction (the reaction remembered in the memos)', () => {
  it('is a removal of the reaction even after a restart, when the redacted key is unreadable', async () => {
    const memos = memoStore();
    const out: InboundEvent[] = [];
    await translator(memos, out).event(reaction);
    await translator(memos, out).event(redaction);
    expect(out.map((e) => [e.kind, 'added' in e ? e.added : undefined])).toEqual([
      ['reaction', true],
      ['reaction', false],
    ]);
    expect(out[1]).toMatchObject({ externalId: '$msg', emoji: '👍', sender: { id: '@alice:x' } });
  });

  it('without memos a restart forgets it: the redaction is a delete of that event id', async () => {
    const out: InboundEvent[] = [];
    await translator(undefined, out).event(reaction);
    await translator(undefined, out).event(redaction);
    expect(out[1]).toMatchObject({ kind: 'delete', externalId: '$react' });
  });
});
