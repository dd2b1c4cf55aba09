/**
 * Live backfill (issue 20) with the real router and the Slack fake (Socket Mode): while the
 * gateway is stopped, 20 messages are posted on Slack, and Slack gives up redelivering them;
 * after the restart they reach the other network once each, in order, and before a message
 * posted after the restart. Our own message in the history is not brought back, nor is a
 * message bridged before the stop; a reaction given while down comes with its message, and a
 * reply to the last message seen (a parent older than the window) comes in its thread. The
 * missed messages keep their Slack `ts` as their createdAt.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/core.js';
import {
  AT_B,
  bootSlackRouter,
  datedByText,
  expectBackfilled,
} from '../support/fake-router-world.js';
import { TestNetwork } from '../support/test-adapter.js';
import { LOOSE_LIMITS, until } from '../peers/slack-fake/harness.js';
import { startSlackFake, type SlackFake } from '../peers/slack-fake/index.js';

const fakes: SlackFake[] = [];
afterAll(async () => {
  for (const f of fakes) await f.stop();
});

describe('slack live backfill', () => {
  it('what was said while down arrives once, in order, before what is said after', async () => {
    const dataDir = tempDir('mc-slack-backfill-');
    // Loose limits: a restart opens a second Socket Mode connection within the minute Tier 1 allows.
    const fake = await startSlackFake({ pingIntervalMs: 2_000, limits: LOOSE_LIMITS });
    fakes.push(fake);
    const general = fake.addChannel('general');
    const netB = new TestNetwork('b-');
    const dana = fake.addUser('dana');
    const erin = fake.addUser('erin');
    const texts = () => netB.at(AT_B).map((p) => p.text);

    const first = await bootSlackRouter(dataDir, fake, general, netB, true);
    const parent = fake.say(general, dana, 'before the stop');
    await until(() => texts().includes('before the stop'), 'live message → b');
    await first.node.submit(first.owner.id, {
      kind: 'sendMessage',
      channel: first.general,
      text: 'native before the stop',
    });
    await first.runtime.settle();
    await until(
      () => fake.state.history(general.id).some((m) => m.text.includes('native before the stop')),
      'native → slack',
    );
    await first.stop();

    const missed = Array.from({ length: 20 }, (_, i) => `missed ${i + 1}`);
    const posted = missed.map((text) => fake.say(general, dana, text));
    fake.react(posted[4] as (typeof posted)[number], erin, 'tada');
    // A reply to a thread whose parent is older than the window (the last message seen).
    fake.say(general, erin, 'late reply', { threadTs: parent.ts });
    fake.socket.dropPending(); // Slack's retries are spent: only history has them now

    const second = await bootSlackRouter(dataDir, fake, general, netB, false);
    fake.say(general, dana, 'after the restart');
    await until(() => texts().includes('after the restart'), 'message after the restart → b');
    await second.runtime.settle();

    expectBackfilled(texts(), missed, [
      'before the stop',
      'native before the stop',
      'after the restart',
    ]);
    const fifth = netB.at(AT_B).find((p) => p.text === 'missed 5');
    await until(() => (fifth?.reactions.size ?? 0) > 0, 'reaction given while down → b');
    // Each missed message is dated by its Slack ts (to the millisecond), not by its arrival.
    const dated = datedByText(second.node, second.general);
    for (const m of posted) {
      const [sec, micro] = m.ts.split('.') as [string, string];
      const at = Number(sec) * 1000 + Math.floor(Number(micro) / 1000);
      expect(dated.get(m.text), m.text).toEqual({ at, imported: true });
    }
    // The late reply arrived once, in the thread of its parent bridged before the stop.
    expect(texts().filter((t) => t === 'late reply')).toHaveLength(1);
    const inChannel = second.node.listMessages(second.general, { limit: 100 });
    const root = inChannel.find((m) => m.text === 'before the stop');
    expect(inChannel.find((m) => m.text === 'late reply')?.threadRoot).toBe(root?.id);
    await second.stop();
  });
});
