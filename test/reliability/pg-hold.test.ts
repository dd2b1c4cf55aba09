/**
 * Issue 23, a long mapping store outage under traffic: PostgreSQL is stopped and IRC lines keep
 * coming. The gateway holds at most `store.maxHeldInbound` of them in memory
 * (runtime/inbound-hold.ts); every line past that is counted as
 * `multichat_bridge_dropped_total{network="irc",kind="message",reason="overload"}` and logged,
 * never silently gone (IRC keeps no history to read it back from). Once the server is back the
 * held lines arrive in order, the shed ones do not, `arrived + counted = sent`, and lines after
 * the outage flow again; meanwhile a route that needs the store answers 503 + Retry-After. The
 * read-back of networks with history is test/unit/runtime/
 * inbound-hold.test.ts; the short restart that loses nothing is pg-restart.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

beforeAll(async () => {
  if (!available) return;
  ngircd = await startNgircd();
  postgres = await startPostgres();
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
    },
    links: [{ channel: 'hold', irc: { network: 'local', channel: '#hold' } }],
  });
  await irc.waitForLine((l) => l.command === 'JOIN' && l.nick === 'mcbridge', 30_000);
}, 120_000);

afterAll(async () => {
  await irc?.quit().catch(() => undefined);
  await gateway?.destroy();
  await Promise.all([ngircd?.stop(), postgres?.stop()]);
}, 60_000);

const shedCount = async (gw: KillableGateway) =>
  Number(
    /^multichat_bridge_dropped_total\{network="irc",kind="message",reason="overload"\} (\d+)$/m.exec(
      (await gw.metrics()).text,
    )?.[1] ?? 0,
  );

describe.skipIf(!available)('PostgreSQL (mapping store) down for long under IRC traffic', () => {
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

    bob.say('#hold', 'before');
    await arrived('before', 'the line before the outage');

    await postgres!.halt();
    // A route that needs the store answers 503 with Retry-After once the connect gives up
    // (src/mapping/postgres/ride-out.ts waits 30 s for a restart), not a 500.
    const links = fetch(`${gw.httpUrl}/api/v1/links`, {
      headers: { authorization: `Bearer ${KILLABLE_ADMIN_TOKEN}` },
      signal: AbortSignal.timeout(90_000),
    });
    const sent = Array.from({ length: DURING }, (_, i) => `during ${i}`);
    for (const line of sent) bob.say('#hold', line);
    // Every line past the bound is counted while the server is still down.
    await eventually(async () => (await shedCount(gw)) === DURING - HELD || undefined, {
      what: `${DURING - HELD} lines counted as shed`,
      timeoutMs: 60_000,
    });
    expect(await inChannel()).toEqual(['before']);
    const refused = await links;
    const refusal = (await refused.json()) as { error: { code: string; message: string } };
    expect([refused.status, refused.headers.get('retry-after'), refusal.error.code]).toEqual([
      503,
      '5',
      'store_unavailable',
    ]);
    expect(refusal.error.message).not.toContain('127.0.0.1');
    await postgres!.resume();

    await arrived(`during ${HELD - 1}`, 'the last held line after the restart');
    bob.say('#hold', 'after');
    await arrived('after', 'the line after the outage');
    const got = await inChannel();
    const during = got.filter((t) => t.startsWith('during '));
    const shed = await shedCount(gw);
    const log = gw.log();
    console.log(
      JSON.stringify({
        scenario: 'PostgreSQL mapping store down under IRC traffic, past store.maxHeldInbound',
        bound: HELD,
        sentDuring: DURING,
        arrived: during.length,
        countedAsShed: shed,
        unaccounted: DURING - during.length - shed,
      }),
    );
    // The held lines, in order, then the line after; the shed ones are counted, none is
    // unaccounted for, and the episode was logged.
    expect(got).toEqual(['before', ...sent.slice(0, HELD), 'after']);
    expect(shed).toBe(DURING - HELD);
    expect(during.length + shed).toBe(DURING);
    expect(log).toContain('inbound hold full');
    expect(log).toContain('inbound hold down to half');
  }, 240_000);
});
