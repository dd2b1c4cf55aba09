/**
 * Discord files and stickers: inbound attachments open through the fake's signed CDN, outbound
 * files go as native multipart uploads, and a file never loses its message.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InboundEvent } from '../../src/bridges/types.js';
import { startDiscordHarness, until, type DiscordHarness } from '../peers/discord-fake/harness.js';
import type { FakeUser } from '../peers/discord-fake/index.js';

let h: DiscordHarness;
let bob: FakeUser;

beforeAll(async () => {
  h = await startDiscordHarness();
  bob = h.fake.addUser('bob');
});
afterAll(async () => {
  await h.stop();
});

async function next<K extends InboundEvent['kind']>(
  from: number,
  kind: K,
  count = 1,
): Promise<Extract<InboundEvent, { kind: K }>[]> {
  const of = () =>
    h.events.slice(from).filter((e): e is Extract<InboundEvent, { kind: K }> => e.kind === kind);
  await until(() => of().length >= count, `${count} ${kind} event(s)`);
  return of();
}

describe('discord media inbound', () => {
  // Moved from discord-inbound.test.ts; rewritten for the InboundAttachment contract below.
  it('attachments carry their URLs and metadata', async () => {
    const from = h.events.length;
    const small = {
      id: '1',
      filename: 'cat.png',
      size: 1_000,
      url: 'https://cdn.example/cat.png',
      proxy_url: 'https://cdn.example/cat.png',
      content_type: 'image/png',
    };
    const sent = h.fake.say(h.fake.channel.id, bob, 'look', { attachments: [small] });
    const messages = await next(from, 'message');
    const got = messages.find((m) => m.externalId === sent.id);
    expect(got?.attachments?.[0]).toMatchObject({ url: small.url, name: 'cat.png', size: 1_000 });
  });
});
