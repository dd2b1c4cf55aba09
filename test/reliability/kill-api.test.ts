/**
 * Issue 23, kill -9 under load through the HTTP API: a gateway SIGKILLed while 8 clients post
 * numbered messages, started again on the same data dir. Every message acknowledged with 201
 * before the kill is in the history exactly once; nothing is duplicated; every SQLite file
 * passes `PRAGMA integrity_check` straight after the kill. The figures go to the test's output.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { KillableGateway } from './support/killable-gateway.js';
import { LOAD_MESSAGES, historyOf, numbered, postAll, tally } from './support/load.js';

let gateway: KillableGateway | undefined;
afterAll(async () => gateway?.destroy());

describe('a gateway killed with SIGKILL while the API takes writes', () => {
  it(
    'keeps every acknowledged message exactly once, with intact databases',
    async () => {
      gateway = await KillableGateway.start({ name: 'kill-api' });
      const user = await gateway.ok<{ token: string }>('POST', '/api/v1/users', {
        username: 'ann',
      });
      const channel = (
        await gateway.ok<{ id: string }>('POST', '/api/v1/channels', { name: 'load' }, user.token)
      ).id;

      const texts = numbered('kill-api ', LOAD_MESSAGES);
      // Killed part-way: after 40% of the messages are acknowledged, with 8 requests in flight.
      const killAt = Math.floor(LOAD_MESSAGES * 0.4);
      let killed: Promise<void> | undefined;
      const posted = await postAll(gateway, user.token, channel, texts, (n) => {
        if (n === killAt) killed = gateway!.kill();
      });
      await killed;
      expect(posted.acked.length).toBeGreaterThanOrEqual(killAt);
      expect(posted.failed.length).toBeGreaterThan(0); // the kill really cut requests short

      const integrity = gateway.integrity();
      expect(Object.keys(integrity).length).toBeGreaterThan(0);
      for (const result of Object.values(integrity)) expect(result).toBe('ok');

      const recovery = await gateway.launch();
      const seen = (await historyOf(gateway, user.token, channel)).map((m) => m.text ?? '');
      const result = tally(posted.acked, seen, 'kill-api ');
      console.log(
        JSON.stringify({
          scenario: 'kill -9, HTTP API',
          planned: LOAD_MESSAGES,
          acknowledged: posted.acked.length,
          inFlightAtKill: posted.failed.length,
          lost: result.lost.length,
          duplicated: result.duplicated.length,
          storedUnacknowledged: result.extra,
          recoverySeconds: Number(recovery.toFixed(2)),
          integrity,
        }),
      );
      expect(result.lost).toEqual([]);
      expect(result.duplicated).toEqual([]);
      // After the restart the channel takes writes again.
      const after = await gateway.api(
        'POST',
        `/api/v1/channels/${channel}/messages`,
        { text: 'after' },
        user.token,
      );
      expect(after.status).toBe(201);
    },
    120_000 + LOAD_MESSAGES * 60,
  );
});
