/**
 * Slack live backfill of a reply to an old thread (issue 20): history lists a thread by its
 * parent, so a reply posted while the gateway was down to a parent from before the backfill's
 * week of look-back is found only because the gateway saw a reply in that thread before (the
 * parent is remembered in the mapping store's memos). It arrives once, in its thread, before
 * what is said after the restart.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/core.js';
import { AT_B, bootSlackRouter } from '../support/fake-router-world.js';
import { TestNetwork } from '../support/test-adapter.js';
import { LOOSE_LIMITS, until } from '../peers/slack-fake/harness.js';
import { startSlackFake, type SlackFake } from '../peers/slack-fake/index.js';

const DAY_MS = 86_400_000;
const fakes: SlackFake[] = [];
afterAll(async () => {
  for (const f of fakes) await f.stop();
});

describe('slack live backfill of old threads', () => {
  it('a reply to a thread older than the look-back arrives, once, in its thread', async () => {
    const dataDir = tempDir('mc-slack-backfill-threads-');
    const fake = await startSlackFake({ pingIntervalMs: 2_000, limits: LOOSE_LIMITS });
    fakes.push(fake);
    const general = fake.addChannel('general');
    const netB = new TestNetwork('b-');
    const dana = fake.addUser('dana');
    const erin = fake.addUser('erin');
    const texts = () => netB.at(AT_B).map((p) => p.text);

    const first = await bootSlackRouter(dataDir, fake, general, netB, true);
    // A parent from ten days back (older than the week looked back over), and a reply seen live.
    const old = fake.say(general, dana, 'an old parent', { at: Date.now() - 10 * DAY_MS });
    await until(() => texts().includes('an old parent'), 'old parent → b');
    fake.say(general, erin, 'a reply seen live', { threadTs: old.ts });
    await until(() => texts().includes('a reply seen live'), 'live reply → b');
    await first.runtime.settle();
    await first.stop();

    fake.say(general, dana, 'late reply to an old thread', { threadTs: old.ts });
    fake.say(general, dana, 'missed in the channel');
    fake.socket.dropPending(); // Slack's retries are spent: only history has them now

    const second = await bootSlackRouter(dataDir, fake, general, netB, false);
    fake.say(general, dana, 'after the restart');
    await until(() => texts().includes('after the restart'), 'message after the restart → b');
    await second.runtime.settle();

    const seen = texts();
    for (const t of ['late reply to an old thread', 'missed in the channel', 'a reply seen live'])
      expect(
        seen.filter((s) => s === t),
        t,
      ).toHaveLength(1);
    expect(seen.indexOf('late reply to an old thread')).toBeLessThan(
      seen.indexOf('after the restart'),
    );
    expect(seen.indexOf('late reply to an old thread')).toBeLessThan(
      seen.indexOf('missed in the channel'),
    );
    const inChannel = second.node.listMessages(second.general, { limit: 100 });
    const root = inChannel.find((m) => m.text === 'an old parent');
    expect(inChannel.find((m) => m.text === 'late reply to an old thread')?.threadRoot).toBe(
      root?.id,
    );
    await second.stop();
  });
});
