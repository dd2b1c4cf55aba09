/**
 * End to end, once per receiver (Socket Mode, then the HTTP Events API with signed requests):
 * Slack (the fake, spoken to by the real bolt app inside a `multichat start` process) ⇄ Multichat ⇄ IRC (a real ngircd). The link names the Slack channel
 * as `#general`, which the adapter resolves to its id. A Slack message reaches #proj with its
 * author and formatting; an IRC line reaches Slack through chat.postMessage under the IRC nick;
 * a Slack edit arrives on IRC as a correction; the bot's own posts, which Slack echoes back as
 * events, are never bridged again. Without ngircd the suite is skipped, except in CI.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayRun } from '../peers/discord-fake/gateway-run.js';
import { freePort } from '../peers/free-port.js';
import { findNgircd, startNgircd, type NgircdPeer } from '../peers/ngircd.js';
import { until } from '../peers/slack-fake/harness.js';
import {
  startSlackFake,
  type FakeChannel,
  type FakeUser,
  type SlackFake,
} from '../peers/slack-fake/index.js';
import { RawIrcClient } from '../support/irc-client.js';

const installed = findNgircd() !== undefined;
if (!installed && process.env.CI === 'true')
  throw new Error('ngircd is missing in CI: run .ci/install-ngircd.sh first');

/** IRC line text without formatting codes and zero-width anti-highlight characters. */
const plain = (text: string) =>
  // eslint-disable-next-line no-control-regex -- IRC formatting codes are control characters
  text.replace(/[\x02\x0f\x16\x1d\x1e\x1f\u200b]|\x03\d{0,2}(,\d{1,2})?/g, '');

if (!installed) {
  describe('Slack ⇄ Multichat ⇄ IRC', () => {
    it.skip('skipped: ngircd is not installed', () => {});
  });
} else {
  describe.each<'socket' | 'http'>(['socket', 'http'])('slack-irc e2e over %s', (mode) => {
    let fake: SlackFake;
    let irc: NgircdPeer;
    let gateway: GatewayRun;
    let ircbob: RawIrcClient;
    let general: FakeChannel;
    let dana: FakeUser;

    beforeAll(async () => {
      fake = await startSlackFake({ pingIntervalMs: 2_000 });
      const port = await freePort();
      if (mode === 'http') fake.useHttp(`http://127.0.0.1:${port}/slack/events`);
      general = fake.addChannel('general', { botMember: false });
      dana = fake.addUser('dana');
      irc = await startNgircd();
      ircbob = await RawIrcClient.connect(irc.port, 'ircbob');
      await ircbob.join('#proj');
      gateway = await GatewayRun.start({
        bridges: {
          slack: {
            botToken: fake.botToken,
            apiUrl: fake.apiUrl,
            mode,
            ...(mode === 'socket'
              ? { appToken: fake.appToken }
              : { signingSecret: fake.signingSecret, listen: { host: '127.0.0.1', port } }),
          },
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
            slack: { channel: '#general' },
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

    describe(`Slack (${mode}) ⇄ Multichat ⇄ IRC`, () => {
      it('the gateway joined the linked channel it was not in, and receives over its mode', () => {
        expect(general.members.has(fake.state.bot.id)).toBe(true);
        expect(fake.socket.connected).toBe(mode === 'socket');
      });

      it('a Slack message reaches IRC with its author and formatting', async () => {
        fake.say(general, dana, 'hello *irc* people :wave:');
        const [line] = await ircbob.waitForMessages('#proj', 1, 30_000);
        expect(line?.nick).toBe('mcgw');
        expect(line?.text).toContain('\x02'); // bold kept as IRC bold
        expect(plain(line?.text ?? '')).toBe('<dana> hello irc people 👋');
      });

      it('an IRC line reaches Slack under the IRC nick, in mrkdwn', async () => {
        ircbob.say('#proj', 'hi from \x02irc\x02');
        const found = () =>
          fake.state
            .history(general.id)
            .find((m) => m.username !== undefined && m.text.includes('hi from'));
        await until(() => found() !== undefined, 'the IRC line on Slack', 3_000);
        expect(found()).toMatchObject({
          text: 'hi from *irc*',
          username: 'ircbob',
          bot_id: fake.state.botId,
        });
      });

      it('a Slack edit arrives on IRC as a correction, and nothing echoes back', async () => {
        const before = ircbob.messagesIn('#proj').length;
        const original = fake.state
          .history(general.id)
          .find((m) => m.text === 'hello *irc* people :wave:');
        fake.edit(original!, 'hello *irc* folks');
        const lines = await ircbob.waitForMessages('#proj', before + 1, 30_000);
        expect(plain(lines.at(-1)?.text ?? '')).toContain('hello irc folks');
        // Markers instead of a fixed sleep: one more line each way, sent after the edit. Each
        // side handles its events in order, so an echo of the bot's own posts would arrive
        // before the marker does.
        fake.say(general, dana, 'marker from slack');
        await ircbob.waitUntil(
          () => ircbob.messagesIn('#proj').find((m) => m.text.includes('marker from slack')),
          30_000,
          'the Slack marker on IRC',
        );
        ircbob.say('#proj', 'marker from irc');
        const botPosts = () =>
          fake.state
            .history(general.id)
            .filter((m) => m.bot_id === fake.state.botId)
            .map((m) => m.text);
        await until(() => botPosts().includes('marker from irc'), 'the IRC marker on Slack', 3_000);
        // One Slack post per IRC line (the bot's posts were not bridged back to IRC, nor the
        // correction back to Slack).
        expect(botPosts()).toEqual(['hi from *irc*', 'marker from irc']);
        const mcgwLines = ircbob.messagesIn('#proj').filter((m) => m.nick === 'mcgw');
        expect(mcgwLines.map((m) => plain(m.text)).at(-1)).toBe('<dana> marker from slack');
        expect(mcgwLines).toHaveLength(3);
        if (mode === 'http') expect(fake.http?.answers.every((a) => a.status === 200)).toBe(true);
      });

      it('a workspace admin links and unlinks a Slack channel with /multichat', async () => {
        const random = fake.addChannel('random');
        const admin = fake.addUser('root', { admin: true });
        const answer = async (text: string) => {
          const id = fake.command(random, admin, text);
          await until(
            () => (fake.responses.get(id)?.length ?? 0) > 0,
            `the answer to ${text}`,
            3_000,
          );
          return (fake.responses.get(id)?.[0] as { text?: string }).text ?? '';
        };
        type Links = { links: { network: string; target: Record<string, string> }[] };
        const slackTargets = async () =>
          (await gateway.api<Links>('GET', '/api/v1/links')).links
            .filter((l) => l.network === 'slack')
            .map((l) => l.target);
        expect(await answer('link town-square')).toMatch(
          /^Linked to the Multichat channel town-square/,
        );
        expect(await slackTargets()).toContainEqual({ channel: random.id });
        expect(await answer('links')).toContain('town-square');
        expect(await answer('unlink')).toMatch(/^Removed town-square/);
        expect(await slackTargets()).not.toContainEqual({ channel: random.id });
      });
    });
  });
}
