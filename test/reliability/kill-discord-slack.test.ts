/**
 * Issue 23, kill -9 under load between two fakes: dana says a stream of numbered messages on
 * Discord while a Multichat user posts through the API; the gateway bridging Discord and Slack is
 * SIGKILLed once 40% of dana's messages are on Slack, dana says the rest of them while it is dead,
 * and it is started again on the same data dir.
 *
 * Discord → Slack: Discord keeps every message, so the gateway owes all of them (what it missed
 * while dead it reads back by backfill): each stored once, each on Slack. Slack has no idempotency
 * key (docs/slack.md, "Delivery guarantees"): a send in flight at the kill may be posted again, and
 * the router has one send in flight per target, so Slack may show at most one duplicate per kill.
 *
 * API → Discord and Slack: every post answered 201 before the kill is stored exactly once, reaches
 * Slack (within the same one-duplicate window) and reaches Discord exactly once (bot mode sends
 * Discord's nonce with enforce_nonce, so a resend after the crash returns the first message).
 *
 * Sizes: `RELIABILITY_MESSAGES` said on Discord (1,000 in CI, 10,000 by `npm run soak`), a quarter
 * as many API posts. The Slack fake's chat.postMessage limit is raised (support/discord-slack-load.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.js';
import {
  discordBotTexts,
  slackTexts,
  startDiscordSlackLoad,
  stopDiscordSlackLoad,
  type DiscordSlackLoad,
} from './support/discord-slack-load.js';
import { historyOf, LOAD_MESSAGES, numbered, postAll, tally } from './support/load.js';

const N = LOAD_MESSAGES;
/** dana's pace: fast enough that the stream is still running at the kill and while it is down. */
const SAID_PER_SECOND = 50;
/** One send in flight per target (the router's worker) is the whole crash window per kill. */
const SLACK_CRASH_WINDOW = 1;
const WAIT_MS = 90_000 + N * 60;
/** How long the restarted gateway's bridges may take to be ready while it reads back N/2.5. */
const READY_MS = 60_000 + N * 12;

let w: DiscordSlackLoad | undefined;
/** Token of pia, who posts through the API. */
let poster = '';

beforeAll(async () => {
  w = await startDiscordSlackLoad(N, READY_MS);
  poster = (await w.gateway.ok<{ token: string }>('POST', '/api/v1/users', { username: 'pia' }))
    .token;
  await w.gateway.ok('POST', `/api/v1/channels/${w.channel}/join`, undefined, poster);
}, 120_000);
afterAll(async () => stopDiscordSlackLoad(w), 60_000);

/** dana says `texts` on Discord at SAID_PER_SECOND, whether the gateway is up or not. */
async function sayAll(texts: readonly string[], said: string[]): Promise<void> {
  const started = Date.now();
  for (const [i, text] of texts.entries()) {
    // Pacing the load, not a check: wait for this message's slot in the stream.
    const due = started + (i * 1000) / SAID_PER_SECOND;
    if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
    w!.discord.say(w!.discord.channel.id, w!.dana, text);
    said.push(text);
  }
}

describe('a gateway bridging Discord and Slack killed with SIGKILL mid-stream', () => {
  it(
    'Discord → Slack loses nothing; API writes acknowledged before the kill are there once',
    async () => {
      const gw = w!.gateway;
      const said: string[] = [];
      const texts = numbered('d2s ', N);
      // 60% streamed while the gateway runs (it is killed part-way through); the rest is said
      // while it is dead, so the restart must read it back (backfill), whatever the machine's speed.
      const saying = sayAll(texts.slice(0, N * 0.6), said);
      const posting = postAll(gw, poster, w!.channel, numbered('api ', N / 4), undefined, 4);
      await eventually(() => slackTexts(w!, 'd2s ').length >= N * 0.4, {
        what: '40% of dana’s messages on Slack',
        timeoutMs: WAIT_MS,
        intervalMs: 100,
      });
      const onSlackAtKill = slackTexts(w!, 'd2s ').length;
      await gw.kill();
      const saidAtKill = said.length;
      const integrity = gw.integrity();
      for (const result of Object.values(integrity)) expect(result).toBe('ok');
      // The kill resets the API connections: what was answered 201 before it is owed.
      const { acked } = await posting;
      await saying;
      await sayAll(texts.slice(N * 0.6), said);
      const restarted = performance.now();
      const recovery = await gw.launch();

      let stored: string[] = [];
      const counts = () => ({
        fromDiscord: tally(said, slackTexts(w!, 'd2s '), 'd2s '),
        apiOnSlack: tally(acked, slackTexts(w!, 'api '), 'api '),
        apiOnDiscord: tally(acked, discordBotTexts(w!, 'api '), 'api '),
        storedFromDiscord: tally(said, stored, 'd2s '),
        storedFromApi: tally(acked, stored, 'api '),
      });
      const delivered = () => {
        const c = counts();
        return [c.fromDiscord, c.apiOnSlack, c.apiOnDiscord].every((t) => t.lost.length === 0);
      };
      await eventually(
        async () => {
          // The fakes are read in-process; the whole history (N/500 API pages) only once they
          // show everything, so the reads do not load the gateway while it catches up.
          if (!delivered()) return false;
          stored = (await historyOf(gw, w!.reader, w!.channel)).map((m) => m.text ?? '');
          return Object.values(counts()).every((t) => t.lost.length === 0);
        },
        { what: 'everything owed stored and delivered', timeoutMs: WAIT_MS, intervalMs: 1000 },
      ).catch(() => undefined);
      const drained = (performance.now() - restarted) / 1000;
      // Read once more: when the wait gave up early, the figures still count the store.
      stored = (await historyOf(gw, w!.reader, w!.channel)).map((m) => m.text ?? '');
      const c = counts();
      const figures = Object.fromEntries(
        Object.entries(c).map(([k, t]) => [k, { lost: t.lost.length, dup: t.duplicated.length }]),
      );
      console.log(
        JSON.stringify({
          scenario: 'kill -9, Discord -> Slack (+ API -> both)',
          saidOnDiscord: said.length,
          saidBeforeKill: saidAtKill,
          saidWhileDown: said.length - saidAtKill,
          onSlackAtKill,
          apiAcknowledgedBeforeKill: acked.length,
          ...figures,
          recoverySeconds: Number(recovery.toFixed(2)),
          drainedSeconds: Number(drained.toFixed(1)),
          integrity,
        }),
      );
      if (Object.values(c).some((t) => t.lost.length > 0))
        console.log(
          gw
            .log()
            .split('\n')
            .filter((l) => /"level":(40|50)/.test(l))
            .slice(-30)
            .join('\n'),
        );

      // Stored: every message Discord holds and every acknowledged post, exactly once.
      expect(c.storedFromDiscord.lost).toEqual([]);
      expect(c.storedFromDiscord.duplicated).toEqual([]);
      expect(c.storedFromApi.lost).toEqual([]);
      expect(c.storedFromApi.duplicated).toEqual([]);
      // Slack: nothing lost; duplicates only from the send in flight at the kill.
      expect(c.fromDiscord.lost).toEqual([]);
      expect(c.apiOnSlack.lost).toEqual([]);
      expect(c.fromDiscord.duplicated.length + c.apiOnSlack.duplicated.length).toBeLessThanOrEqual(
        SLACK_CRASH_WINDOW,
      );
      // Discord: the nonce makes the resend idempotent.
      expect(c.apiOnDiscord.lost).toEqual([]);
      expect(c.apiOnDiscord.duplicated).toEqual([]);
      // Nothing dana said comes back to Discord as the bot (no echo).
      expect(discordBotTexts(w!, 'd2s ')).toEqual([]);
    },
    3 * WAIT_MS,
  );
});
