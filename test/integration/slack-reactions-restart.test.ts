/**
 * A reaction Slack cannot show becomes a short line in the reacted message's thread. Taking
 * the reaction back deletes the line, also when the gateway restarted in between: the line's
 * `ts` is an adapter memo in the mapping store, not only in memory.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { MessageId } from '../../src/core/types.js';
import { tempDir } from '../support/core.js';
import { AT_B, bootSlackRouter, type RouterProcess } from '../support/fake-router-world.js';
import { TestNetwork } from '../support/test-adapter.js';
import { LOOSE_LIMITS, until } from '../peers/slack-fake/harness.js';
import { startSlackFake, type SlackFake } from '../peers/slack-fake/index.js';

const fakes: SlackFake[] = [];
afterAll(async () => {
  for (const f of fakes) await f.stop();
});

/** A shortcode no Slack emoji name matches (Slack names are lower case). */
const ODD = ':NoSuchEmoji:';

describe('slack reaction lines across a gateway restart', () => {
  it('the line posted before the restart is deleted when its reaction is taken back after it', async () => {
    const dataDir = tempDir('mc-slack-reactions-');
    // Loose limits: a restart opens a second Socket Mode connection within the minute Tier 1 allows.
    const fake = await startSlackFake({ pingIntervalMs: 2_000, limits: LOOSE_LIMITS });
    fakes.push(fake);
    const general = fake.addChannel('general');
    const netB = new TestNetwork('b-');
    const dana = fake.addUser('dana');

    const first = await bootSlackRouter(dataDir, fake, general, netB, true);
    const again = fake.say(general, dana, 'react here');
    await until(() => netB.at(AT_B).some((p) => p.text === 'react here'), 'slack → b');
    const message = first.node.listMessages(first.general).find((m) => m.text === 'react here')
      ?.id as MessageId;
    expect(message).toBeDefined();
    const react = async (p: RouterProcess, add: boolean) => {
      await p.node.submit(p.owner.id, { kind: add ? 'react' : 'unreact', message, emoji: ODD });
      await p.runtime.settle();
    };
    const odd = () =>
      [...fake.state.messages.values()].filter(
        (m) => m.thread_ts === again.ts && m.text === `_reacted ${ODD}_`,
      );
    await react(first, true);
    await until(() => odd().length === 1, 'reaction line → slack');
    expect(odd()[0]?.username).toBe('alice');
    await first.stop();

    const second = await bootSlackRouter(dataDir, fake, general, netB, false);
    await react(second, false);
    await until(() => odd().length === 0, 'reaction line deleted after the restart');
    // Only the line went: the message it hung off is still there.
    expect(fake.state.message(general.id, again.ts)?.text).toBe('react here');
    await second.stop();
  });
});
