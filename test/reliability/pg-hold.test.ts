/**
 * Issue 23, a long mapping store outage under traffic: PostgreSQL is stopped while IRC lines and
 * Discord messages keep coming. The gateway holds at most `store.maxHeldInbound` events in
 * memory (runtime/inbound-hold.ts); every event past that is counted as
 * `multichat_bridge_dropped_total{reason="overload"}` and logged, never silently gone. Once the
 * server is back the held IRC lines arrive in order and the shed ones do not (IRC keeps no
 * history), `arrived + counted = sent`; Discord's shed messages are read back by backfill, all
 * of them, in order, once. Meanwhile a route that needs the store answers 503 + Retry-After.
 * The short restart that loses nothing is pg-restart.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAST_LIMITS } from '../peers/discord-fake/harness.js';
import { startDiscordFake, type DiscordFake } from '../peers/discord-fake/index.js';
import { startNgircd, type NgircdPeer } from '../peers/ngircd.js';
import { findPostgresBin, startPostgres, type PostgresPeer } from '../peers/postgres.js';
import { RawIrcClient } from '../support/irc-client.js';
import { eventually } from '../support/eventually.js';
import { KILLABLE_ADMIN_TOKEN, KillableGateway } from './support/killable-gateway.js';
import { historyOf } from './support/load.js';

const HELD = 4;
const DURING = 12;
const available = findPostgresBin() !== undefined;

let ngircd: NgircdPeer | undefined;
let postgres: PostgresPeer | undefined;
let gateway: KillableGateway | undefined;
let irc: RawIrcClient | undefined;
let discord: DiscordFake | undefined;

beforeAll(async () => {
  if (!available) return;
  ngircd = await startNgircd();
  postgres = await startPostgres();
  // Discord's own heartbeat interval: a 1 s beat flaps the connection on a loaded machine.
  discord = await startDiscordFake({ ...FAST_LIMITS, heartbeatIntervalMs: 41_250 });
  irc = await RawIrcClient.connect(ngircd.port, 'ircbob');
  await irc.join('#hold');
  gateway = await KillableGateway.start({
    name: 'pg-hold',
    probe: '/readyz',
    sections: { store: { kind: 'postgres', url: postgres.url, maxHeldInbound: HELD } },
    bridges: {
      irc: {
        networks: {
          local: { host: '127.0.0.1', port: ngircd.port, tls: false, nick: 'mcbridge' },
        },
      },
      discord: {
        token: discord.token,
        apiUrl: discord.apiUrl,
        cdnUrl: discord.cdnUrl,
        useWebhooks: false,
        slashCommand: false,
        memberEvents: false,
        typing: false,
        backfill: { maxAgeHours: 1, maxMessages: 100 },
      },
    },
    links: [
      {
        channel: 'hold',
        irc: { network: 'local', channel: '#hold' },
        discord: { channel: discord.channel.id },
      },
    ],
  });
  await irc.waitForLine((l) => l.command === 'JOIN' && l.nick === 'mcbridge', 30_000);
}, 120_000);

afterAll(async () => {
  await irc?.quit().catch(() => undefined);
  await gateway?.destroy();
  await Promise.all([ngircd?.stop(), postgres?.stop(), discord?.stop()]);
}, 60_000);

const shedCount = async (gw: KillableGateway, network: string) =>
  Number(
    new RegExp(
      `^multichat_bridge_dropped_total\\{network="${network}",kind="message",reason="overload"\\} (\\d+)$`,
      'm',
    ).exec((await gw.metrics()).text)?.[1] ?? 0,
  );

describe.skipIf(!available)('PostgreSQL (mapping store) down for long under traffic', () => {
  it('holds up to the bound, counts every line past it, delivers the held ones when it is back', async () => {
    const gw = gateway!;
    const bob = irc!;
    const user = await gw.ok<{ token: string }>('POST', '/api/v1/users', { username: 'ann' });
    const channel = (
      await gw.ok<{ channels: { id: string; name: string }[] }>('GET', '/api/v1/channels')
    ).channels.find((c) => c.name === 'hold')?.id;
    expect(channel).toBeDefined();
    await gw.ok('POST', `/api/v1/channels/${channel}/join`, {}, user.token);
    const inChannel = async () =>
      (await historyOf(gw, user.token, channel!)).map((m) => m.text ?? '');
    const arrived = (text: string, what: string, timeoutMs = 60_000) =>
      eventually(async () => (await inChannel()).includes(text) || undefined, {
        what,
        timeoutMs,
      });

    const dana = discord!.addUser('dana');
    const onDiscord = (text: string) => discord!.say(discord!.channel.id, dana, text);
    bob.say('#hold', 'before');
    await arrived('before', 'the IRC line before the outage');
    onDiscord('d before');
    await arrived('d before', 'the Discord message before the outage');

    await postgres!.halt();
    // A route that needs the store answers 503 with Retry-After once the connect gives up
    // (src/mapping/postgres/ride-out.ts waits 30 s for a restart), not a 500.
    const links = fetch(`${gw.httpUrl}/api/v1/links`, {
      headers: { authorization: `Bearer ${KILLABLE_ADMIN_TOKEN}` },
      signal: AbortSignal.timeout(90_000),
    }).then(
      async (r) => ({
        status: r.status,
        retryAfter: r.headers.get('retry-after'),
        error: ((await r.json()) as { error?: { code: string; message: string } }).error,
      }),
      (error: unknown) => ({
        status: 0,
        retryAfter: null,
        error: { code: String(error), message: '' },
      }),
    );
    const sent = Array.from({ length: DURING }, (_, i) => `during ${i}`);
    for (const line of sent) bob.say('#hold', line);
    // Every line past the bound is counted while the server is still down.
    await eventually(async () => (await shedCount(gw, 'irc')) === DURING - HELD || undefined, {
      what: `${DURING - HELD} IRC lines counted as shed`,
      timeoutMs: 60_000,
    });
    // The hold is full of IRC lines: every Discord message is shed too, counted.
    const saidOnDiscord = Array.from({ length: DURING }, (_, i) => `d during ${i}`);
    for (const text of saidOnDiscord) onDiscord(text);
    await eventually(async () => (await shedCount(gw, 'discord')) === DURING || undefined, {
      what: `${DURING} Discord messages counted as shed`,
      timeoutMs: 60_000,
    });
    expect(await inChannel()).toEqual(['before', 'd before']);
    const refused = await links;
    expect([refused.status, refused.retryAfter, refused.error?.code]).toEqual([
      503,
      '5',
      'store_unavailable',
    ]);
    expect(refused.error?.message).not.toContain('127.0.0.1');
    await postgres!.resume();

    await arrived(`during ${HELD - 1}`, 'the last held IRC line after the restart');
    // Discord keeps history: once the hold is down to half, its shed messages are read back.
    await arrived(`d during ${DURING - 1}`, 'the shed Discord messages read back');
    bob.say('#hold', 'after');
    onDiscord('d after');
    await arrived('after', 'the IRC line after the outage');
    await arrived('d after', 'the Discord message after the outage');
    const got = await inChannel();
    const ircGot = got.filter((t) => !t.startsWith('d '));
    const discordGot = got.filter((t) => t.startsWith('d '));
    const ircShed = await shedCount(gw, 'irc');
    const discordShed = await shedCount(gw, 'discord');
    const log = gw.log();
    console.log(
      JSON.stringify({
        scenario:
          'PostgreSQL mapping store down under IRC and Discord traffic, past store.maxHeldInbound',
        bound: HELD,
        irc: {
          sentDuring: DURING,
          arrived: ircGot.filter((t) => t.startsWith('during ')).length,
          countedAsShed: ircShed,
        },
        discord: {
          sentDuring: DURING,
          arrived: discordGot.filter((t) => t.startsWith('d during ')).length,
          countedAsShed: discordShed,
        },
      }),
    );
    // IRC: the held lines in order, then the line after; the shed ones are counted and none is
    // unaccounted for (IRC keeps no history to read them back from).
    expect(ircGot).toEqual(['before', ...sent.slice(0, HELD), 'after']);
    expect(ircShed).toBe(DURING - HELD);
    // Discord: every message, in order, once: the shed ones were read back by backfill (they
    // stay in the counter, which counts what was shed).
    expect(discordGot).toEqual(['d before', ...saidOnDiscord, 'd after']);
    expect(discordShed).toBe(DURING);
    expect(log).toContain('inbound hold full');
    expect(log).toContain('inbound hold down to half');
  }, 240_000);
});
