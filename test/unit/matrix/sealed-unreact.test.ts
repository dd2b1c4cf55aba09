import { describe, expect, it } from 'vitest';
import type { MatrixApi } from '../../../src/bridges/matrix/api.js';
import type { Ghosts } from '../../../src/bridges/matrix/ghosts.js';
import type { MediaUploader } from '../../../src/bridges/matrix/media.js';
import { Outbound } from '../../../src/bridges/matrix/outbound.js';
import { SealedReactions } from '../../../src/bridges/matrix/sealed-reactions.js';
import type { ExternalMessageId, ReactionAction, TargetKey } from '../../../src/bridges/types.js';

const BOT = '@multichat:x';
const silent = { debug() {}, info() {}, warn() {}, error() {} };

/** An Outbound whose homeserver records the calls; `sealed`: every room is encrypted. */
function world(sealed: boolean) {
  const sent: Array<{ type: string; content: Record<string, unknown>; as: string }> = [];
  const redacted: Array<{ id: string; as: string | undefined }> = [];
  let asked = 0;
  const api = {
    sendEvent: (
      _room: string,
      type: string,
      content: Record<string, unknown>,
      _t: string,
      as: string,
    ) => {
      sent.push({ type, content, as });
      return Promise.resolve(`$ev${sent.length}`);
    },
    redact: (_room: string, id: string, _txn: string, as?: string) => {
      redacted.push({ id, as });
      return Promise.resolve();
    },
    reactions: () => {
      asked++;
      return Promise.resolve([{ event_id: '$ev1', sender: '@_mc_ann:x', key: '👍' }]);
    },
  } as unknown as MatrixApi;
  const outbound = new Outbound({
    api,
    ghosts: { ensure: () => Promise.resolve('@_mc_ann:x') } as unknown as Ghosts,
    media: {} as MediaUploader,
    botUserId: BOT,
    roomOf: () => Promise.resolve('!room:x'),
    encryption: {
      mustEncrypt: () => Promise.resolve(sealed),
      encrypt: (_room, type, content) => Promise.resolve({ sealedType: type, sealed: content }),
    },
    sealedReactions: new SealedReactions(undefined, silent),
  });
  return { outbound, sent, redacted, asked: () => asked };
}

const action = (kind: 'react' | 'unreact', key: string): ReactionAction => ({
  kind,
  target: { room: '!room:x' },
  targetKey: 'matrix:!room:x' as TargetKey,
  idempotencyKey: key,
  sender: { name: 'ann' } as ReactionAction['sender'],
  externalId: '$msg' as ExternalMessageId,
  emoji: '👍',
});

describe('Matrix reaction removal in an encrypted room', () => {
  it('redacts the encrypted reaction the bot sent, without asking the annotations', async () => {
    const w = world(true);
    await w.outbound.react(action('react', 'k1'));
    expect(w.sent).toEqual([
      {
        type: 'm.room.encrypted',
        content: expect.objectContaining({ sealedType: 'm.reaction' }) as unknown,
        as: BOT,
      },
    ]);
    await w.outbound.react(action('unreact', 'k2'));
    expect(w.redacted).toEqual([{ id: '$ev1', as: BOT }]);
    expect(w.asked()).toBe(0);
    // Already removed: a second removal redacts nothing.
    await w.outbound.react(action('unreact', 'k3'));
    expect(w.redacted).toHaveLength(1);
  });

  it('still finds the ghost’s reaction among the annotations in a plain room', async () => {
    const w = world(false);
    await w.outbound.react(action('react', 'k1'));
    await w.outbound.react(action('unreact', 'k2'));
    expect(w.asked()).toBe(1);
    expect(w.redacted).toEqual([{ id: '$ev1', as: '@_mc_ann:x' }]);
  });
});
