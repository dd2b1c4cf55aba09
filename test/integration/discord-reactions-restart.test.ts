/**
 * Discord shows one bot reaction for every bridged person who reacted with an emoji, and a
 * short line for an emoji it lacks. Both must outlive a gateway restart: the bot's reaction
 * goes only when the last bridged reactor takes theirs back, and the line is deleted when its
 * reaction is taken back, also when the reaction was made before the restart (the count is the
 * core's reaction view, the line's id an adapter memo in the mapping store).
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { MessageId, UserId } from '../../src/core/types.js';
import { tempDir } from '../support/core.js';
import { AT_B, bootDiscordRouter, type RouterProcess } from '../support/fake-router-world.js';
import { TestNetwork } from '../support/test-adapter.js';
import { FAST_LIMITS, until } from '../peers/discord-fake/harness.js';
import { startDiscordFake, type DiscordFake } from '../peers/discord-fake/index.js';

const fakes: DiscordFake[] = [];
afterAll(async () => {
  for (const f of fakes) await f.stop();
});

const ODD = ':mc_no_such_emoji:';

describe('discord reactions across a gateway restart', () => {
  it('the bot reaction stays until the last bridged reactor removes theirs; the line goes with its reaction', async () => {
    const dataDir = tempDir('mc-discord-reactions-');
    const fake = await startDiscordFake(FAST_LIMITS);
    fakes.push(fake);
    const netB = new TestNetwork('b-');
    const bob = fake.addUser('bob');
    const botReactors = (messageId: string) =>
      [...(fake.state.reactions.get(messageId)?.get('👍') ?? [])].filter(
        (u) => u === fake.state.bot.id,
      ).length;
    const lines = () =>
      [...fake.state.messages.values()].filter((m) => m.content.includes(`reacted ${ODD}`));

    const first = await bootDiscordRouter(dataDir, fake, netB, true);
    const said = fake.say(fake.channel.id, bob, 'react to me');
    await until(() => netB.at(AT_B).some((p) => p.text === 'react to me'), 'discord → b');
    const message = first.node.listMessages(first.general).find((m) => m.text === 'react to me')
      ?.id as MessageId;
    const dave = (await first.node.createLocalUser('dave')).user.id;
    await first.node.submit(dave, { kind: 'joinChannel', channel: first.general });
    const react = async (p: RouterProcess, user: UserId, emoji: string, add: boolean) => {
      await p.node.submit(user, { kind: add ? 'react' : 'unreact', message, emoji });
      await p.runtime.settle();
    };
    await react(first, first.owner.id, '👍', true);
    await react(first, dave, '👍', true);
    await react(first, first.owner.id, ODD, true);
    await until(() => botReactors(said.id) === 1 && lines().length === 1, 'reactions → discord');
    await first.stop();

    const second = await bootDiscordRouter(dataDir, fake, netB, false);
    await react(second, first.owner.id, '👍', false);
    // dave still reacts: the one bot reaction standing for both stays.
    expect(botReactors(said.id)).toBe(1);
    await react(second, dave, '👍', false);
    await until(() => botReactors(said.id) === 0, 'last bridged reactor gone → bot reaction gone');
    // The line posted before the restart is found again and deleted.
    await react(second, first.owner.id, ODD, false);
    await until(() => lines().length === 0, 'reaction line deleted after the restart');
    await second.stop();
  });
});
