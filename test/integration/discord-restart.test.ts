/**
 * Persistent mapping across a gateway restart: the real router (SQLite core and mapping store in
 * a temp dir) bridges the fake Discord and an in-memory test network. After the whole process
 * is restarted — a new discord.js client, a new gateway session, a new adapter that has to find
 * its webhook again — edits and deletes of messages from before the restart still reach the
 * right message on the other side, in both directions.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { MessageId } from '../../src/core/types.js';
import { tempDir } from '../support/core.js';
import { AT_B, bootDiscordRouter } from '../support/fake-router-world.js';
import { TestNetwork } from '../support/test-adapter.js';
import { FAST_LIMITS, until } from '../peers/discord-fake/harness.js';
import { startDiscordFake, type DiscordFake } from '../peers/discord-fake/index.js';

const fakes: DiscordFake[] = [];
afterAll(async () => {
  for (const f of fakes) await f.stop();
});

describe('discord across a gateway restart', () => {
  it('edits and deletes of messages from before the restart still map, both ways', async () => {
    const dataDir = tempDir('mc-discord-restart-');
    const fake = await startDiscordFake(FAST_LIMITS);
    fakes.push(fake);
    const netB = new TestNetwork('b-');
    const bob = fake.addUser('bob');
    const carol = fake.addUser('carol');

    // --- first process ---
    const first = await bootDiscordRouter(dataDir, fake, netB, true);
    const fromDiscord = fake.say(fake.channel.id, bob, 'hello from discord');
    await until(() => netB.at(AT_B).some((p) => p.text === 'hello from discord'), 'discord → b');
    const native = (
      await first.node.submit(first.owner.id, {
        kind: 'sendMessage',
        channel: first.general,
        text: 'hello from multichat',
      })
    ).created as MessageId;
    await first.runtime.settle();
    const onDiscord = () =>
      [...fake.state.messages.values()].find((m) => m.content.includes('from multichat'));
    await until(() => onDiscord() !== undefined, 'multichat → discord');
    expect(onDiscord()?.author.username).toBe('alice');
    const nativeId = onDiscord()?.id as string;
    await first.stop();

    // --- second process: same data dir, new client and gateway session ---
    const second = await bootDiscordRouter(dataDir, fake, netB, false);
    expect(fake.gateway.stats.identifies).toBe(2);

    fake.edit(fromDiscord.id, 'edited on discord');
    await until(
      () => netB.at(AT_B).some((p) => p.text === 'edited on discord'),
      'discord edit → b',
    );
    fake.react(carol, fromDiscord.id, '🎉');
    await until(() => netB.at(AT_B).some((p) => p.reactions.size > 0), 'discord reaction → b');

    await second.node.submit(second.owner.id, {
      kind: 'editMessage',
      message: native,
      text: 'edited natively',
    });
    await second.runtime.settle();
    await until(
      () => fake.state.messages.get(nativeId)?.content === 'edited natively',
      'native edit → discord',
    );
    expect(fake.state.webhooks.size).toBe(1); // the webhook of before the restart was found again

    await second.node.submit(second.owner.id, { kind: 'redactMessage', message: native });
    await second.runtime.settle();
    await until(() => !fake.state.messages.has(nativeId), 'native delete → discord');

    const later = fake.say(fake.channel.id, carol, 'short-lived');
    await until(() => netB.at(AT_B).some((p) => p.text === 'short-lived'), 'second message → b');
    fake.remove(later.id);
    await until(() => !netB.at(AT_B).some((p) => p.text === 'short-lived'), 'discord delete → b');

    // MESSAGE_DELETE names no author; this process never saw who wrote the message from before
    // the restart, so the router redacts it as the bridged person it maps to.
    fake.remove(fromDiscord.id);
    await until(
      () => !netB.at(AT_B).some((p) => p.text === 'edited on discord'),
      'discord delete of a message from before the restart → b',
    );
    await second.stop();
  });
});
