/**
 * IRC → IRC relay through the gateway, and the same through matterbridge, on one real ngircd:
 * raw clients post in #a, a raw client in #b measures when the relayed line arrives.
 *
 * - conversation: bursts of 3 lines 50 ms apart, a burst every 2 s (how people type);
 * - spaced: 30 lines, one every 2 × flood delay (no flood wait for either tool);
 * - throughput: 40 lines from 4 senders at once; lines/s from first send to last arrival.
 *
 * Both tools get the same flood delay (`IRC_FLOOD_DELAY_MS`, default 500: our `flood.delayMs`,
 * matterbridge's `MessageDelay`). Ours is a token bucket (burst 4, the default); matterbridge
 * sends one line per ticker tick. The gateway runs as `multichat start` with both channels linked
 * to one Multichat channel, so each line goes IRC → core (signed, stored) → outbox → IRC.
 * Prints ONE JSON object.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startNgircd } from '../test/peers/ngircd.js';
import { RawIrcClient } from '../test/support/irc-client.js';
import { IrcGateway } from '../test/support/irc-gateway.js';
import { ensureMatterbridge, startMatterbridge } from './_matterbridge.js';
import { breakdown, type SentLine } from './_spans.js';
import { ensureBuilt } from './_built.js';
import { environment } from './environment.js';

const FLOOD_DELAY_MS = Number(process.env['IRC_FLOOD_DELAY_MS'] ?? 500);
const GROUPS = 10;
const SPACED = 30;
const THROUGHPUT = 40;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Wall-clock ms with sub-ms decimals, the clock the receiving client stamps lines with. */
const clock = () => performance.timeOrigin + performance.now();

interface Phase {
  readonly n: number;
  readonly lost: number;
  readonly p50: number;
  readonly p99: number;
  readonly mean: number;
}

interface ToolResult {
  readonly conversation: Phase;
  readonly spaced: Phase;
  /** Each spaced line's send and arrival times (for the pipeline breakdown). */
  readonly spacedLines: readonly SentLine[];
  readonly throughput: {
    readonly messages: number;
    readonly delivered: number;
    readonly seconds: number;
    readonly perSecond: number;
    readonly inOrderPerSender: boolean;
  };
}

function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] as number;
}

function phase(samples: readonly (number | undefined)[]): Phase {
  const got = samples.filter((s): s is number => s !== undefined).sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 100) / 100;
  return {
    n: got.length,
    lost: samples.length - got.length,
    p50: round(percentile(got, 0.5)),
    p99: round(percentile(got, 0.99)),
    mean: round(got.reduce((a, b) => a + b, 0) / Math.max(1, got.length)),
  };
}

/** Milliseconds from `sentAt` until `receiver` saw a line in #b ending with `token` (undefined if never). */
async function arrival(
  receiver: RawIrcClient,
  token: string,
  sentAt: number,
  ms = 20_000,
): Promise<number | undefined> {
  const seen = await receiver
    .waitUntil(() => receiver.messagesIn('#b').find((m) => m.text.endsWith(` ${token}`)), ms, token)
    .catch(() => undefined);
  return seen ? seen.at - sentAt : undefined;
}

async function measure(
  tool: string,
  senders: readonly RawIrcClient[],
  receiver: RawIrcClient,
): Promise<ToolResult> {
  const [first] = senders as [RawIrcClient];
  // Warm-up: the first line of a fresh channel link costs lookups that later lines do not.
  for (let i = 0; i < 2; i++) {
    const token = `${tool}-warm-${i}`;
    first.say('#a', token);
    await arrival(receiver, token, clock());
  }
  await sleep(2 * FLOOD_DELAY_MS);

  const conversation: (number | undefined)[] = [];
  for (let g = 0; g < GROUPS; g++) {
    const pending: Promise<number | undefined>[] = [];
    for (let k = 0; k < 3; k++) {
      const token = `${tool}-c${g}-${k}`;
      first.say('#a', token);
      pending.push(arrival(receiver, token, clock()));
      await sleep(50);
    }
    conversation.push(...(await Promise.all(pending)));
    await sleep(2_000);
  }

  const spaced: (number | undefined)[] = [];
  const spacedLines: SentLine[] = [];
  for (let i = 0; i < SPACED; i++) {
    const token = `${tool}-s${i}`;
    const sentAt = clock();
    first.say('#a', token);
    const ms = await arrival(receiver, token, sentAt);
    spaced.push(ms);
    spacedLines.push({ sentAt, arrivedAt: ms === undefined ? undefined : sentAt + ms });
    await sleep(2 * FLOOD_DELAY_MS);
  }

  const tokens: string[][] = senders.map(() => []);
  const start = clock();
  for (let i = 0; i < THROUGHPUT; i++) {
    const s = i % senders.length;
    const token = `${tool}-t${s}-${i}`;
    tokens[s]?.push(token);
    senders[s]?.say('#a', token);
  }
  const all = tokens.flat();
  const lastArrival = await Promise.all(all.map((t) => arrival(receiver, t, start, 180_000)));
  const delivered = lastArrival.filter((t) => t !== undefined).length;
  const seconds = Math.max(...lastArrival.map((t) => t ?? 0)) / 1000;
  const received = receiver.messagesIn('#b').map((m) => m.text);
  const inOrder = tokens.every((list) => {
    const positions = list
      .map((t) => received.findIndex((r) => r.endsWith(` ${t}`)))
      .filter((p) => p >= 0);
    return positions.every((p, i) => i === 0 || p > (positions[i - 1] as number));
  });
  return {
    conversation: phase(conversation),
    spaced: phase(spaced),
    spacedLines,
    throughput: {
      messages: THROUGHPUT,
      delivered,
      seconds: Math.round(seconds * 100) / 100,
      perSecond: Math.round((delivered / Math.max(seconds, 0.001)) * 100) / 100,
      inOrderPerSender: inOrder,
    },
  };
}

/** Resolves once the bot `nick` is in both channels (seen by the clients there). */
async function botJoined(
  sender: RawIrcClient,
  receiver: RawIrcClient,
  nick: string,
): Promise<void> {
  const joined = (c: RawIrcClient, channel: string) =>
    c.waitForLine(
      (l) => l.command === 'JOIN' && l.nick === nick && l.params[0]?.toLowerCase() === channel,
      60_000,
    );
  await Promise.all([joined(sender, '#a'), joined(receiver, '#b')]);
}

ensureBuilt();
const peer = await startNgircd();
const work = mkdtempSync(join(tmpdir(), 'mc-bench-irc-'));
const clients: RawIrcClient[] = [];
let ours: ToolResult | undefined;
let theirs: ToolResult | { skipped: string } | undefined;
let stages: ReturnType<typeof breakdown> | undefined;
// The gateway records its pipeline marks here (src/core/spans.ts); matterbridge has none.
const spansFile = join(work, 'spans.log');
try {
  const receiver = await RawIrcClient.connect(peer.port, 'reader');
  clients.push(receiver);
  await receiver.join('#b');
  const senders: RawIrcClient[] = [];
  for (const nick of ['alice', 'bob', 'carol', 'dave']) {
    const c = await RawIrcClient.connect(peer.port, nick);
    await c.join('#a');
    senders.push(c);
  }
  clients.push(...senders);

  process.env['MULTICHAT_SPANS'] = spansFile;
  const gateway = await IrcGateway.start({
    name: 'bench',
    logLevel: 'warn',
    irc: {
      networks: {
        local: {
          host: '127.0.0.1',
          port: peer.port,
          tls: false,
          nick: 'mcgw',
          flood: { burst: 4, delayMs: FLOOD_DELAY_MS },
        },
      },
    },
    links: [
      { channel: 'bench', irc: { network: 'local', channel: '#a' } },
      { channel: 'bench', irc: { network: 'local', channel: '#b' } },
    ],
  });
  try {
    await botJoined(senders[0] as RawIrcClient, receiver, 'mcgw');
    ours = await measure('mc', senders, receiver);
  } finally {
    await gateway.destroy();
    delete process.env['MULTICHAT_SPANS'];
  }
  if (ours) stages = breakdown(spansFile, ours.spacedLines);
  // Keeps the raw marks for a closer look (e.g. beside a CPU profile of the gateway).
  const keep = process.env['RELAY_KEEP_SPANS'];
  if (keep) copyFileSync(spansFile, keep);

  if (process.env['RELAY_SKIP_MATTERBRIDGE'] === '1') {
    theirs = { skipped: 'RELAY_SKIP_MATTERBRIDGE=1 (only the gateway measured)' };
  } else
    try {
      await ensureMatterbridge();
      const mb = startMatterbridge(work, {
        port: peer.port,
        nick: 'mbbot',
        channels: ['#a', '#b'],
        messageDelayMs: FLOOD_DELAY_MS,
      });
      try {
        await botJoined(senders[0] as RawIrcClient, receiver, 'mbbot');
        await sleep(2_000); // matterbridge starts relaying once its gateway is up after the joins
        theirs = await measure('mb', senders, receiver);
      } catch (error) {
        theirs = {
          skipped: `matterbridge run failed: ${(error as Error).message}; output: ${mb.output().slice(-500)}`,
        };
      } finally {
        await mb.stop();
      }
    } catch (error) {
      theirs = { skipped: `matterbridge could not be built: ${(error as Error).message}` };
    }
} finally {
  for (const c of clients) await c.quit().catch(() => undefined);
  await peer.stop();
  rmSync(work, { recursive: true, force: true });
}

const mb = theirs && 'conversation' in theirs ? theirs : undefined;
const withoutLines = (r: ToolResult | { skipped: string } | undefined) => {
  if (!r || !('spacedLines' in r)) return r ?? null;
  const { spacedLines: _lines, ...rest } = r;
  return rest;
};
const ratio = (a: number, b: number | undefined) =>
  b === undefined || !(b > 0) ? null : Math.round((a / b) * 1000) / 1000;
console.log(
  JSON.stringify({
    name: 'relay-irc',
    unit: 'ms',
    value: ours?.conversation.p50 ?? null,
    p50: ours?.conversation.p50 ?? null,
    p99: ours?.conversation.p99 ?? null,
    floodDelayMs: FLOOD_DELAY_MS,
    multichat: withoutLines(ours),
    matterbridge: withoutLines(theirs),
    // Where a spaced line's time goes, stage by stage (p50 over the spaced lines).
    spacedBreakdown: stages ?? null,
    ratio:
      mb && ours
        ? {
            conversationP50: ratio(ours.conversation.p50, mb.conversation.p50),
            conversationP99: ratio(ours.conversation.p99, mb.conversation.p99),
            spacedP50: ratio(ours.spaced.p50, mb.spaced.p50),
            spacedP99: ratio(ours.spaced.p99, mb.spaced.p99),
            throughput: ratio(ours.throughput.perSecond, mb.throughput.perSecond),
          }
        : null,
    target: {
      conversationP50Ratio: 0.5,
      met: mb && ours ? ours.conversation.p50 <= 0.5 * mb.conversation.p50 : null,
    },
    environment: {
      ...environment(),
      ircd: 'ngircd (Debian)',
      matterbridge: mb ? 'v1.26.0 (IRC only build)' : null,
    },
  }),
);
