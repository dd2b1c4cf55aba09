import { writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../../src/gateway/cli/main.js';
import { createApp } from '../../../src/gateway/http/app.js';
import { linkRoutes } from '../../../src/gateway/http/routes/links.js';
import { parseTarget } from '../../../src/gateway/cli/commands/links.js';
import { linkRequestsFromConfig } from '../../../src/bridges/runtime/index.js';
import { tempDir } from '../../support/core.js';
import { startHarness } from './harness.js';

const ADMIN = 'links-admin-token-0123456789abcdef';
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const closers: (() => void)[] = [];
afterAll(() => closers.forEach((c) => c()));

async function api() {
  const h = await startHarness([{ name: 'a' }, { name: 'b' }], { link: false });
  const { app } = createApp(
    { node: h.node, adminToken: ADMIN, logger: quiet, status: {} },
    { routes: [linkRoutes(h.runtime.links)] },
  );
  const call = async (method: string, path: string, body?: unknown, token = ADMIN) => {
    const res = await app.request(`/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : undefined };
  };
  return { h, app, call };
}

describe('links API', () => {
  it('creates, lists and deletes links; a missing channel is created by the gateway', async () => {
    const { h, call } = await api();
    const created = await call('POST', '/links', {
      channel: 'fresh',
      network: 'a',
      target: { channel: 'x' },
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      channelName: 'fresh',
      network: 'a',
      target: { channel: 'x' },
    });
    const channel = h.node.findChannelByName('fresh');
    expect(channel?.id).toBe(created.json.channel);
    expect(h.node.getUser(channel?.creator as never)?.origin).toEqual({
      network: 'multichat',
      externalId: 'gateway',
    });

    expect((await call('GET', '/links')).json.links.map((l: { id: string }) => l.id)).toEqual([
      created.json.id,
    ]);
    expect((await call('DELETE', `/links/${created.json.id}`)).status).toBe(204);
    expect((await call('GET', '/links')).json.links).toEqual([]);
    expect((await call('DELETE', `/links/${created.json.id}`)).status).toBe(404);
  });

  it('refuses bad requests with the reason', async () => {
    const { h, call } = await api();
    const unknown = await call('POST', '/links', {
      channel: 'general',
      network: 'zz',
      target: { channel: 'x' },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error.message).toMatch(/network "zz" is not configured/);
    expect((await call('POST', '/links', { channel: 'general', network: 'a' })).status).toBe(400);
    await call('POST', '/links', { channel: 'general', network: 'a', target: { channel: 'x' } });
    const twice = await call('POST', '/links', {
      channel: 'general',
      network: 'a',
      target: { channel: 'x' },
    });
    expect(twice.status).toBe(409);
    const user = await h.node.createLocalUser('mallory');
    expect((await call('GET', '/links', undefined, user.token)).status).toBe(403);
  });

  it('links to a new channel from several networks at once make one channel, not a 409', async () => {
    const { h, call } = await api();
    const made = await Promise.all(
      ['a', 'b'].map((network) =>
        call('POST', '/links', { channel: 'together', network, target: { channel: 't' } }),
      ),
    );
    expect(made.map((r) => r.status)).toEqual([201, 201]);
    expect(h.node.findChannelsByName('together')).toHaveLength(1);
    expect(made[0]?.json.channel).toBe(made[1]?.json.channel);
  });

  it('applies the links: config section, once', async () => {
    const { h } = await api();
    const requests = linkRequestsFromConfig([
      { channel: 'ops', a: { channel: 'o1' }, b: { channel: 'o2' } },
    ]);
    await h.runtime.links.applyConfig(requests);
    await h.runtime.links.applyConfig(requests);
    const links = await h.runtime.links.list();
    expect(links.map((l) => [l.channelName, l.network, l.target])).toEqual([
      ['ops', 'a', { channel: 'o1' }],
      ['ops', 'b', { channel: 'o2' }],
    ]);
  });

  it('multichat link / links / unlink talk to the running gateway', async () => {
    const { app } = await api();
    const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
    closers.push(() => server.close());
    await new Promise((resolve) => server.once('listening', resolve));
    const port = (server.address() as AddressInfo).port;
    const config = join(tempDir(), 'gateway.yaml');
    writeFileSync(config, `http: { host: 127.0.0.1, port: ${port}, adminToken: ${ADMIN} }\n`);
    const out: string[] = [];
    const io = {
      out: (l: string) => out.push(l),
      err: (l: string) => out.push(`ERR ${l}`),
      env: {},
    };
    expect(await main(['link', 'general', 'a', 'channel=zz', '--config', config], io)).toBe(0);
    const id = out[0]?.split(' ')[0] as string;
    expect(out[0]).toMatch(/general {2}a {2}channel=zz$/);
    out.length = 0;
    expect(await main(['links', '--config', config], io)).toBe(0);
    expect(out).toHaveLength(1);
    expect(await main(['unlink', id, '--config', config], io)).toBe(0);
    out.length = 0;
    expect(await main(['unlink', id, '--config', config], io)).toBe(1);
    expect(out.join('\n')).toMatch(/404/);
  });

  it('reads positional targets for known networks and key=value for any', () => {
    expect(parseTarget('irc', ['libera', '#proj'])).toEqual({
      network: 'libera',
      channel: '#proj',
    });
    expect(parseTarget('matrix', ['#p:example.org'])).toEqual({ room: '#p:example.org' });
    expect(parseTarget('other', ['space=1', 'room=a=b'])).toEqual({ space: '1', room: 'a=b' });
    expect(() => parseTarget('irc', ['libera'])).toThrow(/NETWORK CHANNEL/);
  });
});
