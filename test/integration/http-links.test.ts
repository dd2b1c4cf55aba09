/**
 * POST /api/v1/links with targets their network refuses: 400 naming the field and why, for
 * every network, and nothing stored. IRC is the real adapter (its schema is built from its
 * config; it is never connected: its server is a closed loopback port); Matrix, Discord and
 * Slack are test adapters carrying those modules' own target schemas.
 */
import { createServer } from 'node:net';
import { writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { targetSchema as discordSchema } from '../../src/bridges/discord/index.js';
import { createAdapter as createIrcAdapter } from '../../src/bridges/irc/index.js';
import { targetSchema as matrixSchema } from '../../src/bridges/matrix/index.js';
import { targetSchema as slackSchema } from '../../src/bridges/slack/index.js';
import type {
  AdapterBuilder,
  AdapterComponents,
  NetworkName,
  TargetSchema,
} from '../../src/bridges/types.js';
import { main } from '../../src/gateway/cli/main.js';
import { createApp } from '../../src/gateway/http/app.js';
import { linkOpenApiPaths, linkRoutes } from '../../src/gateway/http/routes/links.js';
import { tempDir } from '../support/core.js';
import { createTestAdapter, TestNetwork } from '../support/test-adapter.js';
import { startHarness, type Harness } from '../unit/router/harness.js';

const ADMIN = 'http-links-admin-token-0123456789ab';
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

function withSchema(name: string, schema: TargetSchema): AdapterBuilder {
  const inner = createTestAdapter({ name, network: new TestNetwork(`${name}-`) });
  return Object.assign(
    (c: AdapterComponents) => Object.assign(inner(c), { targetSchema: schema }),
    { network: name as NetworkName },
  );
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

let h: Harness;
interface Answer {
  readonly status: number;
  readonly json: { error: { code: string; message: string }; target: unknown };
}
let call: (body: unknown) => Promise<Answer>;
let baseUrl: string;
const closers: (() => void)[] = [];
afterAll(() => closers.forEach((c) => c()));

beforeAll(async () => {
  const port = await closedPort();
  const server = { host: '127.0.0.1', port, tls: false };
  const irc = createIrcAdapter(
    { networks: { libera: server, oftc: server } },
    'irc' as NetworkName,
  );
  h = await startHarness(
    [
      { name: 'irc', build: irc },
      { name: 'matrix', build: withSchema('matrix', matrixSchema) },
      { name: 'discord', build: withSchema('discord', discordSchema) },
      { name: 'slack', build: withSchema('slack', slackSchema) },
    ],
    { link: false },
  );
  const { app } = createApp(
    { node: h.node, adminToken: ADMIN, logger: quiet, status: {} },
    { routes: [linkRoutes(h.runtime.links)] },
  );
  call = async (body) => {
    const res = await app.request('/api/v1/links', {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as Answer['json'] };
  };
  const http = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
  closers.push(() => http.close());
  await new Promise((resolve) => http.once('listening', resolve));
  baseUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});

const refused: [network: string, target: Record<string, string>, message: string | RegExp][] = [
  [
    'irc',
    { network: 'efnet', channel: '#proj' },
    'target.network: "efnet" is not a configured IRC network; configured: libera, oftc',
  ],
  ['irc', { network: 'libera', channel: 'proj' }, /^target\.channel: must be an IRC channel name/],
  ['irc', { channel: '#proj' }, /^target\.network: is required/],
  ['matrix', { room: 'lobby' }, /^target\.room: must be a Matrix room id \(!id:server\) or alias/],
  ['matrix', { room: '#lobby' }, /^target\.room: must be a Matrix room id/],
  [
    'discord',
    { channel: 'general' },
    'target.channel: must be a Discord channel id (a snowflake: 15 to 20 digits); got "general"',
  ],
  [
    'discord',
    { channel: '123456789012345678', guild: '1' },
    'target.guild: is not a field of this target',
  ],
  ['slack', { channel: 'General Chat' }, /^target\.channel: must be a Slack channel id/],
];

describe('POST /api/v1/links with a bad target', () => {
  it.each(refused)('%s %j answers 400 with the reason', async (network, target, message) => {
    const res = await call({ channel: 'fresh', network, target });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('invalid_request');
    if (typeof message === 'string') expect(res.json.error.message).toBe(message);
    else expect(res.json.error.message).toMatch(message);
  });

  it('stored nothing and created no channel for them', async () => {
    expect(await h.runtime.links.list()).toEqual([]);
    expect(h.node.findChannelByName('fresh')).toBeUndefined();
  });

  it('good targets of each network are linked (IRC channels lower-cased)', async () => {
    const made = [];
    // One after the other: the first creates the channel `ok`, the others link to it.
    for (const [network, target] of [
      ['irc', { network: 'oftc', channel: '#Proj' }],
      ['matrix', { room: '!abc:example.org' }],
      ['discord', { channel: '123456789012345678' }],
      ['slack', { channel: 'C0123ABCD' }],
    ] as const)
      made.push(await call({ channel: 'ok', network, target }));
    expect(made.map((r) => r.status)).toEqual([201, 201, 201, 201]);
    expect(made[0]?.json.target).toEqual({ network: 'oftc', channel: '#proj' });
  });

  it('an unconfigured network answers 400 listing the configured ones', async () => {
    const res = await call({ channel: 'x', network: 'xmpp', target: { jid: 'a@b' } });
    expect(res.status).toBe(400);
    expect(res.json.error.message).toMatch(/configured: irc, matrix, discord, slack$/);
  });

  it('the OpenAPI document says the 400 names the target field', () => {
    const post = (
      linkOpenApiPaths['/api/v1/links'] as { post: { responses: Record<string, unknown> } }
    ).post;
    expect(JSON.stringify(post.responses['400'])).toMatch(
      /names the field and why.*target\.channel/,
    );
  });

  it('multichat link prints the reason and exits 1', async () => {
    const port = new URL(baseUrl).port;
    const config = join(tempDir(), 'gateway.yaml');
    writeFileSync(config, `http: { host: 127.0.0.1, port: ${port}, adminToken: ${ADMIN} }\n`);
    const out: string[] = [];
    const io = { out: (l: string) => out.push(l), err: (l: string) => out.push(l), env: {} };
    const code = await main(['link', 'general', 'irc', 'efnet', '#proj', '--config', config], io);
    expect(code).toBe(1);
    expect(out.join('\n')).toContain(
      'gateway answered 400: target.network: "efnet" is not a configured IRC network; configured: libera, oftc',
    );
  });
});
