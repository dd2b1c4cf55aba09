/**
 * Issue 17, "Must show" for files, end to end: one `multichat start` process bridges the Discord
 * fake (multipart uploads, signed CDN), the Slack fake (files v2, url_private for the bot token),
 * a real Synapse (authenticated media) and a real ngircd (signed links), all linked to
 * `general`. Every file is checked by the bytes a reader of each network gets (sha256), not by
 * what the gateway says it did. Then the three failures the issue names — over media.maxBytes,
 * an unreachable URL, a URL on 127.0.0.1 with private addresses not allowed — each deliver the
 * text with a link, are logged with their reason and counted in /metrics, and the internal
 * server sees no request. Without ngircd or Synapse the suite is skipped, except in CI.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { png as pngOf, sha256 } from '../support/media-bytes.js';
import { findNgircd } from '../peers/ngircd.js';
import { freePort } from '../peers/free-port.js';
import { countingServer, type CountingServer } from '../support/counting-server.js';
import { eventually } from '../support/eventually.js';
import type { MatrixEvent } from '../support/matrix-client.js';
import { startMediaWorld, type MediaWorld } from '../support/media-world.js';
import { synapseAvailable } from './matrix-setup.js';

const ircInstalled = findNgircd() !== undefined;
if (!ircInstalled && process.env.CI === 'true')
  throw new Error('ngircd is missing in CI: run .ci/install-ngircd.sh first');

const MAX_BYTES = 1024 * 1024;
/** A PNG-shaped buffer with the size, 20_000 random bytes after its header unless told. */
const png = (width: number, height: number, extra = 20_000) => pngOf(width, height, extra);

interface ApiAttachment {
  hash: string;
  name: string;
  mimeType?: string;
  size?: number;
  url: string;
}
interface ApiMessage {
  text: string;
  attachments: ApiAttachment[];
}

const bytesOf = async (res: Response) => {
  expect(res.status).toBe(200);
  return Buffer.from(await res.arrayBuffer());
};

// Each case waits on four networks; slower than the suite's default 60 s on a busy machine.
vi.setConfig({ testTimeout: 150_000 });

describe.skipIf(!ircInstalled || !synapseAvailable())('files end to end (issue 17)', () => {
  let world: MediaWorld;
  let internal: CountingServer;
  let closedPort: number;
  let channelId: string;
  let reader: string;

  beforeAll(async () => {
    internal = await countingServer('127.0.0.1');
    closedPort = await freePort();
    world = await startMediaWorld({
      slack: true,
      irc: true,
      // 127.0.0.2 stands for a public host (nothing listens on closedPort there: unreachable).
      media: { maxBytes: MAX_BYTES, allow: ['127.0.0.2'] },
    });
    channelId = (await world.gateway.api<{ id: string }>('GET', '/api/v1/channels/general')).id;
    // A native member of the channel reads its history (the admin token is not a member).
    const user = await world.gateway.api<{ id: string; token: string }>('POST', '/api/v1/users', {
      username: 'reader',
    });
    await world.gateway.apiAs(user.token, 'POST', `/api/v1/channels/${channelId}/join`);
    reader = user.token;
  }, 240_000);

  afterAll(async () => {
    await world?.stop();
    await internal?.close();
  });

  const matrixMessage = (pick: (e: MatrixEvent) => boolean) =>
    world.alice.waitFor(
      world.room,
      (events) => events.find((e) => e.type === 'm.room.message' && pick(e)),
      60_000,
    );

  const apiMessage = (pick: (m: ApiMessage) => boolean) =>
    eventually(
      async () =>
        (
          await world.gateway.apiAs<{ messages: ApiMessage[] }>(
            reader,
            'GET',
            `/api/v1/channels/${channelId}/messages?limit=100`,
          )
        ).messages.find(pick),
      { what: 'the message in the native API', timeoutMs: 60_000 },
    );

  const slackFile = (name: string) =>
    eventually(
      () =>
        [...(world.slack?.fake.state.files.values() ?? [])].find(
          (f) => f.name === name && f.completed === true && f.bytes !== undefined,
        ),
      { what: `${name} uploaded to Slack`, timeoutMs: 60_000 },
    );

  const ircLine = (needle: string) => {
    const bob = world.irc!.bob;
    return bob.waitUntil(
      () => bob.messagesIn('#proj').find((m) => m.text.includes(needle)),
      60_000,
      `an IRC line with ${needle}`,
    );
  };

  it('a Discord image with no text arrives on Matrix, Slack, IRC and in the API with the same bytes', async () => {
    const data = png(32, 16);
    const dana = world.discord.addUser('dana');
    world.discord.upload(world.discord.channel.id, dana, [
      { filename: 'cat.png', data, contentType: 'image/png' },
    ]);

    const image = await matrixMessage((e) => e.content['body'] === 'cat.png');
    expect(image.content['msgtype']).toBe('m.image');
    expect(image.content['url']).toMatch(/^mxc:\/\//);
    expect(image.content['info']).toMatchObject({ mimetype: 'image/png', size: data.length });
    expect(sha256(await world.alice.download(image.content['url'] as string))).toBe(sha256(data));

    const onSlack = await slackFile('cat.png');
    expect(sha256(onSlack.bytes!)).toBe(sha256(data));
    expect(onSlack.channel).toBe(world.slack?.channel.id);

    const line = await ircLine('cat.png');
    const link = /https?:\/\/\S+/.exec(line.text)?.[0] ?? '';
    expect(link.startsWith(world.gateway.httpUrl)).toBe(true);
    // The link works for anyone holding it: no token.
    expect(sha256(await bytesOf(await world.gateway.get(link, '')))).toBe(sha256(data));

    const message = await apiMessage((m) => m.attachments.some((a) => a.name === 'cat.png'));
    expect(message.text).toBe('');
    expect(message.attachments).toEqual([
      {
        hash: sha256(data),
        name: 'cat.png',
        mimeType: 'image/png',
        size: data.length,
        width: 32,
        height: 16,
        url: expect.stringContaining(`/api/v1/media/${sha256(data)}`),
      },
    ]);
    const served = await bytesOf(await world.gateway.get(message.attachments[0]!.url, reader));
    expect(sha256(served)).toBe(sha256(data));
  });

  it('a Matrix image (authenticated media) arrives on Discord as files[0] and on Slack, same bytes', async () => {
    const data = png(20, 10);
    const mxc = await world.alice.upload(data, 'image/png', 'dog.png');
    await world.alice.send(world.room, {
      msgtype: 'm.image',
      body: 'dog.png',
      url: mxc,
      info: { mimetype: 'image/png', size: data.length, w: 20, h: 10 },
    });
    const upload = await eventually(
      () =>
        world.discord.requests.find(
          (r) => r.status < 300 && r.files.some((f) => f.filename === 'dog.png'),
        ),
      { what: 'dog.png uploaded to Discord', timeoutMs: 60_000 },
    );
    expect(upload.files[0]).toMatchObject({ field: 'files[0]', filename: 'dog.png' });
    expect(upload.files[0]?.sha256).toBe(sha256(data));
    type Posted = { attachments?: { filename: string; url: string }[] };
    const posted = [...world.discord.state.messages.values()]
      .map((m) => m as Posted)
      .find((m) => (m.attachments ?? []).some((a) => a.filename === 'dog.png'));
    const stored = world.discord.cdn.bytesOf(posted!.attachments![0]!.url);
    expect(sha256(stored!.data)).toBe(sha256(data));

    const onSlack = await slackFile('dog.png');
    expect(sha256(onSlack.bytes!)).toBe(sha256(data));
  });

  it('a Slack url_private file arrives on Matrix with the same bytes, never as a url_private link', async () => {
    const slack = world.slack!;
    const carol = slack.fake.addUser('carol');
    const data = png(8, 8);
    slack.fake.shareFile(slack.channel, carol, {
      name: 'from-slack.png',
      bytes: data,
      mimetype: 'image/png',
    });
    const image = await matrixMessage((e) => e.content['body'] === 'from-slack.png');
    expect(image.content['msgtype']).toBe('m.image');
    expect(sha256(await world.alice.download(image.content['url'] as string))).toBe(sha256(data));
    const timeline = JSON.stringify(await world.alice.timeline(world.room));
    expect(timeline).not.toContain('files-pri');
    expect(timeline).not.toContain(slack.fake.url);
  });

  describe('files that cannot be carried still deliver the text, with a link, logged and counted', () => {
    const dana = () => world.discord.addUser(`dana${Math.random().toString(36).slice(2, 6)}`);
    const attachment = (filename: string, url: string) => ({
      id: `${Date.now()}${Math.floor(Math.random() * 1000)}`,
      filename,
      size: 1_000,
      url,
      proxy_url: url,
      content_type: 'image/png',
    });
    const warned = (file: string) =>
      eventually(
        () =>
          world.gateway
            .log()
            .split('\n')
            .filter((l) => l.includes(`"file":"${file}"`))
            .map((l) => JSON.parse(l) as Record<string, unknown>)
            .find((l) => l['reason'] !== undefined),
        { what: `the warning about ${file}`, timeoutMs: 30_000 },
      );
    const counted = async (reason: string) => {
      const re = new RegExp(
        `^multichat_bridge_media_failures_total\\{network="discord",direction="inbound",reason="${reason}"\\} (\\d+)$`,
        'm',
      );
      return Number(re.exec(await world.gateway.metrics())?.[1] ?? 0);
    };

    it('a file above media.maxBytes', async () => {
      const before = await counted('too_large');
      const data = randomBytes(MAX_BYTES + 200_000);
      const sent = world.discord.upload(
        world.discord.channel.id,
        dana(),
        [{ filename: 'big.bin', data }],
        'the big one',
      );
      const cdnLink = (sent.attachments as { url: string }[])[0]!.url;
      const message = await apiMessage((m) => m.text.startsWith('the big one'));
      expect(message.attachments).toEqual([]);
      expect(message.text).toBe(`the big one\nbig.bin: <${cdnLink}>`);
      const onMatrix = await matrixMessage((e) =>
        String(e.content['body']).startsWith('the big one'),
      );
      expect(onMatrix.content['body']).toContain('big.bin');
      expect((await warned('big.bin'))['reason']).toBe('too_large');
      await eventually(async () => (await counted('too_large')) === before + 1, {
        what: 'the too_large count',
      });
    });

    it('an unreachable URL', async () => {
      const before = await counted('fetch');
      const url = `http://127.0.0.2:${closedPort}/gone.png`;
      world.discord.say(world.discord.channel.id, dana(), 'the gone one', {
        attachments: [attachment('gone.png', url)],
      });
      const message = await apiMessage((m) => m.text.startsWith('the gone one'));
      expect(message.attachments).toEqual([]);
      expect(message.text).toBe(`the gone one\ngone.png: <${url}>`);
      // IRC gets the text and the link as the network gave it.
      const line = await ircLine('gone.png');
      expect(line.text).toContain(url);
      const log = await warned('gone.png');
      expect(log['reason']).toBe('fetch');
      expect(String(log['err'])).toMatch(/ECONNREFUSED|refused|connect/i);
      await eventually(async () => (await counted('fetch')) >= before + 1, {
        what: 'the fetch count',
      });
    });

    it('a URL on 127.0.0.1 (private addresses not allowed): refused before any request', async () => {
      const before = await counted('fetch');
      const url = `http://localhost:${internal.port}/secret.png`;
      world.discord.say(world.discord.channel.id, dana(), 'the inside one', {
        attachments: [attachment('secret.png', url)],
      });
      const message = await apiMessage((m) => m.text.startsWith('the inside one'));
      expect(message.attachments).toEqual([]);
      expect(message.text).toBe(`the inside one\nsecret.png: <${url}>`);
      const log = await warned('secret.png');
      expect(log['reason']).toBe('fetch');
      expect(String(log['err'])).toMatch(/127\.0\.0\.1|loopback/);
      await eventually(async () => (await counted('fetch')) >= before + 1, {
        what: 'the fetch count',
      });
      expect(internal.requests).toHaveLength(0);
    });
  });
});
