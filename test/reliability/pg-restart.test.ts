/**
 * Issue 23, peer restarts under load: the mapping store on PostgreSQL goes down (`pg_ctl stop -m
 * fast`: every connection terminated, as in an operator's restart; `-m immediate` on this
 * non-durable test cluster would also lose commits) and comes back while messages flow both ways
 * between the HTTP API and IRC (ngircd) through one gateway. The gateway must live through it
 * (an unhandled pg 'error' killed it), take every API write, keep order both ways and deliver
 * everything, before, during and after the outage: nothing lost either way. The server goes
 * down while lines and posts are in flight, so statements fail under the gateway (the inbound
 * line and the fan-out enqueue that met them are held and tried again, runtime/store-wait.ts)
 * and later ones wait for the server. ngircd and Synapse restarts under load are in irc-e2e
 * ("loses no message when the IRC server restarts") and matrix-outage.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNgircd, type NgircdPeer } from '../peers/ngircd.js';
import { findPostgresBin, startPostgres, type PostgresPeer } from '../peers/postgres.js';
import { RawIrcClient } from '../support/irc-client.js';
import { eventually } from '../support/eventually.js';
import { KillableGateway } from './support/killable-gateway.js';
import { historyOf } from './support/load.js';

/**
 * Messages each way: a third before the outage, a third during it (the first of them in flight
 * when the server shuts down), a third after.
 */
const EACH_WAY = Number(process.env['RELIABILITY_PG_MESSAGES'] ?? 60);
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
  await irc.join('#load');
  gateway = await KillableGateway.start({
    name: 'pg-restart',
    probe: '/readyz',
    sections: { store: { kind: 'postgres', url: postgres.url } },
    bridges: {
      irc: {
        networks: {
          local: {
            host: '127.0.0.1',
            port: ngircd.port,
            tls: false,
            nick: 'mcbridge',
            flood: { burst: 10, delayMs: 100 },
          },
        },
      },
    },
    links: [{ channel: 'load', irc: { network: 'local', channel: '#load' } }],
  });
  await irc.waitForLine((l) => l.command === 'JOIN' && l.nick === 'mcbridge', 30_000);
}, 120_000);

afterAll(async () => {
  await irc?.quit().catch(() => undefined);
  await gateway?.destroy();
  await Promise.all([ngircd?.stop(), postgres?.stop()]);
}, 60_000);

/**
 * A connection that holds the message mapping table locked (`lock()`), so the gateway's next
 * statements on it wait on the server; `waiting()` lists the statements waiting for a lock.
 */
async function holdMessageMap(url: string) {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined); // the server's shutdown ends this connection too
  await client.connect();
  return {
    openDeliveries: async () =>
      Number(
        (
          await client.query<{ n: string }>(
            "SELECT count(*) AS n FROM outbox WHERE state IN ('pending', 'sending')",
          )
        ).rows[0]?.n,
      ),
    lock: async () => {
      await client.query('BEGIN');
      await client.query('LOCK TABLE message_map IN ACCESS EXCLUSIVE MODE');
    },
    waiting: async () => {
      // Inside a transaction the statistics views answer from one snapshot unless cleared.
      await client.query('SELECT pg_stat_clear_snapshot()');
      const rows = await client.query<{ query: string }>(
        "SELECT query FROM pg_stat_activity WHERE wait_event_type = 'Lock'",
      );
      return rows.rows.map((r) => r.query);
    },
    end: () => client.end().catch(() => undefined),
  };
}

/** How often each of `wanted` occurs in `seen`, and whether the first occurrences keep order. */
function account(wanted: readonly string[], seen: readonly string[]) {
  const count = new Map<string, number>();
  for (const s of seen) count.set(s, (count.get(s) ?? 0) + 1);
  const lost = wanted.filter((w) => !count.has(w));
  const duplicated = wanted.filter((w) => (count.get(w) ?? 0) > 1);
  const firsts = wanted.filter((w) => count.has(w)).map((w) => seen.indexOf(w));
  const inOrder = firsts.every((at, i) => i === 0 || at > firsts[i - 1]!);
  return { lost, duplicated, inOrder };
}

describe.skipIf(!available)('PostgreSQL (mapping store) restarted while messages flow', () => {
  it(
    'survives it, keeps order, waits it out: nothing lost either way',
    async () => {
      const gw = gateway!;
      const bob = irc!;
      const user = await gw.ok<{ token: string }>('POST', '/api/v1/users', { username: 'ann' });
      const channel = (
        await gw.ok<{ channels: { id: string; name: string }[] }>('GET', '/api/v1/channels')
      ).channels.find((c) => c.name === 'load')?.id;
      expect(channel).toBeDefined();
      await gw.ok('POST', `/api/v1/channels/${channel}/join`, {}, user.token);

      const apiTexts: string[] = [];
      const ircTexts: string[] = [];
      const acked: string[] = [];
      const third = Math.ceil(EACH_WAY / 3);
      // One message each way per step, posted in order (the API one awaited: its 201 is the ack).
      const say = (i: number, phase: string) => {
        const line = `irc ${phase} ${i}`;
        ircTexts.push(line);
        bob.say('#load', line);
      };
      const post = async (i: number, phase: string) => {
        const api = `api ${phase} ${i}`;
        apiTexts.push(api);
        const answer = await gw.api(
          'POST',
          `/api/v1/channels/${channel}/messages`,
          { text: api },
          user.token,
        );
        if (answer.status === 201) acked.push(api);
      };
      const step = async (i: number, phase: string) => {
        say(i, phase);
        await post(i, phase);
      };
      const onIrc = () => bob.messagesIn('#load').map((m) => m.text.slice(m.text.indexOf('api ')));
      const inChannel = async () =>
        (await historyOf(gw, user.token, channel!)).map((m) =>
          (m.text ?? '').slice((m.text ?? '').indexOf('irc ')),
        );
      const arrived = async (what: string) => {
        await eventually(() => onIrc().includes(acked.at(-1)!) || undefined, {
          what: `the last API message ${what} on IRC`,
          timeoutMs: 30_000 + EACH_WAY * 150,
        });
        await eventually(async () => (await inChannel()).includes(ircTexts.at(-1)!) || undefined, {
          what: `the last IRC line ${what} in the channel`,
          timeoutMs: 30_000 + EACH_WAY * 150,
        });
      };
      let i = 0;
      for (; i < third; i++) await step(i, 'before');
      // Statements in flight when the server goes down (the case that lost a line before): a
      // lock the test holds keeps the gateway's next inbound lookup, and a statement of its next
      // delivery to IRC, waiting on the server, and the shutdown ends them; the rest of the
      // phase finds it down. Nothing is in flight to IRC first (an inbound line waits for a send
      // to its target to settle before its lookup).
      await arrived('before the outage');
      const blocker = await holdMessageMap(postgres!.url);
      await eventually(async () => (await blocker.openDeliveries()) === 0 || undefined, {
        what: 'every delivery to IRC settled',
        timeoutMs: 30_000,
      });
      await blocker.lock();
      const waitingOn = (statements: number, what: string) =>
        eventually(async () => (await blocker.waiting()).length >= statements || undefined, {
          what: `${what} waiting on the server`,
          timeoutMs: 15_000,
        });
      say(i, 'during');
      await waitingOn(1, 'the inbound lookup');
      // Its delivery to IRC reads or writes the message mappings too (before or after the send).
      await post(i++, 'during');
      await waitingOn(2, "the inbound lookup and the post's delivery");
      const down = performance.now();
      await postgres!.halt();
      await blocker.end();
      for (; i < 2 * third; i++) await step(i, 'during');
      await postgres!.resume();
      const downSeconds = (performance.now() - down) / 1000;
      const back = performance.now();
      for (; i < EACH_WAY; i++) await step(i, 'after');

      // Owed without exception: everything, both ways. The wait ends once the last message of
      // each way is there (they are delivered in order), so a lost earlier one shows below.
      await arrived('after the restart');
      const settledSeconds = (performance.now() - back) / 1000;

      const toIrc = account(acked, onIrc());
      const fromIrc = account(ircTexts, await inChannel());
      const logged = (msg: string) =>
        gw
          .log()
          .split('\n')
          .filter((l) => l.includes(`"msg":"${msg}"`)).length;
      const fanOutFailures = logged('fan-out failed');
      const deliveryFailures = logged('delivery failed');
      const storeWaits = logged('mapping store unavailable: waiting for it');
      // IRC lines the runtime could not handle during the outage are counted drops.
      const failedInbound = Number(
        /^multichat_bridge_dropped_total\{network="irc",kind="message",reason="failed"\} (\d+)$/m.exec(
          (await gw.metrics()).text,
        )?.[1] ?? 0,
      );
      console.log(
        JSON.stringify({
          scenario: 'PostgreSQL mapping store restarted under load',
          eachWay: EACH_WAY,
          downSeconds: Number(downSeconds.toFixed(2)),
          apiAcknowledged: acked.length,
          apiRefused: apiTexts.length - acked.length,
          toIrc: {
            lost: toIrc.lost.length,
            duplicated: toIrc.duplicated.length,
            duplicates: toIrc.duplicated,
            inOrder: toIrc.inOrder,
          },
          fromIrc: {
            lost: fromIrc.lost.length,
            duplicated: fromIrc.duplicated.length,
            inOrder: fromIrc.inOrder,
          },
          fanOutFailuresLogged: fanOutFailures,
          deliveryFailuresLogged: deliveryFailures,
          storeWaitsLogged: storeWaits,
          ircMessagesDroppedFailed: failedInbound,
          settledSeconds: Number(settledSeconds.toFixed(2)),
        }),
      );
      // The gateway lived through it (it crashed on an unhandled pg 'error' before) and took
      // every API write during the outage: the core's store is SQLite, not PostgreSQL.
      expect(acked).toEqual(apiTexts);
      expect((await gw.api('GET', '/healthz')).status).toBe(200);
      // Order is kept and delivery to IRC is at-least-once: a send whose 'sent' mark hit the
      // outage goes again (docs/irc.md), at most once per failed delivery attempt.
      expect(toIrc.inOrder).toBe(true);
      expect(fromIrc.inOrder).toBe(true);
      expect(fromIrc.duplicated).toEqual([]);
      expect(toIrc.duplicated.length).toBeLessThanOrEqual(deliveryFailures);
      // Nothing lost: a connect waits for the server (src/mapping/postgres/ride-out.ts), and a
      // statement that failed under the restart is tried again once it is back
      // (runtime/store-wait.ts) — the IRC line that met it, or only its mapping write when the
      // core had it already; the fan-out's enqueue. Nothing was given up on, either.
      expect(toIrc.lost).toEqual([]);
      expect(fromIrc.lost).toEqual([]);
      expect(failedInbound).toBe(0);
      expect(fanOutFailures).toBe(0);
      // The case happened: at least the inbound lookup failed under the shutdown and waited.
      expect(storeWaits).toBeGreaterThanOrEqual(1);
    },
    120_000 + EACH_WAY * 300,
  );
});
