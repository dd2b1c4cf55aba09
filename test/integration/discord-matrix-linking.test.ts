/**
 * Account linking end to end with the real Discord adapter (against the Discord fake) and a
 * real Synapse: a Discord person asks `/multichat link` (ephemeral answer with the code), enters
 * it in the Matrix room as `!multichat link CODE`, and from then on their Discord and Matrix
 * messages have one author in the native history; their Discord message reaches Matrix from the
 * bridge bot with their name (no ghost of them speaks); a mention of them is a pill to their own
 * Matrix account.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordAdapter } from '../../src/bridges/discord/index.js';
import { ghostUserId } from '../../src/bridges/matrix/index.js';
import type { BridgeRuntime } from '../../src/bridges/runtime/index.js';
import type { NetworkName } from '../../src/bridges/types.js';
import type { ChannelId, MessageView, MultichatNode, UserId } from '../../src/core/types.js';
import type { MappingStore } from '../../src/mapping/types.js';
import { FAST_LIMITS } from '../peers/discord-fake/harness.js';
import { startDiscordFake, type DiscordFake, type FakeUser } from '../peers/discord-fake/index.js';
import { eventually } from '../support/eventually.js';
import type { MatrixTestClient } from '../support/matrix-client.js';
import {
  startMatrixAppservice,
  stopMatrixAppservice,
  type MatrixAppserviceWorld,
} from '../support/matrix-appservice-world.js';
import { synapseAvailable, type MatrixWorld } from './matrix-setup.js';

const SEND_MESSAGES = 1n << 11n;
const until = <T>(what: string, pick: () => T | undefined | false) =>
  eventually(pick, { what, timeoutMs: 20_000 });

describe.skipIf(!synapseAvailable())('Discord ↔ Matrix account linking', () => {
  let m: MatrixAppserviceWorld | undefined;
  let world: MatrixWorld;
  let fake: DiscordFake;
  let node: MultichatNode;
  let store: MappingStore;
  let runtime: BridgeRuntime;
  let mia: MatrixTestClient;
  let dana: FakeUser;
  let room: string;
  let general: ChannelId;
  const list = (): MessageView[] => node.listMessages(general, { limit: 500 } as never);

  beforeAll(async () => {
    fake = await startDiscordFake(FAST_LIMITS);
    dana = fake.addUser('dana');
    m = await startMatrixAppservice({
      dataDirPrefix: 'mc-discord-matrix-linking-',
      owner: 'olga',
      person: { name: 'mia' },
      others: () => [
        createDiscordAdapter(
          { token: fake.token, apiUrl: fake.apiUrl, cdnUrl: fake.cdnUrl },
          'discord' as NetworkName,
        ),
      ],
    });
    ({ world, node, store, runtime, general, person: mia, room } = m);
    await runtime.links.create({
      channel: 'general',
      network: 'discord',
      target: { channel: fake.channel.id },
    });
  }, 120_000);

  afterAll(async () => {
    await stopMatrixAppservice(m);
    await fake?.stop();
  });

  it('one author for both accounts, the bot speaks for Dana on Matrix, mentions pill her', async () => {
    fake.command(fake.channel.id, dana, 'link', SEND_MESSAGES);
    const reply = await until('the ephemeral code', () => {
      const body = fake.state.interactionReplies.at(-1) as
        { data: { content: string; flags: number } } | undefined;
      return body?.data.content.startsWith('Your link code') ? body : undefined;
    });
    expect(reply.data.flags & 64).toBe(64); // only Dana sees it
    const code = /link code is (\S+)/.exec(reply.data.content)?.[1] as string;
    const danaId = (await store.identities.get('discord' as NetworkName, dana.id))
      ?.userId as UserId;
    expect(danaId).toBeDefined();

    await mia.sendText(room, `!multichat link ${code}`);
    const bot = `@${world.config.senderLocalpart}:${world.config.domain}`;
    await mia.waitFor(room, (events) =>
      events.find((e) => e.sender === bot && String(e.content['body']).startsWith('Linked')),
    );

    fake.say(fake.channel.id, dana, 'from discord');
    await mia.sendText(room, 'from matrix');
    const both = await until('both messages', () => {
      const got = list().filter((m) => m.text === 'from discord' || m.text === 'from matrix');
      return got.length === 2 ? got : undefined;
    });
    expect(both.map((m) => m.sender.id)).toEqual([danaId, danaId]);

    const relayed = await mia.waitFor(room, (events) =>
      events.find((e) => String(e.content['body']).endsWith('from discord')),
    );
    expect(relayed.sender).toBe(bot);
    expect(String(relayed.content['body'])).toMatch(/^dana: from discord$/);
    await runtime.settle();
    expect(await mia.members(room)).not.toContain(ghostUserId(world.config, danaId));

    // The Matrix message reached Discord (through the webhook, named as Dana's profile).
    await until('the Matrix message on Discord', () =>
      [...fake.state.messages.values()].find((m) => JSON.stringify(m).includes('from matrix')),
    );

    const olga = node.findUserByName('olga')!;
    await node.submit(olga.id, {
      kind: 'sendMessage',
      channel: general,
      text: '@dana see this',
      mentions: [danaId],
    });
    const pill = await mia.waitFor(room, (events) =>
      events.find((e) => String(e.content['body']).includes('see this')),
    );
    expect(String(pill.content['formatted_body'])).toContain(`https://matrix.to/#/${mia.userId}`);
  });
});
