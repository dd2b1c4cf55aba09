/** Discord events the adapter sees and does not emit are reported as drops, never lost silently. */
import type {
  GatewayMessageCreateDispatchData,
  GatewayMessageUpdateDispatchData,
} from 'discord.js';
import { describe, expect, it, vi } from 'vitest';
import { Inbound } from '../../../src/bridges/discord/inbound.js';
import { OwnDeletes } from '../../../src/bridges/discord/own-deletes.js';
import type { InboundDeps } from '../../../src/bridges/discord/inbound.js';
import type { InboundEvent } from '../../../src/bridges/types.js';

const author = {
  id: '111',
  username: 'alice',
  discriminator: '0',
  global_name: null,
  avatar: null,
};

function setup() {
  const emitted: InboundEvent[] = [];
  const drops: [string, string | undefined, string | undefined][] = [];
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
    reportDrop: (kind: string, reason?: string, detail?: string) => {
      drops.push([kind, reason, detail]);
    },
  } as unknown as InboundDeps;
  return { inbound: new Inbound(deps), emitted, drops };
}

function message(type: number, extra: object = {}): GatewayMessageCreateDispatchData {
  return {
    id: '500',
    channel_id: '42',
    type,
    content: 'hello',
    author,
    attachments: [],
    embeds: [],
    mentions: [],
    ...extra,
  } as unknown as GatewayMessageCreateDispatchData;
}

describe('discord inbound drops', () => {
  it('counts a pin notice, a member-join message and a boost; emits none of them', async () => {
    const { inbound, emitted, drops } = setup();
    for (const type of [6, 7, 8]) await inbound.messageCreate(message(type, { content: '' }));
    expect(drops).toEqual([
      ['other', 'unsupported', 'type 6'],
      ['other', 'unsupported', 'type 7'],
      ['other', 'unsupported', 'type 8'],
    ]);
    expect(emitted).toEqual([]);
  });

  it('does not count a thread-created notice or a thread starter (carried by the thread)', async () => {
    const { inbound, drops } = setup();
    await inbound.messageCreate(message(18, { message_reference: { channel_id: '77' } }));
    await inbound.messageCreate(message(21));
    expect(drops).toEqual([]);
  });

  it('carries the text of an edit that removes a file and counts the file change', async () => {
    const { inbound, emitted, drops } = setup();
    const file = { id: 'f1', filename: 'a.png', url: 'http://127.0.0.1:1/a.png', size: 3 };
    await inbound.messageCreate(message(0, { attachments: [file] }));
    await inbound.messageUpdate({
      ...message(0, { content: 'hello again', attachments: [] }),
      edited_timestamp: '2026-12-07T09:00:00.000Z',
    } as unknown as GatewayMessageUpdateDispatchData);
    await vi.waitFor(() => expect(emitted.map((e) => e.kind)).toEqual(['message', 'edit']));
    expect(emitted[1]).toMatchObject({ kind: 'edit', text: 'hello again' });
    expect(drops).toEqual([['edit', 'unsupported', 'attachments changed']]);
  });

  it('counts nothing for a text-only edit and a regular message', async () => {
    const { inbound, emitted, drops } = setup();
    await inbound.messageCreate(message(0));
    await inbound.messageUpdate({
      ...message(0, { content: 'edited' }),
      edited_timestamp: '2026-12-07T09:00:00.000Z',
    } as unknown as GatewayMessageUpdateDispatchData);
    await vi.waitFor(() => expect(emitted).toHaveLength(2));
    expect(drops).toEqual([]);
  });
});
