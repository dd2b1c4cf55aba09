/**
 * Issue 23, hostile input at a running gateway's front doors (one gateway process, the Slack fake
 * posting to its Events API endpoint, the Discord fake bringing attachment URLs):
 * - Slack requests unsigned, stale (6 minutes) or replayed byte for byte — twice in a row and
 *   again after a gateway restart, inside Slack's 5-minute window — are refused with 401 or
 *   counted once: the channel holds each genuine message exactly once and nothing else. (The
 *   adapter's receiver alone, with bad signatures and X-Slack-Retry-Num retries, is in
 *   test/integration/slack-receivers.test.ts.)
 * - Attachment URLs that are not http(s), that an allowed server redirects to a private address,
 *   or whose server is too slow (no answer, or a body that stalls) become the text plus the link
 *   (the media rule of docs/config.md `media.*`), counted; the internal server on 127.0.0.1 sees
 *   no request. (Private addresses in every spelling, too large and unreachable are in
 *   test/integration/media-ssrf.test.ts, media-e2e.test.ts and test/unit/net.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAST_LIMITS } from '../peers/discord-fake/harness.js';
import { startDiscordFake, type DiscordFake } from '../peers/discord-fake/index.js';
import { freePort } from '../peers/free-port.js';
import { startSlackFake, type FakeChannel, type SlackFake } from '../peers/slack-fake/index.js';
import { countingServer, type CountingServer } from '../support/counting-server.js';
import { eventually } from '../support/eventually.js';
import { KillableGateway } from './support/killable-gateway.js';
import { historyOf, type MessageJson } from './support/load.js';

const TIMEOUT_MS = 1_500;

let discord: DiscordFake | undefined;
let slack: SlackFake | undefined;
let general: FakeChannel | undefined;
let gateway: KillableGateway | undefined;
let internal: CountingServer | undefined;
let outside: CountingServer | undefined;
let reader = '';
let channel = '';

beforeAll(async () => {
  internal = await countingServer('127.0.0.1');
  const inside = `http://127.0.0.1:${internal.port}/secret.png`;
  // 127.0.0.2 plays the public internet (media.allow); 127.0.0.1 is the inside.
  outside = await countingServer('127.0.0.2', (req, res) => {
    if (req.url === '/to-private') return void res.writeHead(302, { location: inside }).end();
    if (req.url === '/to-localhost')
      return void res
        .writeHead(307, { location: `http://localhost:${internal!.port}/secret.png` })
        .end();
    if (req.url === '/silent') return; // never answers
    if (req.url === '/stalls') {
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': '100000' });
      return void res.write(Buffer.alloc(1_000)); // and never the rest
    }
    res.writeHead(404).end();
  });
  discord = await startDiscordFake(FAST_LIMITS);
  slack = await startSlackFake();
  const slackPort = await freePort();
  slack.useHttp(`http://127.0.0.1:${slackPort}/slack/events`);
  general = slack.addChannel('general');
  gateway = await KillableGateway.start({
    name: 'hostile-inbound',
    probe: '/readyz',
    sections: { media: { allow: ['127.0.0.2'], timeoutMs: TIMEOUT_MS } },
    bridges: {
      discord: { token: discord.token, apiUrl: discord.apiUrl, cdnUrl: discord.cdnUrl },
      slack: {
        botToken: slack.botToken,
        appToken: slack.appToken,
        signingSecret: slack.signingSecret,
        apiUrl: slack.apiUrl,
        mode: 'http',
        listen: { host: '127.0.0.1', port: slackPort },
      },
    },
    links: [
      {
        channel: 'hostile',
        discord: { channel: discord.channel.id },
        slack: { channel: '#general' },
      },
    ],
  });
  const list = await gateway.ok<{ channels: { id: string; name: string }[] }>(
    'GET',
    '/api/v1/channels',
  );
  channel = list.channels.find((c) => c.name === 'hostile')?.id ?? '';
  if (!channel) throw new Error(`no channel 'hostile': ${JSON.stringify(list)}`);
  reader = (await gateway.ok<{ token: string }>('POST', '/api/v1/users', { username: 'reader' }))
    .token;
  await gateway.ok('POST', `/api/v1/channels/${channel}/join`, undefined, reader);
}, 120_000);

afterAll(async () => {
  await gateway?.destroy();
  await Promise.all([discord?.stop(), slack?.stop(), internal?.close(), outside?.close()]);
}, 60_000);

const history = async (): Promise<MessageJson[]> => historyOf(gateway!, reader, channel);
const texts = async (prefix: string) =>
  (await history()).map((m) => m.text ?? '').filter((t) => t.startsWith(prefix));
const waitFor = (prefix: string) =>
  eventually(async () => (await texts(prefix)).length > 0 || undefined, {
    what: `"${prefix}" in the channel`,
    timeoutMs: 30_000,
  });

describe('Slack Events API requests at the gateway', () => {
  it('refuses unsigned and stale ones with 401 and stores a replayed one once, across a restart', async () => {
    const fake = slack!;
    const bob = fake.addUser('bob');
    const body = (text: string) => ({
      type: 'event_callback',
      team_id: fake.state.team.id,
      api_app_id: fake.state.appId,
      event_id: `Ev${text.replace(/\W/g, '')}`,
      event_time: Math.floor(Date.now() / 1000),
      event: { type: 'message', channel: general!.id, user: bob.id, text, ts: fake.state.nextTs() },
    });
    const http = fake.http!;
    const now = Math.floor(Date.now() / 1000);
    const unsigned = await http.postJson(body('slack unsigned'), { unsigned: true });
    const stale = await http.postJson(body('slack stale'), { timestamp: now - 6 * 60 });
    // A replay is the same bytes with the same timestamp, so the same signature.
    const replayed = body('slack replayed');
    const first = await http.postJson(replayed, { timestamp: now });
    const again = await http.postJson(replayed, { timestamp: now });
    expect([unsigned.status, stale.status]).toEqual([401, 401]);
    // Slack's verification cannot tell a replay inside the window from the original: both
    // are answered 200, and the event id (and the message's ts) make it count once.
    expect([first.status, again.status]).toEqual([200, 200]);
    await http.postJson(body('slack marker one'));
    await waitFor('slack marker one');

    // The in-memory event-id memory is gone after a restart; the replay must still not store.
    await gateway!.stop();
    await gateway!.launch();
    const afterRestart = await http.postJson(replayed, { timestamp: now });
    await http.postJson(body('slack marker two'));
    await waitFor('slack marker two');
    const seen = await texts('slack ');
    console.log(
      JSON.stringify({
        scenario: 'hostile Slack requests',
        statuses: {
          unsigned: unsigned.status,
          stale: stale.status,
          replay: [first.status, again.status, afterRestart.status],
        },
        stored: seen,
      }),
    );
    expect(seen).toEqual(['slack replayed', 'slack marker one', 'slack marker two']);
  }, 90_000);
});

describe('attachment URLs the gateway must not fetch or cannot get', () => {
  it('become the text plus the link; the internal server sees no request', async () => {
    const fake = discord!;
    const dana = fake.addUser('dana');
    const p = internal!.port;
    const cases: Record<string, string> = {
      'ftp.png': `ftp://127.0.0.2/ftp.png`,
      'file.png': 'file:///etc/passwd',
      'gopher.png': `gopher://127.0.0.1:${p}/`,
      'redirect.png': `${outside!.url}/to-private`,
      'redirect-localhost.png': `${outside!.url}/to-localhost`,
      'silent.png': `${outside!.url}/silent`,
      'stalls.png': `${outside!.url}/stalls`,
    };
    let n = 0;
    for (const [filename, url] of Object.entries(cases)) {
      const id = `${Date.now()}${++n}`;
      fake.say(fake.channel.id, dana, `media ${filename}`, {
        attachments: [
          { id, filename, size: 1_000, url, proxy_url: url, content_type: 'image/png' },
        ],
      });
    }
    // An http(s) link is kept as a Markdown autolink; other schemes stay text.
    const linked = (url: string) => (/^https?:/.test(url) ? `<${url}>` : url);
    const wanted = Object.entries(cases).map(([f, url]) => `media ${f}\n${f}: ${linked(url)}`);
    await eventually(async () => (await texts('media ')).length >= wanted.length || undefined, {
      what: 'every media message in the channel',
      timeoutMs: 30_000 + 4 * TIMEOUT_MS,
    });
    const messages = (await history()).filter((m) => m.text?.startsWith('media '));
    const reasons = gateway!
      .log()
      .split('\n')
      .filter((l) => l.includes('inbound file not carried'))
      .map((l) => JSON.parse(l) as { file: string; reason: string; err: string });
    console.log(
      JSON.stringify({
        scenario: 'hostile attachment URLs',
        cases: Object.keys(cases).length,
        degradedToLink: messages.filter((m) => wanted.includes(m.text ?? '')).length,
        reasons: Object.fromEntries(reasons.map((r) => [r.file, r.reason])),
        internalRequests: internal!.requests.length,
        outsideRequests: outside!.requests.length,
      }),
    );
    expect(messages.map((m) => m.text).sort()).toEqual([...wanted].sort());
    for (const m of messages)
      expect((m as { attachments?: unknown[] }).attachments ?? []).toEqual([]);
    expect(reasons.map((r) => r.file).sort()).toEqual(Object.keys(cases).sort());
    // The slow ones end at media.timeoutMs, not later.
    for (const r of reasons.filter((r) => ['silent.png', 'stalls.png'].includes(r.file)))
      expect(r.err).toContain(`longer than ${TIMEOUT_MS} ms`);
    expect(internal!.requests).toHaveLength(0);
    // The paths really went out: the redirects and the slow ones reached the allowed server.
    expect(outside!.requests.map((r) => r.url).sort()).toEqual([
      '/silent',
      '/stalls',
      '/to-localhost',
      '/to-private',
    ]);
  }, 90_000);
});
