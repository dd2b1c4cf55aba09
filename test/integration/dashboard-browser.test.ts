/**
 * The operator console in real headless Chromium (Debian's /usr/bin/chromium driven by
 * playwright-core), against real gateway processes (`multichat start`) with the Discord bridge on
 * the Discord fake. The admin signs in and watches the bridge, adds a link, sees a dead letter
 * and retries it; then two users: one sends Markdown, the other sees it rendered, arriving by
 * the event stream. Screenshots go to test-results/dashboard/ (ignored by git).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { crc32, deflateSync } from 'node:zlib';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDiscordFake, type DiscordFake } from '../peers/discord-fake/index.js';
import { FAST_LIMITS } from '../peers/discord-fake/harness.js';
import { freePort } from '../peers/free-port.js';
import {
  callApi,
  spawnGateway,
  stopGateway,
  waitForProbe,
  writeGatewayConfig,
  type SpawnedGateway,
} from '../peers/gateway-spawn.js';
import { eventually } from '../support/eventually.js';

const CHROMIUM = '/usr/bin/chromium';
const ADMIN = 'dashboard-admin-token-0123456789abcdef';
const SHOTS = join(process.cwd(), 'test-results', 'dashboard');
// Without the background-networking flags Chromium dials out, which the closed network refuses.
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const present = existsSync(CHROMIUM);

interface Gateway {
  readonly url: string;
  readonly dir: string;
  spawned: SpawnedGateway;
  /** Stops the process and starts it again on the same config, data and ports. */
  restart(): Promise<void>;
  ok<T = unknown>(method: string, path: string, body?: unknown, token?: string): Promise<T>;
}

/** `multichat start` with a Discord bridge at `apiUrl`; waits for `probe`. */
async function startGateway(fake: DiscordFake, apiUrl: string, probe: '/healthz' | '/readyz') {
  const dir = mkdtempSync(join(tmpdir(), 'mc-dashboard-'));
  const httpPort = await freePort();
  const config = writeGatewayConfig(dir, {
    httpPort,
    p2pPort: await freePort(),
    adminToken: ADMIN,
    bridges: { discord: { token: fake.token, apiUrl, cdnUrl: fake.cdnUrl, slashCommand: false } },
  });
  const spawned = spawnGateway(dir, config);
  const url = `http://127.0.0.1:${httpPort}`;
  await waitForProbe(spawned, url, probe, 'gateway', dir);
  const gateway: Gateway = {
    url,
    dir,
    spawned,
    async restart() {
      await stopGateway(gateway.spawned);
      gateway.spawned = spawnGateway(dir, config);
      await waitForProbe(gateway.spawned, url, '/healthz', 'gateway', dir);
    },
    async ok<T>(method: string, path: string, body?: unknown, token = ADMIN) {
      const answer = await callApi<T>(url, token, method, path, body);
      if (answer.status >= 300)
        throw new Error(`${method} ${path} -> ${answer.status} ${answer.text}`);
      return answer.body;
    },
  };
  return gateway;
}

/** A TCP relay to the fake's REST port, started on demand: "the network comes up later". */
function lateRelay(port: number, to: number): { start(): Promise<void>; stop(): Promise<void> } {
  let server: Server | undefined;
  return {
    start: () =>
      new Promise((resolve) => {
        server = createServer((socket) => {
          const upstream = connect(to, '127.0.0.1');
          socket.pipe(upstream).pipe(socket);
          socket.on('error', () => upstream.destroy());
          upstream.on('error', () => socket.destroy());
        });
        server.listen(port, '127.0.0.1', resolve);
      }),
    stop: () => new Promise((resolve) => (server ? server.close(() => resolve()) : resolve())),
  };
}

async function signIn(page: Page, url: string, token: string): Promise<void> {
  await page.goto(url);
  await page.fill('#token', token);
  await page.click('#connect');
}

/** A `width`×`height` RGB PNG (stored, not compressed by zlib's choice: deflate level 0). */
function png(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const head = Buffer.alloc(4);
    head.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([head, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const rows = Buffer.concat(
    Array.from({ length: height }, () => Buffer.from([0, ...Array(width * 3).fill(200)])),
  );
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(rows, { level: 0 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const shot = (page: Page, name: string) =>
  page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

describe.skipIf(!present && process.env['CI'] !== 'true')('operator console in Chromium', () => {
  let browser: Browser;
  let fake: DiscordFake;
  const gateways: Gateway[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  /** Uncaught errors of the console's scripts, in any page. */
  const pageErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    fake = await startDiscordFake(FAST_LIMITS);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  }, 60_000);

  afterAll(async () => {
    for (const clean of cleanups) await clean().catch(() => undefined);
    await browser?.close();
    for (const g of gateways) {
      await stopGateway(g.spawned);
      rmSync(g.dir, { recursive: true, force: true });
    }
    await fake?.stop();
  }, 60_000);

  const newPage = async (width = 1200, height = 900): Promise<Page> => {
    const context = await browser.newContext({ viewport: { width, height } });
    cleanups.push(() => context.close());
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    return page;
  };

  // The runtime's supervisor (runtime/supervisor.ts) retries a bridge whose start failed; the
  // Discord API here is a relay that starts listening only after the page saw `reconnecting`.
  it('shows the bridge reconnecting, then connected once Discord comes up', async () => {
    const port = await freePort();
    const relay = lateRelay(port, Number(new URL(fake.apiUrl).port));
    cleanups.push(() => relay.stop());
    const gateway = await startGateway(fake, `http://127.0.0.1:${port}/api`, '/healthz');
    gateways.push(gateway);
    const page = await newPage();
    await signIn(page, gateway.url, ADMIN);
    const settled = page.locator(
      '#bridge-discord .state:not([data-state="starting"]):not([data-state="connecting"])',
    );
    await settled.waitFor({ timeout: 60_000 });
    await shot(page, '1-bridge-down');
    expect(await settled.getAttribute('data-state')).toBe('reconnecting');
    // The real cause is shown, not a generic failure.
    expect(await page.locator('#bridge-discord > .muted').textContent()).toContain('ECONNREFUSED');
    await relay.start();
    await page
      .locator('#bridge-discord .state[data-state="connected"]')
      .waitFor({ timeout: 60_000 });
    // The history lists the way there, newest first.
    const changes = await page.locator('#bridge-discord ol li').allTextContents();
    expect(changes[0]).toMatch(/ connected$/);
    expect(changes.some((c) => /reconnecting: .*ECONNREFUSED/.test(c))).toBe(true);
    await shot(page, '1-bridge-up');
  }, 180_000);

  it('admin adds a link, sees a dead letter and retries it; users chat in Markdown live', async () => {
    const gateway = await startGateway(fake, fake.apiUrl, '/readyz');
    gateways.push(gateway);
    const alice = await gateway.ok<{ id: string; token: string }>('POST', '/api/v1/users', {
      username: 'alice',
    });
    const bob = await gateway.ok<{ id: string; token: string }>('POST', '/api/v1/users', {
      username: 'bob',
    });
    const lobby = (
      await gateway.ok<{ id: string }>('POST', '/api/v1/channels', { name: 'lobby' }, alice.token)
    ).id;
    await gateway.ok('POST', `/api/v1/channels/${lobby}/join`, undefined, bob.token);
    const alerts = fake.addChannel('alerts');

    // The admin signs in and sees the bridge connected.
    const admin = await newPage();
    await signIn(admin, gateway.url, ADMIN);
    await admin.locator('#who', { hasText: 'admin' }).waitFor();
    await admin.locator('#bridge-discord .state[data-state="connected"]').waitFor();
    // The gateway's history of the bridge (GET /api/v1/status bridgeHistory) is listed under it.
    expect(await admin.locator('#bridge-discord ol li').first().textContent()).toMatch(
      /connected$/,
    );

    // Adds a link from the form.
    await admin.fill('#link-channel', 'lobby');
    await admin.selectOption('#link-network', 'discord');
    await admin.fill('#link-target', `channel=${alerts.id}`);
    await admin.click('#add-link button');
    const row = admin.locator('#links tbody tr', { hasText: `channel=${alerts.id}` });
    await row.waitFor();
    expect(await row.locator('td').first().textContent()).toBe('lobby');
    const links = await gateway.ok<{ links: { network: string; target: unknown }[] }>(
      'GET',
      '/api/v1/links',
    );
    expect(links.links).toEqual([
      expect.objectContaining({ network: 'discord', target: { channel: alerts.id } }),
    ]);
    await shot(admin, '2-link-added');

    // The Discord channel disappears: the message to it is refused for good, a dead letter.
    fake.state.channels.delete(alerts.id);
    await gateway.ok(
      'POST',
      `/api/v1/channels/${lobby}/messages`,
      { text: 'dead on arrival' },
      alice.token,
    );
    const dead = admin.locator('#outbox tbody tr[data-state="dead"]');
    await dead.waitFor({ timeout: 30_000 });
    expect(await dead.locator('td').nth(1).textContent()).toBe('discord');
    expect(await dead.locator('td').nth(4).textContent()).not.toBe('');
    await shot(admin, '3-dead-letter');

    // The channel is back; Retry delivers the message and the row goes.
    fake.state.channels.set(alerts.id, alerts);
    await dead.locator('button.retry').click();
    const delivered = await eventually(
      () =>
        [...fake.state.messages.values()]
          .filter((m) => m['channel_id'] === alerts.id)
          .map((m) => String(m['content']))
          .find((t) => t.includes('dead on arrival')),
      { what: 'the retried message in the Discord channel' },
    );
    expect(delivered).toBe('dead on arrival');
    await admin.locator('#outbox tbody tr', { hasText: 'empty' }).waitFor();
    // The delivery counts in the chart of deliveries per network.
    await admin
      .locator('#rates-legend', { hasText: /discord: [1-9]\d* in the last minute/ })
      .waitFor();
    expect(await admin.locator('#rates polyline[data-network="discord"]').count()).toBe(1);

    // Two users: bob watches lobby live; alice sends Markdown (with HTML that must stay text).
    const bobPage = await newPage();
    await signIn(bobPage, gateway.url, bob.token);
    await bobPage.locator('#live', { hasText: 'live' }).waitFor();
    await bobPage.locator('#title', { hasText: '#lobby' }).waitFor();
    const alicePage = await newPage();
    await signIn(alicePage, gateway.url, alice.token);
    await alicePage.locator('#title', { hasText: '#lobby' }).waitFor();
    await alicePage.fill('#text', 'hello **bold** and `code` <b>raw</b>\n> quoted');
    await alicePage.click('#send button');
    await alicePage.locator('.msg strong', { hasText: 'bold' }).waitFor();

    const arrived = bobPage.locator('.msg', { hasText: 'hello' }).last();
    await arrived.locator('strong', { hasText: 'bold' }).waitFor();
    expect(await arrived.locator('code').textContent()).toBe('code');
    expect(await arrived.locator('blockquote').textContent()).toBe('quoted');
    // The HTML the user typed is shown as text, never as markup.
    expect(await arrived.locator('.body b').count()).toBe(0);
    expect(await arrived.locator('.body').textContent()).toContain('<b>raw</b>');
    expect(await arrived.locator('.who').textContent()).toBe('alice');

    // A reply with an image, and a reaction: bob sees the picture (fetched with his token), the
    // replied-to line and the count, all by the stream.
    const first = await gateway.ok<{ messages: { id: string; text: string }[] }>(
      'GET',
      `/api/v1/channels/${lobby}/messages`,
      undefined,
      alice.token,
    );
    const hello = first.messages.find((m) => m.text.startsWith('hello'));
    const upload = await fetch(`${gateway.url}/api/v1/media?name=dot.png`, {
      method: 'POST',
      headers: { authorization: `Bearer ${alice.token}`, 'content-type': 'image/png' },
      body: png(3, 2),
    });
    expect(upload.status).toBe(201);
    const { hash } = (await upload.json()) as { hash: string };
    await gateway.ok(
      'POST',
      `/api/v1/channels/${lobby}/messages`,
      { text: 'see _this_', replyTo: hello?.id, attachments: [{ hash, name: 'dot.png' }] },
      alice.token,
    );
    await gateway.ok(
      'PUT',
      `/api/v1/channels/${lobby}/messages/${hello?.id}/reactions/${encodeURIComponent('👍')}`,
      undefined,
      bob.token,
    );
    const withImage = bobPage.locator('.msg', { hasText: 'see this' });
    await withImage.locator('img[src^="blob:"]').waitFor();
    await eventually(
      async () =>
        (await withImage
          .locator('img')
          .evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)) === 3,
      { what: 'the image decoded' },
    );
    expect(await withImage.locator('.reply').textContent()).toContain('alice: hello');
    expect(await withImage.locator('em').textContent()).toBe('this');
    const reacted = bobPage.locator(`.msg[data-id="${hello?.id}"] .reactions`);
    await reacted.waitFor();
    expect(await reacted.textContent()).toBe('👍 1');
    await shot(bobPage, '4-markdown-live');
    await shot(admin, '5-admin');

    // The gateway restarts: bob's stream ends, the page says so, reopens it once the gateway is
    // back and gets what is said next.
    const restarting = gateway.restart();
    await bobPage.locator('#live', { hasText: 'reconnecting' }).waitFor();
    await restarting;
    await bobPage.locator('#live', { hasText: /^live$/ }).waitFor({ timeout: 60_000 });
    await gateway.ok(
      'POST',
      `/api/v1/channels/${lobby}/messages`,
      { text: 'after the restart' },
      alice.token,
    );
    await bobPage.locator('.msg', { hasText: 'after the restart' }).waitFor();

    // Phone width: everything fits 390 px, no sideways scrolling.
    const phone = await newPage(390, 844);
    await signIn(phone, gateway.url, alice.token);
    await phone.locator('.msg strong', { hasText: 'bold' }).waitFor();
    expect(
      await phone.evaluate<number>('document.documentElement.scrollWidth'),
    ).toBeLessThanOrEqual(390);
    await shot(phone, '6-phone-390');
    const phoneAdmin = await newPage(390, 844);
    await signIn(phoneAdmin, gateway.url, ADMIN);
    await phoneAdmin.locator('#bridge-discord .state[data-state="connected"]').waitFor();
    expect(
      await phoneAdmin.evaluate<number>('document.documentElement.scrollWidth'),
    ).toBeLessThanOrEqual(390);
    await shot(phoneAdmin, '7-phone-390-admin');
    expect(pageErrors).toEqual([]);
  }, 180_000);
});
