/**
 * Account linking with a real Synapse: a person of another network (a test adapter standing in
 * for Discord) asks for a code there and enters it in a Matrix room as `!multichat link CODE`.
 * From then on their Discord and Matrix messages have one author in the native history, no
 * ghost of them speaks on Matrix (their Discord messages come from the bridge bot, their name
 * in front; the ghost their first, pre-link message made stays silent), and a mention of them
 * reaches Matrix as a pill to their own Matrix account.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ghostUserId } from '../../src/bridges/matrix/index.js';
import type { BridgeRuntime } from '../../src/bridges/runtime/index.js';
import type { ExternalUserId, NetworkName } from '../../src/bridges/types.js';
import type { ChannelId, MessageView, MultichatNode, UserId } from '../../src/core/types.js';
import { eventually } from '../support/eventually.js';
import type { MatrixTestClient } from '../support/matrix-client.js';
import { createTestAdapter, TestNetwork, type TestAdapter } from '../support/test-adapter.js';
import {
  startMatrixAppservice,
  stopMatrixAppservice,
  type MatrixAppserviceWorld,
} from '../support/matrix-appservice-world.js';
import { synapseAvailable, type MatrixWorld } from './matrix-setup.js';

const until = <T>(what: string, pick: () => T | undefined | false) =>
  eventually(pick, { what, timeoutMs: 20_000 });

describe.skipIf(!synapseAvailable())('account linking with Matrix (real Synapse)', () => {
  let m: MatrixAppserviceWorld | undefined;
  let world: MatrixWorld;
  let node: MultichatNode;
  let runtime: BridgeRuntime;
  let discord: TestAdapter;
  let mia: MatrixTestClient;
  let room: string;
  let general: ChannelId;
  const dan = { externalId: 'dan-1' as ExternalUserId, displayName: 'Dan' };
  const list = (): MessageView[] => node.listMessages(general, { limit: 500 } as never);
  /** `sender` says `text` on "Discord"; resolves with the message once it is in the channel. */
  const speak = async (
    sender: { externalId: ExternalUserId; displayName: string },
    externalId: string,
    text: string,
    what: string,
  ): Promise<MessageView> => {
    await discord.inject({
      kind: 'message',
      target: { channel: 'main' },
      externalId: externalId as never,
      sender,
      text,
    });
    return until(what, () => list().find((m) => m.text === text));
  };

  beforeAll(async () => {
    m = await startMatrixAppservice({
      dataDirPrefix: 'mc-matrix-linking-',
      owner: 'olga',
      person: { name: 'mia' },
      others: () => [createTestAdapter({ name: 'discord', network: new TestNetwork('dc-') })],
    });
    ({ world, node, runtime, general, person: mia, room } = m);
    discord = runtime.adapter('discord') as TestAdapter;
    await runtime.links.create({
      channel: 'general',
      network: 'discord',
      target: { channel: 'main' },
    });
  });

  it('a profile change renames the ghost on Matrix at once, before any message', async () => {
    const eve = { externalId: 'eve-1' as ExternalUserId, displayName: 'Eve' };
    const spoken = await speak(eve, 'd-eve-1', 'eve speaks', 'Eve in the channel');
    const ghost = ghostUserId(world.config, spoken.sender.id);
    await mia.waitFor(room, (events) => events.find((e) => e.sender === ghost));
    expect((await mia.profile(ghost)).displayname).toBe('Eve');
    const before = list().length;

    await discord.inject({ kind: 'profile', sender: { ...eve, displayName: 'Evelyn' } });
    await eventually(async () => (await mia.profile(ghost)).displayname === 'Evelyn', {
      what: "the ghost's new display name",
      timeoutMs: 20_000,
      intervalMs: 150,
    });
    expect(list()).toHaveLength(before);
  });

  afterAll(async () => {
    await stopMatrixAppservice(m);
  });

  it('joins a Discord person and their Matrix account into one author, without a ghost', async () => {
    // Dan asks for a code on "Discord" (as `/multichat link` does) and enters it on Matrix.
    const first = await speak(dan, 'd-1', 'before linking', 'the first Discord message');
    const danId = first.sender.id as UserId;
    await mia.waitFor(room, (events) => events.find((e) => e.content['body'] === 'before linking'));
    const { code } = await runtime.accounts.controlFor('discord' as NetworkName).issueCode(dan);

    await mia.sendText(room, `!multichat link ${code}`);
    const bot = `@${world.config.senderLocalpart}:${world.config.domain}`;
    const answer = await mia.waitFor(room, (events) =>
      events.find((e) => e.sender === bot && String(e.content['body']).startsWith('Linked')),
    );
    expect(answer.content['body']).toContain('belongs to Dan');
    // The command itself is not a message of the channel.
    expect(list().some((m) => m.text?.includes('!multichat'))).toBe(false);

    await mia.sendText(room, 'hello from matrix');
    const fromMatrix = await until('the Matrix message', () =>
      list().find((m) => m.text === 'hello from matrix'),
    );
    const fromDiscord = await speak(dan, 'd-2', 'hello from discord', 'the Discord message');
    expect(fromMatrix.sender.id).toBe(danId);
    expect(fromDiscord.sender.id).toBe(danId);

    // On Matrix, Dan's Discord message comes from the bot with his name; no ghost of him.
    const relayed = await mia.waitFor(room, (events) =>
      events.find((e) => String(e.content['body']).endsWith('hello from discord')),
    );
    expect(relayed.sender).toBe(bot);
    expect(relayed.content['body']).toBe('Dan: hello from discord');
    await runtime.settle();
    // The ghost made for Dan's first (pre-link) message stays silent from the link on.
    const ghost = ghostUserId(world.config, danId);
    const timeline = await mia.timeline(room);
    const linkedAt = timeline.findIndex((e) => e.event_id === answer.event_id);
    const spoke = timeline.filter((e) => e.sender === ghost && e.type === 'm.room.message');
    expect(spoke.map((e) => e.content['body'])).toEqual(['before linking']);
    expect(timeline.slice(linkedAt).some((e) => e.sender === ghost)).toBe(false);
    const identities = await runtime.accounts.identitiesOf(danId);
    // The ghost stays on record (a pill to it is still Dan), after it Mia's own account.
    expect(identities.filter((i) => i.network === 'matrix')).toEqual([
      { network: 'matrix', externalId: ghost, kind: 'ghost' },
      { network: 'matrix', externalId: mia.userId, kind: 'native', linkedAt: expect.any(Number) },
    ]);

    // A mention of Dan from a third person reaches Matrix as a pill to Mia's own account.
    const olga = node.findUserByName('olga')!;
    await node.submit(olga.id, {
      kind: 'sendMessage',
      channel: general,
      text: '@Dan look',
      mentions: [danId],
    });
    const pill = await mia.waitFor(room, (events) =>
      events.find((e) => String(e.content['body']).includes('look')),
    );
    expect(String(pill.content['formatted_body'])).toContain(`https://matrix.to/#/${mia.userId}`);
  });
});
