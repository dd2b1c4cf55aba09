/**
 * Issue 15, "no request reaches the internal server": every bridge path that fetches a URL for
 * someone else — Slack attachments here; Matrix ghost avatars (and attachment links, which the
 * Matrix adapter never fetches: it reads files from the blob store) in matrix-media.test.ts — is driven
 * at an "internal" loopback server on 127.0.0.1 that counts requests, in every spelling (plain,
 * IPv4-mapped IPv6, decimal, NAT64, `localhost`) and through a redirect from a server the policy
 * allows (127.0.0.2 only). The internal server must see nothing; the message still arrives, with
 * a link instead of the file; an allowed file goes through (so the paths really fetch).
 * Discord and IRC fetch nothing server-side (Discord is handed URLs; IRC carries text).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMarkdown } from '../../src/bridges/format/index.js';
import type { SendAction, TargetKey } from '../../src/bridges/types.js';
import { countingServer, type CountingServer } from '../support/counting-server.js';
import { startSlackHarness, type SlackHarness } from '../peers/slack-fake/harness.js';
import { PNG } from './matrix-setup.js';

let internal: CountingServer;
let allowed: CountingServer;
let attacks: string[];

beforeAll(async () => {
  internal = await countingServer('127.0.0.1');
  const p = internal.port;
  allowed = await countingServer('127.0.0.2', (req, res) => {
    if (req.url === '/to-v4')
      return void res.writeHead(302, { location: `http://127.0.0.1:${p}/secret` }).end();
    if (req.url === '/to-mapped')
      return void res.writeHead(307, { location: `http://[::ffff:127.0.0.1]:${p}/secret` }).end();
    if (req.url === '/avatar.png')
      return void res.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.from(PNG));
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
  ];
});
afterAll(async () => {
  await internal?.close();
  await allowed?.close();
});

const action = (
  target: Record<string, string>,
  key: string,
  extra: Partial<SendAction>,
  text = 'see attached',
): SendAction => ({
  kind: 'send',
  target,
  targetKey: 'test:ssrf' as TargetKey,
  idempotencyKey: key,
  sender: { id: 'PersonEve', name: 'eve' },
  text,
  rich: parseMarkdown(text),
  ...extra,
});

describe('Slack: attachments never reach 127.0.0.1', () => {
  let h: SlackHarness;

  beforeAll(async () => {
    h = await startSlackHarness('socket', {
      config: { allowPrivateAttachmentUrls: false, media: { allow: ['127.0.0.2'] } },
    });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('carries blocked attachments as links and uploads only the allowed one', async () => {
    const channel = h.fake.addChannel('general');
    const files = [...attacks, `${allowed.url}/notes.txt`].map((url, i) => ({
      url,
      name: `file${i}.txt`,
    }));
    const result = await h.adapter.send(
      action({ channel: channel.id }, 'k', { attachments: files }),
    );
    expect(h.fake.callsOf('files.getUploadURLExternal')).toHaveLength(1);
    const uploaded = [...h.fake.state.files.values()].at(-1);
    expect(uploaded?.bytes?.toString()).toBe('public notes');
    const texts = result.externalIds.map((ts) => h.fake.state.message(channel.id, ts)?.text);
    expect(texts[0]).toBe(['see attached', ...attacks.map((u) => `<${u}>`)].join('\n'));
    expect(internal.requests).toHaveLength(0);
  });
});
