/**
 * Issue 15's "no request reaches the internal server", for the 0.4 file design. Outbound, no
 * adapter fetches a URL any more (files leave as blobs of the node, `OutboundAttachment.open()`
 * reads the blob store); every URL a message brings is fetched in the inbound `open()` of its
 * adapter through the shared fetcher (src/bridges/net). So the guard is proved there: an
 * "internal" server on 127.0.0.1 that counts requests is aimed at in every spelling (plain,
 * IPv4-mapped IPv6, its hex form, NAT64, decimal, `localhost`) and through redirects from a
 * server the policy allows (127.0.0.2 only). The internal server must see nothing; an allowed
 * file opens, so the paths really fetch.
 * - the fetcher itself (the rule every adapter inherits);
 * - Discord: an attachment URL in a MESSAGE_CREATE is opened only under the policy (the CDN
 *   the operator configured is the one trusted origin; these URLs are not on it);
 * - Slack: a file whose url_private is not on Slack's own file host is never fetched at all.
 * Matrix ghost avatars and Matrix media are in matrix-media.test.ts; the router turning a
 * refused file into the text plus its link (logged, counted) is in media-e2e.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UrlFetchError, UrlFetcher } from '../../src/bridges/net/index.js';
import { SlackFileOriginError } from '../../src/bridges/slack/errors.js';
import type { InboundAttachment, InboundEvent, InboundMessage } from '../../src/bridges/types.js';
import { startDiscordHarness, type DiscordHarness } from '../peers/discord-fake/harness.js';
import { startSlackHarness, type SlackHarness } from '../peers/slack-fake/harness.js';
import { countingServer, type CountingServer } from '../support/counting-server.js';
import { eventually } from '../support/eventually.js';

let internal: CountingServer;
let allowed: CountingServer;
let attacks: string[];
const POLICY = { allow: ['127.0.0.2'] };

beforeAll(async () => {
  internal = await countingServer('127.0.0.1');
  const p = internal.port;
  allowed = await countingServer('127.0.0.2', (req, res) => {
    if (req.url === '/to-v4')
      return void res.writeHead(302, { location: `http://127.0.0.1:${p}/secret` }).end();
    if (req.url === '/to-mapped')
      return void res.writeHead(307, { location: `http://[::ffff:127.0.0.1]:${p}/secret` }).end();
    if (req.url === '/to-localhost')
      return void res.writeHead(301, { location: `http://localhost:${p}/secret` }).end();
    res.writeHead(200, { 'content-type': 'text/plain' }).end('public notes');
  });
  attacks = [
    `http://127.0.0.1:${p}/secret`,
    `http://[::ffff:127.0.0.1]:${p}/secret`,
    `http://[::ffff:7f00:1]:${p}/`,
    `http://[64:ff9b::7f00:1]:${p}/`,
    `http://2130706433:${p}/`,
    `http://localhost:${p}/secret`,
    `${allowed.url}/to-v4`,
    `${allowed.url}/to-mapped`,
    `${allowed.url}/to-localhost`,
  ];
});
afterAll(async () => {
  await internal?.close();
  await allowed?.close();
});

async function readText(file: InboundAttachment): Promise<string> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of (await file.open()).body) chunks.push(chunk);
  return Buffer.concat(chunks).toString();
}

function messageWith(events: InboundEvent[], text: string): Promise<InboundMessage> {
  return eventually(
    () => events.find((e): e is InboundMessage => e.kind === 'message' && e.text.startsWith(text)),
    { what: `the inbound message "${text}"`, timeoutMs: 20_000 },
  );
}

describe('the fetcher every adapter uses', () => {
  it('refuses every spelling of 127.0.0.1 and every redirect to it; fetches the allowed host', async () => {
    const fetcher = new UrlFetcher(POLICY);
    for (const url of attacks) {
      await expect(fetcher.open(url), url).rejects.toBeInstanceOf(UrlFetchError);
    }
    const ok = await fetcher.fetch(`${allowed.url}/notes.txt`);
    expect(Buffer.from(ok.data).toString()).toBe('public notes');
    expect(internal.requests).toHaveLength(0);
  });
});

describe('Discord: inbound attachment URLs never reach 127.0.0.1', () => {
  let h: DiscordHarness;
  beforeAll(async () => {
    h = await startDiscordHarness({ config: { media: POLICY } });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('opens only the allowed file; every attack is refused before a request', async () => {
    const bob = h.fake.addUser('bob');
    const urls = [...attacks, `${allowed.url}/notes.txt`];
    h.fake.say(h.fake.channel.id, bob, 'ssrf attempt', {
      attachments: urls.map((url, i) => ({
        id: `90000000000000000${i}`,
        filename: `file${i}.txt`,
        size: 12,
        url,
        proxy_url: url,
        content_type: 'text/plain',
      })),
    });
    const message = await messageWith(h.events, 'ssrf attempt');
    expect((message.attachments ?? []).map((a) => a.url)).toEqual(urls);
    const files = [...(message.attachments ?? [])];
    const good = files.pop() as InboundAttachment;
    for (const file of files) {
      await expect(file.open(), file.url).rejects.toBeInstanceOf(UrlFetchError);
    }
    expect(await readText(good)).toBe('public notes');
    expect(internal.requests).toHaveLength(0);
  });
});

describe('Slack: a file not on Slack’s file host is never fetched', () => {
  let h: SlackHarness;
  beforeAll(async () => {
    h = await startSlackHarness('socket', {
      config: { allowPrivateAttachmentUrls: false, media: POLICY },
    });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('refuses url_private links elsewhere without a request (nor the bot token)', async () => {
    const channel = h.fake.addChannel('general');
    const eve = h.fake.addUser('eve');
    const allowedBefore = allowed.requests.length;
    h.fake.say(channel, eve, 'ssrf files', {
      files: [...attacks, `${allowed.url}/notes.txt`].map((url, i) => ({
        id: `F0SSRF${i}`,
        name: `file${i}.txt`,
        mimetype: 'text/plain',
        size: 12,
        url_private: url,
        url_private_download: url,
      })),
    });
    const message = await messageWith(h.events, 'ssrf files');
    expect(message.attachments ?? []).toHaveLength(attacks.length + 1);
    for (const file of message.attachments ?? []) {
      await expect(file.open(), file.name).rejects.toBeInstanceOf(SlackFileOriginError);
    }
    expect(internal.requests).toHaveLength(0);
    // Not even the allowed host was asked (so it never saw the bot token).
    expect(allowed.requests).toHaveLength(allowedBefore);
  });

  it('a file Slack hosts still opens (the path really fetches)', async () => {
    const channel = h.fake.addChannel('random');
    const eve = h.fake.addUser('eve2');
    h.fake.shareFile(
      channel,
      eve,
      { name: 'ok.txt', bytes: Buffer.from('slack notes'), mimetype: 'text/plain' },
      { text: 'hosted file' },
    );
    const message = await messageWith(h.events, 'hosted file');
    expect(await readText((message.attachments ?? [])[0] as InboundAttachment)).toBe('slack notes');
    expect(internal.requests).toHaveLength(0);
  });
});
