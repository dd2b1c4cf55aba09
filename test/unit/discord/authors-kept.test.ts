/**
 * What the Discord adapter keeps per message so a delete (which names no author) is attributed:
 * at most 50,000 messages, and one sender object per person rather than a copy per message
 * (issue 23: the soak's heap snapshots showed the copies as most of each entry's bytes).
 */
import type {
  GatewayMessageCreateDispatchData,
  GatewayMessageDeleteDispatchData,
  GatewayMessageUpdateDispatchData,
} from 'discord.js';
import { describe, expect, it } from 'vitest';
import { Inbound, type InboundDeps } from '../../../src/bridges/discord/inbound.js';
import { OwnDeletes } from '../../../src/bridges/discord/own-deletes.js';
import type { ExternalSender, InboundEvent } from '../../../src/bridges/types.js';

const KEPT = 50_000;

function setup() {
  const emitted: InboundEvent[] = [];
  const drops: string[] = [];
  const deps = {
    emit: (event: InboundEvent) => {
      emitted.push(event);
      return Promise.resolve();
    },
    webhooks: { isOurs: () => Promise.resolve(false) },
    config: { cdnUrl: 'http://127.0.0.1:1' },
    cache: {
      botId: () => '999',
      parentOf: () => undefined,
      isThreadTarget: () => false,
      user: () => undefined,
      role: () => undefined,
      channel: () => undefined,
    },
    logger: { debug() {}, info() {}, warn() {}, error() {} },
    media: { fetcher: {}, cdnUrl: 'http://127.0.0.1:1' },
    ownDeletes: new OwnDeletes(),
    reportDrop: (kind: string, _reason?: string, detail?: string) =>
      void drops.push(`${kind} ${detail}`),
  } as unknown as InboundDeps;
  const inbound = new Inbound(deps);
  /** The sender the delete of message `id` names (undefined when the adapter forgot it). */
  const deleteSender = (id: string): ExternalSender | undefined => {
    inbound.messageDelete({ id, channel_id: '42' } as GatewayMessageDeleteDispatchData);
    const event = emitted.at(-1);
    if (event?.kind !== 'delete') throw new Error('no delete emitted');
    return event.sender;
  };
  const inside = inbound as unknown as {
    authors: Map<string, ExternalSender>;
    files: Map<string, string>;
  };
  const kept = (): Map<string, ExternalSender> => inside.authors;
  const files = (): Map<string, string> => inside.files;
  return { inbound, emitted, drops, deleteSender, kept, files };
}

function message(id: number, author: object, extra: object = {}): GatewayMessageCreateDispatchData {
  return {
    id: String(id),
    channel_id: '42',
    type: 0,
    content: `m${id}`,
    author: { discriminator: '0', global_name: null, avatar: null, ...author },
    attachments: [],
    embeds: [],
    mentions: [],
    ...extra,
  } as unknown as GatewayMessageCreateDispatchData;
}

describe('discord inbound: authors kept for deletes', () => {
  it('keeps the last 50,000 messages, with one sender per person however many messages', async () => {
    const { inbound, deleteSender, kept } = setup();
    const people = [
      { id: '111', username: 'alice' },
      { id: '112', username: 'bob' },
    ];
    // Every other message is a foreign webhook's post, whose sender id is built per message.
    for (let i = 0; i < KEPT + 1000; i += 1) {
      const extra = i % 2 === 1 ? { webhook_id: '7' } : {};
      await inbound.messageCreate(message(10_000 + i, people[i % 4 < 2 ? 0 : 1]!, extra));
    }
    expect(kept().size).toBe(KEPT);
    // alice, bob, and the webhook as "alice" and as "bob": four senders for 50,000 messages.
    expect(new Set(kept().values()).size).toBe(4);
    expect(deleteSender(String(10_000 + KEPT + 999))).toEqual({
      externalId: '7/bob',
      displayName: 'bob',
    });
    expect(deleteSender(String(10_000 + KEPT + 998))).toEqual({
      externalId: '112',
      displayName: 'bob',
    });
    expect(deleteSender(String(10_000 + 1000))).toEqual({
      externalId: '111',
      displayName: 'alice',
    });
    // The oldest 1,000 are forgotten: the router falls back to the mapped sender for those.
    expect(deleteSender(String(10_000 + 999))).toBeUndefined();
    expect(deleteSender('10000')).toBeUndefined();
  });

  it('attributes each message to the name its author had when writing it', async () => {
    const { inbound, deleteSender } = setup();
    await inbound.messageCreate(message(1, { id: '111', username: 'alice' }));
    await inbound.messageCreate(
      message(2, { id: '111', username: 'alice' }, { member: { nick: 'Al' } }),
    );
    await inbound.messageCreate(message(3, { id: '111', username: 'alice', avatar: 'abc' }));
    expect(deleteSender('1')).toEqual({ externalId: '111', displayName: 'alice' });
    expect(deleteSender('2')).toEqual({ externalId: '111', displayName: 'Al' });
    expect(deleteSender('3')).toEqual({
      externalId: '111',
      displayName: 'alice',
      avatarUrl: 'http://127.0.0.1:1/avatars/111/abc.png',
    });
  });

  it('keeps files only for messages with files, bounded with the authors; counts every file change', async () => {
    const { inbound, drops, files } = setup();
    const bob = { id: '112', username: 'bob' };
    const file = (id: string) => ({
      id,
      filename: `${id}.png`,
      url: 'http://127.0.0.1:1/f',
      size: 3,
    });
    const edit = (id: number, attachments: object[] | undefined) =>
      inbound.messageUpdate({
        ...message(id, bob, { content: `edited ${id}`, attachments }),
        edited_timestamp: '2026-12-07T09:00:00.000Z',
      } as unknown as GatewayMessageUpdateDispatchData);
    await inbound.messageCreate(message(1, bob, { attachments: [file('901')] }));
    await inbound.messageCreate(message(2, bob));
    expect([...files().keys()]).toEqual(['1']);
    await edit(2, [file('902')]); // adds a file to a message that had none
    await edit(1, []); // removes the only file
    await edit(1, []); // text only
    expect(drops).toEqual(['edit attachments changed', 'edit attachments changed']);
    // A message this process never saw: its first edit only records its files, the next counts.
    await edit(3, [file('903')]);
    await edit(4, undefined);
    await edit(4, [file('904')]);
    expect(drops).toHaveLength(2);
    await edit(3, [file('903'), file('905')]);
    expect(drops).toHaveLength(3);
    inbound.messageDelete({ id: '2', channel_id: '42' } as GatewayMessageDeleteDispatchData);
    expect([...files().keys()].sort()).toEqual(['3', '4']);
    for (let i = 0; i < KEPT + 10; i += 1)
      await inbound.messageCreate(message(100 + i, bob, { attachments: [file(String(i))] }));
    expect(files().size).toBe(KEPT);
    expect(files().has('3')).toBe(false);
    expect(files().get(String(100 + KEPT + 9))).toBe(String(KEPT + 9));
  });
});
