/**
 * Fan-out: one inbound IRC line (#a on a real ngircd) delivered by `multichat start` to a second
 * IRC channel (#b), a Slack channel (the Slack fake, Socket Mode) and a Discord channel (the
 * Discord fake), all linked to one Multichat channel. The offered rate goes up in steps
 * (`BENCH_FANOUT_RATES`, default 1,2,4,8,16 lines/s, `BENCH_FANOUT_STEP_S` seconds each, from 8
 * IRC senders in turn); after each step the bench waits until every target has every line (at
 * most 30 s). Per step and target: p50/p99 of send → arrival, and whether the target's queue
 * grew (its later lines waited over 3× longer than its first ones, or it had not caught up 30 s
 * after the step). A target that fell behind is not waited for again. The sustained rate of a
 * target is the highest step it kept up with. Fakes get generous limits (Discord 50 requests/s,
 * Slack 100 posts/s), so what limits a target is the gateway, its adapter's own rate limit
 * (Slack: 1 message/s, the documented chat.postMessage rate) or IRC flood control (burst 10,
 * one line per 50 ms here). Synapse is left out (optional in the brief, slow to start).
 * Prints ONE JSON object.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startDiscordFake } from '../test/peers/discord-fake/index.js';
import { freePort } from '../test/peers/free-port.js';
import {
  readGatewayLog,
  spawnGateway,
  stopGateway,
  waitForProbe,
  writeGatewayConfig,
} from '../test/peers/gateway-spawn.js';
import { startNgircd } from '../test/peers/ngircd.js';
import { startSlackFake } from '../test/peers/slack-fake/index.js';
import { RawIrcClient } from '../test/support/irc-client.js';
import { ensureBuilt } from './_built.js';
import { environment } from './environment.js';

const RATES = (process.env['BENCH_FANOUT_RATES'] ?? '1,2,4,8,16').split(',').map(Number);
const STEP_S = Number(process.env['BENCH_FANOUT_STEP_S'] ?? 8);
const DRAIN_MS = 30_000;
const TARGETS = ['irc', 'slack', 'discord'] as const;
type Target = (typeof TARGETS)[number];
const clock = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Arrival time of each token per target (filled by the observers below). */
const arrivals: Record<Target, Map<string, number>> = {
  irc: new Map(),
  slack: new Map(),
  discord: new Map(),
};
const TOKEN = /fan-\d+-\d+/;
function arrived(target: Target, text: string): void {
  const token = TOKEN.exec(text)?.[0];
  if (token && !arrivals[target].has(token)) arrivals[target].set(token, clock());
}
/** Calls `seen` for every value stored in `map` from now on (the fakes keep posts in Maps). */
function watchMap<V>(map: Map<string, V>, seen: (value: V) => void): void {
  const set = map.set.bind(map);
  map.set = (key: string, value: V) => {
    seen(value);
    return set(key, value);
  };
}

const percentile = (sorted: readonly number[], q: number) =>
  sorted.length === 0
    ? null
    : Math.round(
        (sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] as number) * 10,
      ) / 10;

ensureBuilt();
const work = mkdtempSync(join(tmpdir(), 'mc-bench-fanout-'));
const irc = await startNgircd();
const slack = await startSlackFake({ limits: () => ({ rate: 100, burst: 100 }) });
const discord = await startDiscordFake({
  heartbeatIntervalMs: 5_000,
  limitFor: () => ({ limit: 50, windowMs: 1_000 }),
  globalPerSecond: 200,
});
slack.addChannel('general', { botMember: false });
watchMap(slack.state.messages, (m) => arrived('slack', m.text));
watchMap(discord.state.messages, (m) => arrived('discord', m.content));

const clients: RawIrcClient[] = [];
const steps: Record<string, unknown>[] = [];
const sustained: Record<Target, number> = { irc: 0, slack: 0, discord: 0 };
let gatewayLog = '';
let spawned: ReturnType<typeof spawnGateway> | undefined;
try {
  const reader = await RawIrcClient.connect(irc.port, 'reader');
  clients.push(reader);
  await reader.join('#b');
  const senders: RawIrcClient[] = [];
  for (let i = 0; i < 8; i++) {
    const c = await RawIrcClient.connect(irc.port, `s${i}`);
    await c.join('#a');
    senders.push(c);
  }
  clients.push(...senders);
  const watchedLines = new Set<unknown>();
  const pollIrc = () => {
    for (const m of reader.messagesIn('#b')) {
      if (watchedLines.has(m)) continue;
      watchedLines.add(m);
      const token = TOKEN.exec(m.text)?.[0];
      if (token && !arrivals.irc.has(token)) arrivals.irc.set(token, m.at);
    }
  };

  const httpPort = await freePort();
  const config = writeGatewayConfig(work, {
    httpPort,
    p2pPort: await freePort(),
    adminToken: 'fanout-bench-admin-token-0123456789',
    logLevel: 'warn',
    bridges: {
      irc: {
        networks: {
          local: {
            host: '127.0.0.1',
            port: irc.port,
            tls: false,
            nick: 'mcgw',
            flood: { burst: 10, delayMs: 50 },
          },
        },
      },
      slack: { botToken: slack.botToken, appToken: slack.appToken, apiUrl: slack.apiUrl },
      discord: { token: discord.token, apiUrl: discord.apiUrl },
    },
    links: [
      { channel: 'fan', irc: { network: 'local', channel: '#a' } },
      {
        channel: 'fan',
        irc: { network: 'local', channel: '#b' },
        slack: { channel: '#general' },
        discord: { channel: discord.channel.id },
      },
    ],
  });
  spawned = spawnGateway(work, config);
  await waitForProbe(spawned, `http://127.0.0.1:${httpPort}`, '/readyz', 'fanout', work);
  await reader.waitForLine((l) => l.command === 'JOIN' && l.nick === 'mcgw', 60_000);

  // Warm-up: a few lines until every target has one.
  for (let i = 0; i < 5; i++) {
    senders[0]?.say('#a', `warm fan-0-${i}`);
    await sleep(500);
  }
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline && TARGETS.some((t) => (pollIrc(), arrivals[t].size < 5))) {
    await sleep(50);
  }

  const behind = new Set<Target>();
  for (const [s, rate] of RATES.entries()) {
    const step = s + 1;
    const sent = new Map<string, number>();
    const count = Math.max(1, Math.round(rate * STEP_S));
    const started = performance.now();
    for (let i = 0; i < count; i++) {
      const due = started + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      const token = `fan-${step}-${i}`;
      sent.set(token, clock());
      senders[i % senders.length]?.say('#a', `line ${token}`);
    }
    // Wait for every line at every target still keeping up (bounded).
    const until = Date.now() + DRAIN_MS;
    const missing = (t: Target) => [...sent.keys()].filter((k) => !arrivals[t].has(k)).length;
    while (Date.now() < until && TARGETS.some((t) => !behind.has(t) && (pollIrc(), missing(t) > 0)))
      await sleep(50);
    pollIrc();
    const perTarget: Record<string, unknown> = {};
    for (const t of TARGETS) {
      const latencies = [...sent].map(([k, at]) => {
        const got = arrivals[t].get(k);
        return got === undefined ? undefined : got - at;
      });
      const got = latencies.filter((x): x is number => x !== undefined);
      const sorted = [...got].sort((a, b) => a - b);
      const third = Math.max(1, Math.floor(latencies.length / 3));
      const mean = (xs: (number | undefined)[]) => {
        const ok = xs.filter((x): x is number => x !== undefined);
        return ok.length === 0 ? Infinity : ok.reduce((a, b) => a + b, 0) / ok.length;
      };
      const first = mean(latencies.slice(0, third));
      const last = mean(latencies.slice(-third));
      const grew = got.length < count || last > 3 * Math.max(first, 20);
      if (grew) behind.add(t);
      else if (!behind.has(t)) sustained[t] = rate;
      perTarget[t] = {
        delivered: got.length,
        p50Ms: percentile(sorted, 0.5),
        p99Ms: percentile(sorted, 0.99),
        firstThirdMeanMs: Number.isFinite(first) ? Math.round(first) : null,
        lastThirdMeanMs: Number.isFinite(last) ? Math.round(last) : null,
        queueGrew: grew,
      };
    }
    steps.push({ ratePerSecond: rate, lines: count, ...perTarget });
    if (TARGETS.every((t) => behind.has(t))) break;
  }
} finally {
  if (spawned) gatewayLog = readGatewayLog(work).slice(-1000);
  await stopGateway(spawned);
  for (const c of clients) await c.quit().catch(() => undefined);
  await irc.stop();
  await slack.stop();
  await discord.stop();
  rmSync(work, { recursive: true, force: true });
}

const all = Math.min(...TARGETS.map((t) => sustained[t]));
console.log(
  JSON.stringify({
    name: 'fanout',
    unit: 'lines/s',
    value: all,
    what: 'one IRC line → a second IRC channel + Slack fake + Discord fake, stepped rate',
    sustainedPerTarget: sustained,
    stepSeconds: STEP_S,
    steps,
    limits: {
      slackAdapter: '1 message/s, burst 4 (adapter rateLimit)',
      ircFlood: 'burst 10, 50 ms',
      fakes: 'Slack 100/s, Discord 50/s per route',
    },
    gatewayLogTail: steps.length === 0 ? gatewayLog : undefined,
    environment: environment(),
  }),
);
