/**
 * `multichat outbox` and `multichat deadletters` against a served gateway app: the waiting
 * delivery of a down network and its link's counts; the dead letter with its reason; `--retry`
 * delivers it, `--discard` makes sure it is never sent; a wrong id exits 1 with the reason.
 */
import { writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/gateway/cli/main.js';
import { createApp } from '../../src/gateway/http/app.js';
import { outboxRoutes } from '../../src/gateway/http/routes/outbox.js';
import { tempDir } from '../support/core.js';
import { startHarness } from '../unit/router/harness.js';

const ADMIN = 'cli-outbox-admin-token-0123456789abcdef';
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const closers: (() => void)[] = [];
afterAll(() => closers.forEach((c) => c()));

async function served() {
  const h = await startHarness([{ name: 'a' }]);
  const { app } = createApp(
    { node: h.node, adminToken: ADMIN, logger: quiet, status: {} },
    { routes: [outboxRoutes({ outbox: h.store.outbox, kick: () => h.runtime.kick() })] },
  );
  const http = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
  closers.push(() => http.close());
  await new Promise((resolve) => http.once('listening', resolve));
  const port = (http.address() as AddressInfo).port;
  const config = join(tempDir(), 'gateway.yaml');
  writeFileSync(config, `http: { host: 127.0.0.1, port: ${port}, adminToken: ${ADMIN} }\n`);
  const run = async (...argv: string[]) => {
    const out: string[] = [];
    const io = { out: (l: string) => out.push(l), err: (l: string) => out.push(l), env: {} };
    const code = await main([...argv, '--config', config], io);
    return { code, out };
  };
  /** Without a config: the URL and the token from flags and the environment. */
  const bare = async (argv: string[], env: Record<string, string> = {}) => {
    const out: string[] = [];
    const io = { out: (l: string) => out.push(l), err: (l: string) => out.push(l), env };
    const code = await main([...argv, '--url', `http://127.0.0.1:${port}`], io);
    return { code, out };
  };
  return { h, run, bare };
}

describe('multichat outbox / deadletters', () => {
  it('lists, retries and discards', async () => {
    const { h, run, bare } = await served();
    const a = h.adapter('a');
    a.setHealth({ state: 'reconnecting', detail: 'socket closed' });
    await h.say('held');
    const waiting = await run('outbox');
    expect(waiting.code).toBe(0);
    expect(waiting.out[0]).toMatch(/^link \S+ \(a\): 1 pending, 0 in flight$/);
    expect(waiting.out[1]).toMatch(/^\S+ {2}pending {2}a {2}send {2}attempts=0 {2}queued \S+Z$/);
    expect(waiting.out.at(-1)).toBe('1 undelivered');

    // Back, and refusing for good: the held message and the next one become dead letters.
    a.failNext(2, true);
    a.setHealth({ state: 'connected' });
    await h.settle();
    await h.say('refused too');
    h.expectDrops((d) => d.reason === 'failed');
    const dead = await run('deadletters');
    expect(dead.code).toBe(0);
    const lines = dead.out.filter((l) => / dead {2}a /.test(l));
    expect(lines).toHaveLength(2);
    for (const l of lines)
      expect(l).toMatch(/attempts=1 {2}queued \S+ {2}refused by a: test failure$/);
    expect(dead.out.at(-1)).toBe('2 dead');
    // The same list with --token, and with MULTICHAT_ADMIN_TOKEN, and no config at all.
    expect((await bare(['deadletters', '--token', ADMIN])).out).toEqual(dead.out);
    expect((await bare(['deadletters'], { MULTICHAT_ADMIN_TOKEN: ADMIN })).out).toEqual(dead.out);
    const [first, second] = lines.map((l) => l.split(' ')[0] as string);

    const retried = await run('deadletters', '--retry', first!);
    expect(retried).toEqual({ code: 0, out: [`retrying ${first} (a, send)`] });
    const discarded = await run('deadletters', '--discard', second!);
    expect(discarded).toEqual({ code: 0, out: [`discarded ${second}`] });
    await h.settle();
    // Oldest first: the retried one is 'held'; 'refused too' was discarded and never sent.
    expect(h.networks.get('a')?.posts.map((p) => p.text)).toEqual(['held']);
    expect((await run('deadletters')).out).toEqual(['0 dead']);
    expect((await run('outbox')).out).toEqual(['0 undelivered']);
    // outbox takes the same token flag (same admin client as every admin command).
    expect((await bare(['outbox', '--token', ADMIN])).out).toEqual(['0 undelivered']);
    expect((await bare(['outbox', '--token', 'wrong'])).code).not.toBe(0);

    const unknown = await run('outbox', '--discard', second!);
    expect(unknown.code).toBe(1);
    expect(unknown.out.join('\n')).toMatch(/gateway answered 404: delivery \S+ not found/);
    const both = await run('outbox', '--retry', 'x', '--discard', 'y');
    expect(both.code).toBe(2);
  });
});
