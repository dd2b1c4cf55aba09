/**
 * Discord files and stickers against the fake Discord (real discord.js client and REST):
 * inbound attachments open through the fake's signed CDN, stickers become images or
 * `[sticker: name]`, outbound files go as native multipart uploads (`payload_json` + `files[n]`)
 * on the webhook and the bot path, and a file that cannot be uploaded becomes a link — the
 * message is always posted.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { png as pngOf, sha256 } from '../support/media-bytes.js';
import type {
  ExternalMessageId,
  InboundEvent,
  InboundMessage,
  MediaStream,
  OutboundAttachment,
  SendAction,
  TargetKey,
} from '../../src/bridges/types.js';
import { startDiscordHarness, until, type DiscordHarness } from '../peers/discord-fake/harness.js';
import { STICKER_FORMAT, type FakeUser } from '../peers/discord-fake/index.js';

/** A PNG-shaped buffer with the given size, 4_000 random bytes after its header unless told. */
const png = (width: number, height: number, extra = 4_000) => pngOf(width, height, extra);

async function readAll(stream: MediaStream): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream.body) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** A file as the router hands it to `send`; `broken` makes reading it fail. */
function outboundFile(name: string, mimeType: string, data: Buffer, broken = false) {
  const hash = sha256(data);
  const file: OutboundAttachment = {
    hash,
    name,
    mimeType,
    size: data.byteLength,
    url: `https://gateway.example/api/v1/media/${hash}?sig=abc`,
    open: async () => {
      if (broken) throw new Error('blob missing');
      return {
        contentType: mimeType,
        size: data.byteLength,
        body: (async function* () {
          // Two chunks: the adapter must join them, not take the first.
          yield data.subarray(0, 1_000);
          yield data.subarray(1_000);
        })(),
      };
    },
  };
  return file;
}

let key = 0;
function send(h: DiscordHarness, text: string, attachments: OutboundAttachment[]): SendAction {
  return {
    kind: 'send',
    target: { channel: h.fake.channel.id },
    targetKey: 'discord:test' as TargetKey,
    idempotencyKey: `media-${++key}`,
    sender: { id: 'alice-id', name: 'alice' },
    text,
    rich: { blocks: [] } as never,
    attachments,
  };
}

async function nextMessage(h: DiscordHarness, id: string): Promise<InboundMessage> {
  const find = () =>
    h.events.find(
      (e: InboundEvent): e is InboundMessage => e.kind === 'message' && e.externalId === id,
    );
  await until(() => find() !== undefined, `message ${id}`);
  return find() as InboundMessage;
}

describe('discord media inbound', () => {
  let h: DiscordHarness;
  let bob: FakeUser;
  beforeAll(async () => {
    h = await startDiscordHarness();
    bob = h.fake.addUser('bob');
  });
  afterAll(async () => {
    await h.stop();
  });

  it('an image with no text arrives with text "" and an attachment whose bytes open intact', async () => {
    const data = png(64, 48);
    const sent = h.fake.upload(h.fake.channel.id, bob, [
      { filename: 'cat.png', data, contentType: 'image/png' },
    ]);
    const got = await nextMessage(h, sent.id);
    expect(got.text).toBe('');
    expect(got.attachments).toHaveLength(1);
    const [cat] = got.attachments ?? [];
    expect(cat).toMatchObject({
      name: 'cat.png',
      mimeType: 'image/png',
      size: data.byteLength,
      width: 64,
      height: 48,
    });
    expect(cat?.url).toMatch(/[?&]ex=[0-9a-f]+&is=[0-9a-f]+&hm=[0-9a-f]{64}/);
    const stream = await cat!.open();
    expect(stream.contentType).toBe('image/png');
    expect(sha256(await readAll(stream))).toBe(sha256(data));
  });

  it('a caption and two files: text kept, both files open to their own bytes', async () => {
    const a = randomBytes(3_000);
    const b = randomBytes(5_000);
    const sent = h.fake.upload(
      h.fake.channel.id,
      bob,
      [
        { filename: 'a.bin', data: a },
        { filename: 'notes.txt', data: b, contentType: 'text/plain' },
      ],
      'two files',
    );
    const got = await nextMessage(h, sent.id);
    expect(got.text).toBe('two files');
    const names = got.attachments?.map((x) => x.name);
    expect(names).toEqual(['a.bin', 'notes.txt']);
    const bytes = await Promise.all(
      (got.attachments ?? []).map(async (x) => readAll(await x.open())),
    );
    expect(bytes.map(sha256)).toEqual([sha256(a), sha256(b)]);
  });

  it('the fake CDN refuses an expired or wrongly signed link with 404, like Discord', async () => {
    const data = randomBytes(2_000);
    const sent = h.fake.upload(h.fake.channel.id, bob, [{ filename: 'x.bin', data }]);
    const url = new URL(String((sent['attachments'] as { url: string }[])[0]?.url));
    expect((await fetch(url)).status).toBe(200);
    const expired = h.fake.cdn.signed(url.pathname, Date.now() - 60_000);
    const gone = await fetch(expired);
    expect(gone.status).toBe(404);
    expect(await gone.text()).toBe('This content is no longer available.');
    const tampered = new URL(url);
    tampered.searchParams.set('hm', 'ab'.repeat(32));
    expect((await fetch(tampered)).status).toBe(404);
    const unsigned = new URL(url.pathname, url);
    expect((await fetch(unsigned)).status).toBe(404);
  });

  it('opening an attachment whose link expired fails (the router then carries its url)', async () => {
    const short = await startDiscordHarness({ fake: { cdnLinkTtlMs: 1_000 } });
    try {
      const user = short.fake.addUser('dana');
      const sent = short.fake.upload(short.fake.channel.id, user, [
        { filename: 'late.bin', data: randomBytes(1_500) },
      ]);
      const got = await nextMessage(short, sent.id);
      // Links carry whole seconds: wait until this one is past its expiry.
      const ex = parseInt(
        new URL(got.attachments?.[0]?.url ?? '').searchParams.get('ex') ?? '',
        16,
      );
      await until(() => Date.now() > ex * 1000 + 50, 'the link to expire', 500);
      await expect(got.attachments?.[0]?.open()).rejects.toThrow(/404/);
    } finally {
      await short.stop();
    }
  });

  it('a PNG or GIF sticker becomes an image attachment; a Lottie sticker becomes [sticker: name]', async () => {
    const image = png(320, 320);
    const gif = Buffer.concat([
      Buffer.from('GIF89a', 'latin1'),
      Buffer.from([64, 1, 64, 1]),
      randomBytes(500),
    ]);
    const wave = h.fake.cdn.sticker('wave', STICKER_FORMAT.png, image);
    const dance = h.fake.cdn.sticker('dance', STICKER_FORMAT.gif, gif);
    const lottie = h.fake.cdn.sticker('party', STICKER_FORMAT.lottie, Buffer.from('{}'));
    const one = h.fake.say(h.fake.channel.id, bob, '', { stickers: [wave, dance] });
    const two = h.fake.say(h.fake.channel.id, bob, '', { stickers: [lottie] });
    const first = await nextMessage(h, one.id);
    expect(first.text).toBe('');
    expect(first.attachments?.map((a) => [a.name, a.mimeType])).toEqual([
      ['wave.png', 'image/png'],
      ['dance.gif', 'image/gif'],
    ]);
    const opened = await Promise.all(
      (first.attachments ?? []).map(async (a) => readAll(await a.open())),
    );
    expect(opened.map(sha256)).toEqual([sha256(image), sha256(gif)]);
    const second = await nextMessage(h, two.id);
    expect(second.text).toBe('[sticker: party]');
    expect(second.attachments ?? []).toEqual([]);
  });

  it('an embed-only post arrives as its title, description and link', async () => {
    const post = h.fake.say(h.fake.channel.id, bob, '', {
      embeds: [
        {
          type: 'rich',
          title: 'Build failed',
          description: 'main #42: 3 tests failing',
          url: 'https://ci.example/42',
        },
      ],
    });
    const got = await nextMessage(h, post.id);
    expect(got.text).toBe('Build failed\nmain #42: 3 tests failing\nhttps://ci.example/42');
  });
});

describe('discord media outbound (webhook)', () => {
  let h: DiscordHarness;
  beforeAll(async () => {
    h = await startDiscordHarness({ config: { maxAttachmentBytes: 50_000 } });
  });
  afterAll(async () => {
    await h.stop();
  });

  const executes = () =>
    h.fake.requests.filter((r) => r.template === '/webhooks/:id/:token' && r.method === 'POST');

  it('a file with no text is uploaded as files[0] with payload_json, identical bytes', async () => {
    const data = png(10, 20);
    const from = executes().length;
    const result = await h.adapter.send(send(h, '', [outboundFile('pic.png', 'image/png', data)]));
    expect(result.externalIds).toHaveLength(1);
    const [request] = executes().slice(from);
    expect(request?.status).toBe(200);
    expect(request?.body).toMatchObject({
      content: '',
      username: 'alice',
      allowed_mentions: { parse: ['users'] },
      attachments: [{ id: 0, filename: 'pic.png' }],
    });
    expect(request?.files.map((f) => [f.field, f.filename, f.contentType, f.sha256])).toEqual([
      ['files[0]', 'pic.png', 'image/png', sha256(data)],
    ]);
    // What Discord stored and serves is the same bytes.
    const posted = h.fake.state.messages.get(result.externalIds[0] as string);
    const [stored] = posted?.['attachments'] as { url: string; width: number; height: number }[];
    expect(stored).toMatchObject({ width: 10, height: 20 });
    const served = Buffer.from(await (await fetch(stored!.url)).arrayBuffer());
    expect(sha256(served)).toBe(sha256(data));
  });

  it('a file above maxAttachmentBytes goes as a link in the text; the rest still uploads', async () => {
    const big = randomBytes(60_000);
    const small = randomBytes(2_000);
    const bigFile = outboundFile('film.mkv', 'video/x-matroska', big);
    const result = await h.adapter.send(
      send(h, 'holiday', [bigFile, outboundFile('small.bin', 'application/octet-stream', small)]),
    );
    const posted = h.fake.state.messages.get(result.externalIds[0] as string);
    expect(posted?.content).toBe(`holiday\nfilm.mkv: ${bigFile.url}`);
    const attachments = posted?.['attachments'] as { filename: string; url: string }[];
    expect(attachments.map((a) => a.filename)).toEqual(['small.bin']);
    expect(sha256(h.fake.cdn.bytesOf(attachments[0]!.url)!.data)).toBe(sha256(small));
  });

  it('a file whose bytes cannot be read goes as a link; the message is posted', async () => {
    const broken = outboundFile('lost.pdf', 'application/pdf', randomBytes(1_500), true);
    const result = await h.adapter.send(send(h, '', [broken]));
    const posted = h.fake.state.messages.get(result.externalIds[0] as string);
    expect(posted?.content).toBe(`lost.pdf: ${broken.url}`);
    expect(posted?.['attachments']).toEqual([]);
  });
});

describe('discord media outbound: edits keep the files', () => {
  let h: DiscordHarness;
  beforeAll(async () => {
    h = await startDiscordHarness({ config: { maxAttachmentBytes: 50_000 } });
  });
  afterAll(async () => {
    await h.stop();
  });

  const edit = (sent: SendAction, externalIds: readonly string[], text: string) =>
    h.adapter.edit({
      kind: 'edit',
      target: sent.target,
      targetKey: sent.targetKey,
      idempotencyKey: `${sent.idempotencyKey}-edit-${text}`,
      sender: sent.sender,
      externalIds: externalIds as ExternalMessageId[],
      text,
      rich: { blocks: [] } as never,
    });

  it('an edit keeps the link lines of files that were not uploaded', async () => {
    const big = outboundFile('big.iso', 'application/octet-stream', randomBytes(60_000));
    const action = send(h, 'first words', [big]);
    const { externalIds } = await h.adapter.send(action);
    await edit(action, externalIds, 'better words');
    const posted = h.fake.state.messages.get(externalIds[0] as string);
    expect(posted?.content).toBe(`better words\nbig.iso: ${big.url}`);
  });

  it('removing the caption of an uploaded file keeps the message and its file', async () => {
    const data = randomBytes(3_000);
    const action = send(h, 'caption', [outboundFile('keep.bin', 'application/octet-stream', data)]);
    const { externalIds } = await h.adapter.send(action);
    await edit(action, externalIds, '');
    const posted = h.fake.state.messages.get(externalIds[0] as string);
    expect(posted?.content).toBe('');
    const [stored] = posted?.['attachments'] as { url: string }[];
    expect(sha256(h.fake.cdn.bytesOf(stored!.url)!.data)).toBe(sha256(data));
  });
  it('deleting a message with files removes it; the echo of our own delete is marked self', async () => {
    const action = send(h, 'soon gone', [
      outboundFile('x.bin', 'application/octet-stream', randomBytes(2_000)),
    ]);
    const { externalIds } = await h.adapter.send(action);
    const from = h.events.length;
    await h.adapter.delete({
      kind: 'delete',
      target: action.target,
      targetKey: action.targetKey,
      idempotencyKey: `${action.idempotencyKey}-delete`,
      sender: action.sender,
      externalIds,
    });
    expect(h.fake.state.messages.has(externalIds[0] as string)).toBe(false);
    await until(
      () => h.events.slice(from).some((e) => e.kind === 'delete'),
      'the MESSAGE_DELETE echo',
    );
    const echo = h.events.slice(from).find((e) => e.kind === 'delete');
    expect(echo).toMatchObject({ externalId: externalIds[0], self: true });
  });
});

describe('discord media outbound (bot, and Discord refusing the size)', () => {
  let h: DiscordHarness;
  beforeAll(async () => {
    h = await startDiscordHarness({
      fake: { uploadLimitBytes: 8_000 },
      config: { useWebhooks: false, maxAttachmentBytes: 100_000 },
    });
  });
  afterAll(async () => {
    await h.stop();
  });

  it('as the bot, files go as multipart on POST /channels/:id/messages', async () => {
    const data = randomBytes(4_000);
    const result = await h.adapter.send(
      send(h, 'report', [outboundFile('r.csv', 'text/csv', data)]),
    );
    const request = h.fake.requests.findLast(
      (r) => r.template === '/channels/:id/messages' && r.method === 'POST',
    );
    expect(request?.body).toMatchObject({
      content: '**alice:** report',
      enforce_nonce: true,
      attachments: [{ id: 0, filename: 'r.csv' }],
    });
    expect(request?.files[0]).toMatchObject({
      field: 'files[0]',
      filename: 'r.csv',
      contentType: 'text/csv',
    });
    expect(request?.files[0]?.sha256).toBe(sha256(data));
    const posted = h.fake.state.messages.get(result.externalIds[0] as string);
    const [stored] = posted?.['attachments'] as { url: string; content_type: string }[];
    expect(stored?.content_type).toBe('text/csv');
    expect(sha256(h.fake.cdn.bytesOf(stored!.url)!.data)).toBe(sha256(data));
  });

  it('Discord refusing the upload (413, code 40005) → the text is posted again with the link', async () => {
    const big = outboundFile('scan.tiff', 'image/tiff', randomBytes(20_000));
    const result = await h.adapter.send(send(h, 'the scan', [big]));
    const refused = h.fake.requests.findLast((r) => r.status === 413);
    expect(refused?.files[0]?.filename).toBe('scan.tiff');
    const posted = h.fake.state.messages.get(result.externalIds[0] as string);
    expect(posted?.content).toBe(`**alice:** the scan\nscan.tiff: ${big.url}`);
    expect(posted?.['attachments']).toEqual([]);
    expect(result.externalIds).toHaveLength(1);
  });
});
