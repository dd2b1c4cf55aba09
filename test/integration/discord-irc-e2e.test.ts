/**
 * End to end: Discord (the fake, spoken to by the real discord.js inside a `multichat start`
 * process) ⇄ Multichat ⇄ IRC (a real ngircd). A Discord message reaches #proj with its author's
 * name and formatting; an IRC line reaches Discord through the channel webhook under the IRC
 * nick; a Discord edit arrives on IRC as a correction; nothing is bridged back to where it came
 * from. Without ngircd the suite is skipped, except in CI.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stripControls } from '../../src/bridges/format/index.js';
import { FAST_LIMITS, until } from '../peers/discord-fake/harness.js';
import { GatewayRun } from '../peers/discord-fake/gateway-run.js';
import { startDiscordFake, type DiscordFake, type FakeUser } from '../peers/discord-fake/index.js';
import { findNgircd, startNgircd, type NgircdPeer } from '../peers/ngircd.js';
import { RawIrcClient } from '../support/irc-client.js';

const installed = findNgircd() !== undefined;
if (!installed && process.env.CI === 'true')
  throw new Error('ngircd is missing in CI: run .ci/install-ngircd.sh first');

/** IRC line text without control codes and zero-width anti-highlight characters. */
const plain = (text: string) => stripControls(text).replace(/\u200b/g, '');

if (!installed) {
  describe('Discord ⇄ Multichat ⇄ IRC', () => {
    it.skip('skipped: ngircd is not installed', () => {});
  });
} else {
  let fake: DiscordFake;
  let irc: NgircdPeer;
  let gateway: GatewayRun;
  let ircbob: RawIrcClient;
  let dana: FakeUser;

  beforeAll(async () => {
    fake = await startDiscordFake(FAST_LIMITS);
    dana = fake.addUser('dana');
    irc = await startNgircd();
    ircbob = await RawIrcClient.connect(irc.port, 'ircbob');
    await ircbob.join('#proj');
    gateway = await GatewayRun.start({
      bridges: {
        discord: { token: fake.token, apiUrl: fake.apiUrl },
        irc: {
          networks: {
            local: {
              host: '127.0.0.1',
              port: irc.port,
              tls: false,
              nick: 'mcgw',
              flood: { burst: 10, delayMs: 100 },
            },
          },
        },
      },
      links: [
        {
          channel: 'general',
          irc: { network: 'local', channel: '#proj' },
          discord: { channel: fake.channel.id },
        },
      ],
    });
    await ircbob.waitForLine((l) => l.command === 'JOIN' && l.nick === 'mcgw', 30_000);
  }, 120_000);

  afterAll(async () => {
    await ircbob?.quit().catch(() => undefined);
    await gateway?.destroy();
    await irc?.stop();
    await fake?.stop();
  });

  describe('Discord ⇄ Multichat ⇄ IRC', () => {
    it('a Discord message reaches IRC with its author and formatting', async () => {
      fake.say(fake.channel.id, dana, 'hello **irc** people');
      const [line] = await ircbob.waitForMessages('#proj', 1, 30_000);
      expect(line?.nick).toBe('mcgw');
      expect(line?.text).toContain('\x02'); // bold kept as IRC bold
      expect(plain(line?.text ?? '')).toBe('<dana> hello irc people');
    });

    it('an IRC line reaches Discord through the webhook under the IRC nick', async () => {
      ircbob.say('#proj', 'hi from \x02irc\x02');
      const found = () =>
        [...fake.state.messages.values()].find(
          (m) => m.webhook_id !== undefined && m.content.includes('hi from'),
        );
      await until(() => found() !== undefined, 'the IRC line on Discord', 3_000);
      expect(found()?.content).toBe('hi from **irc**');
      expect(found()?.author.username).toBe('ircbob');
    });

    it('a Discord edit arrives on IRC as a correction, and nothing echoes back', async () => {
      const before = ircbob.messagesIn('#proj').length;
      const original = [...fake.state.messages.values()].find(
        (m) => m.content === 'hello **irc** people',
      );
      fake.edit(original?.id as string, 'hello **irc** folks');
      const lines = await ircbob.waitForMessages('#proj', before + 1, 30_000);
      expect(plain(lines.at(-1)?.text ?? '')).toContain('hello irc folks');
      // One webhook post for the one IRC line; one IRC line per Discord message or edit.
      const posts = [...fake.state.messages.values()].filter((m) => m.webhook_id !== undefined);
      expect(posts.map((m) => m.content)).toEqual(['hi from **irc**']);
      expect(ircbob.messagesIn('#proj').filter((m) => m.nick === 'mcgw')).toHaveLength(2);
    });
  });
}
