/**
 * Live backfill (issue 20) with the real router and the Discord fake: while the gateway is
 * stopped, 20 messages are posted on Discord; after the restart they reach the other network
 * once each, in order, and before a message posted after the restart. Our own webhook message
 * in the channel's history is not brought back, nor is a message bridged before the stop. A
 * reaction given while down comes with its message, a message in an active thread of the channel
 * comes in its thread, so does one in a thread archived while down (in its place in the order),
 * and the missed messages keep Discord's timestamps as their createdAt.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/core.js';
import {
  AT_B,
  bootDiscordRouter,
  datedByText,
  expectBackfilled,
} from '../support/fake-router-world.js';
import { TestNetwork } from '../support/test-adapter.js';
import { FAST_LIMITS, until } from '../peers/discord-fake/harness.js';
import { startDiscordFake, type DiscordFake } from '../peers/discord-fake/index.js';

const fakes: DiscordFake[] = [];
afterAll(async () => {
  for (const f of fakes) await f.stop();
});

describe('discord live backfill', () => {
  it('what was said while down arrives once, in order, before what is said after', async () => {
    const dataDir = tempDir('mc-discord-backfill-');
    const fake = await startDiscordFake(FAST_LIMITS);
    fakes.push(fake);
    const netB = new TestNetwork('b-');
    const bob = fake.addUser('bob');
    const texts = () => netB.at(AT_B).map((p) => p.text);

    const first = await bootDiscordRouter(dataDir, fake, netB, true);
    const cy = fake.addUser('cy');
    const parent = fake.say(fake.channel.id, bob, 'before the stop');
    await until(() => texts().includes('before the stop'), 'live message → b');
    const thread = fake.startThread(fake.channel.id, parent.id, 'a thread');
    const other = fake.say(fake.channel.id, bob, 'another before the stop');
    await until(() => texts().includes('another before the stop'), 'second live message → b');
    const toArchive = fake.startThread(fake.channel.id, other.id, 'archived while down');
    await first.node.submit(first.owner.id, {
      kind: 'sendMessage',
      channel: first.general,
      text: 'native before the stop',
    });
    await first.runtime.settle();
    await until(
      () => [...fake.state.messages.values()].some((m) => m.content === 'native before the stop'),
      'native → discord',
    );
    // A thread the bot may not read: left out (logged), the rest is backfilled all the same.
    const native = [...fake.state.messages.values()].find(
      (m) => m.content === 'native before the stop',
    );
    const hidden = fake.startThread(fake.channel.id, native?.id ?? '', 'a hidden thread');
    fake.state.historyDenied.add(hidden.id);
    await first.stop();

    const missed = Array.from({ length: 20 }, (_, i) => `missed ${i + 1}`);
    const say = (text: string) => fake.say(fake.channel.id, bob, text);
    const posted = missed.slice(0, 10).map(say);
    // Between "missed 10" and "missed 11" by time; then the thread is archived (inactivity):
    // no longer in the active list, nor in the restarted client's cache.
    const inArchived = 'in the thread archived while down';
    const archivedSaid = fake.say(toArchive.id, cy, inArchived);
    posted.push(...missed.slice(10).map(say));
    fake.archiveThread(toArchive.id);
    fake.react(cy, (posted[4] as (typeof posted)[number]).id, '🎉');
    fake.say(thread.id, cy, 'in the thread while down');
    fake.say(hidden.id, cy, 'in the hidden thread');

    const second = await bootDiscordRouter(dataDir, fake, netB, false);
    fake.say(fake.channel.id, bob, 'after the restart');
    await until(() => texts().includes('after the restart'), 'message after the restart → b');
    await second.runtime.settle();

    const order = [...missed.slice(0, 10), inArchived, ...missed.slice(10)];
    expectBackfilled(texts(), order, [
      'before the stop',
      'another before the stop',
      'native before the stop',
      'after the restart',
    ]);
    // A reaction given while down comes with its message (its reactors read per emoji).
    const fifth = netB.at(AT_B).find((p) => p.text === 'missed 5');
    await until(() => (fifth?.reactions.size ?? 0) > 0, 'reaction given while down → b');
    // A message in an active thread of the linked channel arrives once, in its thread.
    expect(texts().filter((t) => t === 'in the thread while down')).toHaveLength(1);
    const inChannel = second.node.listMessages(second.general, { limit: 100 });
    const root = inChannel.find((m) => m.text === 'before the stop');
    expect(inChannel.find((m) => m.text === 'in the thread while down')?.threadRoot).toBe(root?.id);
    expect(texts()).not.toContain('in the hidden thread');
    // The thread archived while down: its message is in that thread too.
    const otherRoot = inChannel.find((m) => m.text === 'another before the stop');
    expect(inChannel.find((m) => m.text === inArchived)?.threadRoot).toBe(otherRoot?.id);
    expect(datedByText(second.node, second.general).get(inArchived)?.at).toBe(
      Date.parse(archivedSaid.timestamp),
    );
    // Each missed message is dated by its Discord timestamp, not by when the gateway came back.
    const dated = datedByText(second.node, second.general);
    for (const m of posted)
      expect(dated.get(m.content), m.content).toEqual({
        at: Date.parse(m.timestamp),
        imported: true,
      });
    await second.stop();
  });
});
