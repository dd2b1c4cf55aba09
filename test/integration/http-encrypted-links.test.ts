/**
 * Linking an end-to-end encrypted channel: refused without `allowEncrypted: true` (400 naming
 * the flag, warning that the operator can read it, nothing stored); allowed with it, the gateway
 * joins and delivers what members write; channels show `encrypted` and `bridged`; the CLI passes
 * `--allow-encrypted-bridge`, prints the warning and marks the link in `multichat links`; the
 * in-network link commands (LinkControl) refuse it. A real node, router and mapping store; the
 * external network is the test adapter.
 */
import { writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linkCommandHandler } from '../../src/bridges/link-commands.js';
import { GATEWAY_ORIGIN, linkRequestsFromConfig } from '../../src/bridges/runtime/links.js';
import type { NetworkName } from '../../src/bridges/types.js';
import type { ChannelId } from '../../src/core/types.js';
import { main } from '../../src/gateway/cli/main.js';
import { ENCRYPTED_BRIDGE_WARNING } from '../../src/gateway/cli/commands/links.js';
import { linkSchema } from '../../src/gateway/config/links.js';
import { createApp } from '../../src/gateway/http/app.js';
import { linkRoutes } from '../../src/gateway/http/routes/links.js';
import { targetKeyOf } from '../../src/mapping/index.js';
import { eventually } from '../support/eventually.js';
import { tempDir } from '../support/core.js';
import { startHarness, type Harness } from '../unit/router/harness.js';

const ADMIN = 'http-e2ee-links-admin-token-0123456789';
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

let h: Harness;
let baseUrl: string;
let aliceToken: string;
let secret: ChannelId;
const closers: (() => void)[] = [];
afterAll(() => closers.forEach((c) => c()));

type Json = Record<string, unknown> & { error?: { code: string; message: string } };
async function call(method: string, path: string, body?: unknown, token = ADMIN) {
  const res = await fetch(`${baseUrl}/api/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, json: (text ? JSON.parse(text) : {}) as Json };
}

async function cli(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const config = join(tempDir(), 'gateway.yaml');
  const port = new URL(baseUrl).port;
  writeFileSync(config, `http: { host: 127.0.0.1, port: ${port}, adminToken: ${ADMIN} }\n`);
  const out: string[] = [];
  const err: string[] = [];
  const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l), env: {} };
  const code = await main([...args, '--config', config], io);
  return { code, out, err };
}

beforeAll(async () => {
  h = await startHarness([{ name: 'slack' }, { name: 'irc' }], { link: false });
  const alice = await h.node.createLocalUser('alice-e2ee');
  aliceToken = alice.token;
  const made = await h.node.submit(alice.user.id, {
    kind: 'createChannel',
    name: 'secret',
    encrypted: true,
  });
  secret = made.channel?.id as ChannelId;
  await h.node.submit(alice.user.id, { kind: 'createChannel', name: 'open' });
  const { app } = createApp(
    {
      node: h.node,
      adminToken: ADMIN,
      logger: quiet,
      status: {
        bridges: {
          health: () => ({}),
          linkedChannels: async () => new Set((await h.runtime.links.list()).map((l) => l.channel)),
        },
      },
    },
    { routes: [linkRoutes(h.runtime.links)] },
  );
  const http = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
  closers.push(() => http.close());
  await new Promise((resolve) => http.once('listening', resolve));
  baseUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});

describe('a link to an encrypted channel', () => {
  it('without allowEncrypted answers 400 naming the flag and the risk; nothing is stored', async () => {
    const res = await call('POST', '/links', {
      channel: 'secret',
      network: 'slack',
      target: { channel: 'hidden' },
    });
    expect(res.status).toBe(400);
    expect(res.json.error?.code).toBe('invalid_request');
    expect(res.json.error?.message).toMatch(/^channel "secret" is end-to-end encrypted/);
    expect(res.json.error?.message).toContain('the gateway operator can read the channel');
    expect(res.json.error?.message).toContain('"allowEncrypted": true');
    expect(res.json.error?.message).toContain('--allow-encrypted-bridge');
    expect(await h.runtime.links.list()).toEqual([]);
    const gateway = h.node.findUserByName('gateway');
    if (gateway) expect(h.node.roleOf(secret, gateway.id)).toBeUndefined();
  });

  it('allowEncrypted: false is the same refusal', async () => {
    const res = await call('POST', '/links', {
      channel: secret,
      network: 'slack',
      target: { channel: 'hidden' },
      allowEncrypted: false,
    });
    expect(res.status).toBe(400);
    expect(await h.runtime.links.list()).toEqual([]);
  });

  it('the in-network link command refuses it and says how to link it', async () => {
    const answer = await linkCommandHandler(h.runtime.links, 'slack').link(
      { channel: 'from-slack' },
      'secret',
    );
    expect(answer).toMatch(/^Not linked: channel "secret" is end-to-end encrypted/);
    expect(answer).toContain('--allow-encrypted-bridge');
    expect(await h.runtime.links.list()).toEqual([]);
  });

  it('channels show encrypted and not bridged before any link', async () => {
    const one = await call('GET', `/channels/${secret}`);
    expect(one.json).toMatchObject({ name: 'secret', encrypted: true, bridged: false });
    const all = await call('GET', '/channels');
    const byName = new Map(
      (all.json.channels as { name: string; encrypted: boolean; bridged: boolean }[]).map((c) => [
        c.name,
        c,
      ]),
    );
    expect(byName.get('open')).toMatchObject({ encrypted: false, bridged: false });
    expect(byName.get('secret')).toMatchObject({ encrypted: true, bridged: false });
  });

  it('with allowEncrypted: true it is linked, the gateway joins, and it delivers plaintext', async () => {
    const res = await call('POST', '/links', {
      channel: 'secret',
      network: 'slack',
      target: { channel: 'hidden' },
      allowEncrypted: true,
    });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ channel: secret, network: 'slack', encrypted: true });
    const gateway = await h.node.ensureBridgedUser(GATEWAY_ORIGIN, { username: 'gateway' });
    expect(h.node.roleOf(secret, gateway.id)).toBe('member');

    const marker = `sealed-${Math.random().toString(36).slice(2)}`;
    const sent = await call('POST', `/channels/${secret}/messages`, { text: marker }, aliceToken);
    expect(sent.status).toBe(201);
    const key = targetKeyOf('slack' as NetworkName, { channel: 'hidden' });
    await eventually(
      () =>
        h.networks
          .get('slack')
          ?.at(key)
          .some((p) => p.text === marker),
      {
        what: 'the marker posted to the linked slack channel',
      },
    );
  });

  it('channels then show it bridged, for the admin and for a member', async () => {
    expect((await call('GET', `/channels/${secret}`)).json).toMatchObject({
      encrypted: true,
      bridged: true,
    });
    const mine = await call('GET', '/channels', undefined, aliceToken);
    const row = (mine.json.channels as { id: string }[]).find((c) => c.id === secret);
    expect(row).toMatchObject({ encrypted: true, bridged: true, role: 'admin' });
  });

  it('a plaintext channel needs no flag and shows encrypted false in the link', async () => {
    const res = await call('POST', '/links', {
      channel: 'open',
      network: 'slack',
      target: { channel: 'lobby' },
    });
    expect(res.status).toBe(201);
    expect(res.json.encrypted).toBe(false);
  });
});

describe('multichat link / links', () => {
  it('link without --allow-encrypted-bridge exits 1 with the reason', async () => {
    const run = await cli(['link', 'secret', 'irc', 'channel=#hidden']);
    expect(run.code).toBe(1);
    expect(run.err.join('\n')).toMatch(
      /gateway answered 400: channel "secret" is end-to-end encrypted.*--allow-encrypted-bridge/,
    );
  });

  it('link --allow-encrypted-bridge links it and prints the warning', async () => {
    const run = await cli(['link', 'secret', 'irc', 'channel=#hidden', '--allow-encrypted-bridge']);
    expect(run.code).toBe(0);
    expect(run.out.join('\n')).toMatch(/secret {2}irc {2}channel=#hidden {2}\[encrypted/);
    expect(run.err).toEqual([ENCRYPTED_BRIDGE_WARNING]);
    expect(ENCRYPTED_BRIDGE_WARNING).toContain('can read the channel');
  });

  it('links marks the encrypted channels only', async () => {
    const run = await cli(['links']);
    expect(run.code).toBe(0);
    const marked = run.out.filter((l) => l.includes('[encrypted: gateway decrypts]'));
    expect(marked.map((l) => l.split('  ')[1])).toEqual(['secret', 'secret']);
    expect(run.out.find((l) => l.includes('  open  '))).not.toContain('[encrypted');
  });
});

describe('links: config entries', () => {
  it('link an encrypted channel only with allowEncrypted: true beside the networks', async () => {
    const entries = [
      { channel: 'secret', slack: { channel: 'from-config' }, allowEncrypted: true },
      { channel: 'secret', slack: { channel: 'no-consent' } },
    ];
    for (const entry of entries) expect(linkSchema.safeParse(entry).success).toBe(true);
    expect(linkSchema.safeParse({ ...entries[0], allowEncrypted: 'yes' }).success).toBe(false);
    await h.runtime.links.applyConfig(linkRequestsFromConfig(entries));
    const targets = (await h.runtime.links.list())
      .filter((l) => l.channel === secret && l.network === 'slack')
      .map((l) => l.target['channel']);
    expect(targets).toContain('from-config');
    expect(targets).not.toContain('no-consent');
  });
});
