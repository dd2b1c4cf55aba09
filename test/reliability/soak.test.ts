/**
 * Issue 23, soak (`npm run soak`; collected only with SOAK=1 (vitest.config.ts), so never in CI): gateway A bridges the
 * Discord and Slack fakes, gateway B is its P2P peer. For SOAK_MINUTES (default 10) 50 messages
 * a second flow: half said on Discord, half posted through B's API. Every 10 s A's /metrics is
 * sampled: resident memory, event-loop lag p99 (prom-client's monitorEventLoopDelay), open
 * handles. Prints ONE JSON: the RSS slope after the warm-up (MB/min, least squares), the worst
 * p99 lag, handles at start and end, and what arrived where.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { FAST_LIMITS } from '../peers/discord-fake/harness.js';
import { startDiscordFake, type DiscordFake } from '../peers/discord-fake/index.js';
import { startSlackFake, type SlackFake } from '../peers/slack-fake/index.js';
import { eventually } from '../support/eventually.js';
import { KillableGateway } from './support/killable-gateway.js';
import { historyOf } from './support/load.js';

const SOAK = process.env['SOAK'] === '1';
const MINUTES = Number(process.env['SOAK_MINUTES'] ?? 10);
const RATE = 50;
const WARM_UP_MINUTES = Math.min(2, MINUTES / 5);

let discord: DiscordFake | undefined;
let slack: SlackFake | undefined;
const gateways: KillableGateway[] = [];
afterAll(async () => {
  for (const g of gateways) await g.destroy();
  await Promise.all([discord?.stop(), slack?.stop()]);
}, 60_000);

interface Sample {
  readonly minute: number;
  readonly rssMb: number;
  readonly lagP99Ms: number;
  readonly handles: number;
}

async function sample(gw: KillableGateway, started: number): Promise<Sample> {
  const { text } = await gw.metrics();
  const value = (name: string): number =>
    Number(new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)$`, 'm').exec(text)?.[1] ?? NaN);
  return {
    minute: (Date.now() - started) / 60_000,
    rssMb: value('process_resident_memory_bytes') / 1e6,
    lagP99Ms: value('nodejs_eventloop_lag_p99_seconds') * 1000,
    handles: value('nodejs_active_handles_total'),
  };
}

function median(values: readonly number[]): number {
  return [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)] ?? NaN;
}

/** Least-squares slope of y over x. */
function slope(points: readonly (readonly [number, number])[]): number {
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const num = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const den = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

describe.skipIf(!SOAK)('soak: two linked networks and a P2P peer at 50 msg/s', () => {
  it(
    `holds memory and event-loop lag for ${MINUTES} minutes`,
    async () => {
      discord = await startDiscordFake(FAST_LIMITS);
      slack = await startSlackFake();
      const general = slack.addChannel('general', { botMember: false });
      const dana = discord.addUser('dana');
      const a = await KillableGateway.start({
        name: 'soak-a',
        probe: '/readyz',
        bridges: {
          discord: { token: discord.token, apiUrl: discord.apiUrl },
          slack: { botToken: slack.botToken, appToken: slack.appToken, apiUrl: slack.apiUrl },
        },
        links: [
          {
            channel: 'soak',
            discord: { channel: discord.channel.id },
            slack: { channel: '#general' },
          },
        ],
      });
      gateways.push(a);
      const b = await KillableGateway.start({ name: 'soak-b', bootstrap: [a.address] });
      gateways.push(b);
      const user = await b.ok<{ token: string }>('POST', '/api/v1/users', { username: 'bea' });
      const reader = await a.ok<{ token: string }>('POST', '/api/v1/users', { username: 'rex' });
      const list = await a.ok<{ channels: { id: string; name: string }[] }>(
        'GET',
        '/api/v1/channels',
      );
      const channel = list.channels.find((c) => c.name === 'soak')!.id;
      await a.ok('POST', `/api/v1/channels/${channel}/join`, undefined, reader.token);
      await eventually(
        async () =>
          (await b.api('POST', `/api/v1/channels/${channel}/join`, undefined, user.token))
            .status === 200,
        { what: 'B joins the channel', timeoutMs: 60_000, intervalMs: 500 },
      );

      const started = Date.now();
      const samples: Sample[] = [await sample(a, started)];
      let said = 0;
      let posted = 0;
      let failed = 0;
      const end = started + MINUTES * 60_000;
      let nextSample = started + 10_000;
      for (let tick = 0; Date.now() < end; tick += 1) {
        // 50 per second in ticks of 100 ms: 5 per tick, alternating Discord and the API.
        const due = started + tick * 100;
        if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
        for (let i = 0; i < RATE / 10; i += 1) {
          if ((tick * 5 + i) % 2 === 0) discord.say(discord.channel.id, dana, `soak d${said++}`);
          else
            void b
              .api(
                'POST',
                `/api/v1/channels/${channel}/messages`,
                { text: `soak b${posted++}` },
                user.token,
              )
              .then(
                (r) => (r.status === 201 ? undefined : failed++),
                () => failed++,
              );
        }
        if (Date.now() >= nextSample) {
          samples.push(await sample(a, started));
          nextSample += 10_000;
        }
      }
      const sent = said + posted - failed;
      const drainFrom = Date.now();
      let onSlack = 0;
      let onA = 0;
      let textsOnA: string[] = [];
      await eventually(
        async () => {
          onSlack = slack!.state.history(general.id).length;
          textsOnA = (await historyOf(a, reader.token, channel)).map((m) => m.text ?? '');
          onA = textsOnA.length;
          return onA >= sent;
        },
        { what: 'everything stored on A', timeoutMs: 300_000, intervalMs: 2000 },
      ).catch(() => undefined);
      const drainSeconds = Math.round((Date.now() - drainFrom) / 1000);
      const warm = samples.filter((s) => s.minute >= WARM_UP_MINUTES);
      console.log(
        JSON.stringify({
          bench: 'soak',
          minutes: MINUTES,
          ratePerSecond: RATE,
          saidOnDiscord: said,
          postedOnB: posted - failed,
          apiFailures: failed,
          storedOnA: onA,
          fromDiscordOnA: textsOnA.filter((t) => t.startsWith('soak d')).length,
          fromBOnA: textsOnA.filter((t) => t.startsWith('soak b')).length,
          storedOnB: (await historyOf(b, user.token, channel)).length,
          onSlack,
          drainSeconds,
          rssStartMb: Number(samples[0]!.rssMb.toFixed(1)),
          rssEndMb: Number(samples.at(-1)!.rssMb.toFixed(1)),
          rssSlopeMbPerMinAfterWarmUp: Number(
            slope(warm.map((s) => [s.minute, s.rssMb])).toFixed(2),
          ),
          lagP99MsMax: Number(Math.max(...samples.map((s) => s.lagP99Ms)).toFixed(1)),
          lagP99MsMedian: Number(median(samples.map((s) => s.lagP99Ms)).toFixed(1)),
          handlesStart: samples[0]!.handles,
          handlesEnd: samples.at(-1)!.handles,
          samples: samples.length,
        }),
      );
      expect(onA).toBeGreaterThanOrEqual(sent);
    },
    (MINUTES + 10) * 60_000,
  );
});
