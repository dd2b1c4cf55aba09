/**
 * A Multichat emote through the real router: the core keeps the flag (not italics in its text),
 * Discord shows it in italics (its written rule), a network that takes emotes is told `isEmote`
 * on the send and on an edit that does not say otherwise.
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

describe('emotes through the router', () => {
  it('a native emote reaches Discord in italics and b as an emote; an edit keeps it', async () => {
    const fake = await startDiscordFake(FAST_LIMITS);
    fakes.push(fake);
    const netB = new TestNetwork('b-');
    const p = await bootDiscordRouter(tempDir('mc-emote-'), fake, netB, true);
    const sent = await p.node.submit(p.owner.id, {
      kind: 'sendMessage',
      channel: p.general,
      text: 'waves',
      emote: true,
    });
    const id = sent.created as MessageId;
    expect(p.node.getMessage(id)).toMatchObject({ text: 'waves', emote: true });
    await p.runtime.settle();
    const onDiscord = () =>
      [...fake.state.messages.values()].find((m) => m.content.includes('waves'))?.content;
    await until(() => onDiscord() === '_waves_', 'emote → discord in italics');
    await until(() => netB.at(AT_B).some((x) => x.text === 'waves'), 'emote → b');
    expect(netB.at(AT_B).find((x) => x.text === 'waves')?.isEmote).toBe(true);

    await p.node.submit(p.owner.id, { kind: 'editMessage', message: id, text: 'waves back' });
    await p.runtime.settle();
    await until(() => onDiscord() === '_waves back_', 'edit → discord still italics');
    await until(() => netB.at(AT_B).some((x) => x.text === 'waves back'), 'edit → b');
    expect(netB.at(AT_B).find((x) => x.text === 'waves back')?.isEmote).toBe(true);
    await p.stop();
  });
});
