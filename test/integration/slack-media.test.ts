/**
 * Slack files, both ways, against the fake Slack in each receiver mode. Inbound, a file shared
 * in Slack becomes an attachment whose bytes the gateway reads with the bot token (Slack's
 * `url_private` opens for nobody else). Outbound, files go through files v2
 * (getUploadURLExternal → upload_url → completeUploadExternal) and land in the channel with the
 * same bytes; a file that cannot be uploaded travels as its link in the text, and the message
 * is never lost.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryError } from '../../src/bridges/errors.js';
import type {
  AdapterLogger,
  InboundAttachment,
  InboundEvent,
  InboundMessage,
  LinkTarget,
  OutboundAttachment,
  SendAction,
  TargetKey,
} from '../../src/bridges/types.js';
import type { FakeChannel, FakeUser } from '../peers/slack-fake/index.js';
import {
  startSlackHarness,
  until,
  type ReceiverMode,
  type SlackHarness,
} from '../peers/slack-fake/harness.js';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

const sendAction = (
  target: LinkTarget,
  text: string,
  extra: Partial<SendAction> = {},
): SendAction => ({
  kind: 'send',
  target,
  targetKey: 'slack:test' as TargetKey,
  idempotencyKey: `k-${Math.random()}`,
  sender: { id: 'p-alice', name: 'alice', avatarUrl: 'https://avatars.example/alice.png' },
  text,
  rich: { blocks: [] },
  ...extra,
});

/** A blob of the node as the router hands it over; its bytes come in two chunks. */
function blob(
  name: string,
  bytes: Buffer,
  mimeType = 'application/octet-stream',
  open?: () => Promise<never>,
): OutboundAttachment {
  const hash = sha256(bytes);
  return {
    hash,
    name,
    mimeType,
    size: bytes.length,
    url: `https://gateway.example/api/v1/media/${hash}?sig=abc`,
    open:
      open ??
      (async () => ({
        contentType: mimeType,
        size: bytes.length,
        body: (async function* () {
          yield bytes.subarray(0, 3);
          yield bytes.subarray(3);
        })(),
      })),
  };
}

async function readAll(body: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

async function* none(): AsyncGenerator<Uint8Array> {}

/** What the router does with an inbound attachment: open it and read it to the end. */
async function openAll(attachment: InboundAttachment | undefined): Promise<Buffer> {
  if (!attachment) throw new Error('no attachment');
  return readAll((await attachment.open()).body);
}

const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.from('a small picture of a cat, byte for byte'),
]);

describe.each<ReceiverMode>(['socket', 'http'])('slack media (%s receiver)', (mode) => {
  let h: SlackHarness;
  let general: FakeChannel;
  let bob: FakeUser;
  const warnings: { obj: unknown; msg: string | undefined }[] = [];
  const logger: AdapterLogger = {
    debug: () => undefined,
    info: () => undefined,
    warn: (obj, msg) => warnings.push({ obj, msg }),
    error: () => undefined,
  };

  beforeAll(async () => {
    h = await startSlackHarness(mode, { config: { maxAttachmentBytes: 1_024 }, logger });
    general = h.fake.addChannel('general');
    bob = h.fake.addUser('bob');
  });
  afterAll(async () => {
    await h.stop();
  });

  async function nextMessage(from: number): Promise<InboundMessage> {
    const of = () =>
      h.events.slice(from).filter((e: InboundEvent): e is InboundMessage => e.kind === 'message');
    await until(() => of().length >= 1, 'a message event');
    return of()[0] as InboundMessage;
  }

  it('a file shared without text → a message with text "" whose attachment opens to the same bytes with the bot token', async () => {
    const from = h.events.length;
    const downloads = h.fake.fileHost.downloads.length;
    const { file, message: shared } = h.fake.shareFile(general, bob, {
      name: 'cat.png',
      bytes: PNG,
      mimetype: 'image/png',
      width: 640,
      height: 480,
    });
    const message = await nextMessage(from);
    expect(message).toMatchObject({
      externalId: shared.ts,
      text: '',
      sender: { externalId: bob.id },
    });
    expect(message.attachments).toHaveLength(1);
    const attachment = message.attachments?.[0];
    const object = h.fake.state.fileObject(file);
    // The link people see is the permalink, never url_private (which opens for nobody).
    expect(attachment).toMatchObject({
      name: 'cat.png',
      mimeType: 'image/png',
      size: PNG.length,
      width: 640,
      height: 480,
      url: object.permalink,
    });
    // Nothing is fetched until the router opens it.
    expect(h.fake.fileHost.downloads).toHaveLength(downloads);
    const stream = await attachment?.open();
    expect(stream?.contentType).toBe('image/png');
    const bytes = await readAll(stream?.body ?? none());
    expect(sha256(bytes)).toBe(sha256(PNG));
    expect(h.fake.fileHost.downloads.slice(downloads)).toEqual([
      {
        path: new URL(object.url_private_download ?? '').pathname,
        authorization: `Bearer ${h.fake.botToken}`,
        status: 200,
      },
    ]);
  });

  it('a file with a caption in a thread → a message with that text, thread and attachment', async () => {
    const before = h.events.length;
    const root = h.fake.say(general, bob, 'thread root');
    await nextMessage(before);
    const from = h.events.length;
    const first = h.fake.shareFile(
      general,
      bob,
      { name: 'notes.txt', bytes: Buffer.from('first notes'), mimetype: 'text/plain' },
      { text: 'two *files*', threadTs: root.ts },
    );
    const message = await nextMessage(from);
    expect(message).toMatchObject({ text: 'two *files*', threadRoot: root.ts });
    expect(message.attachments?.map((a) => a.name)).toEqual(['notes.txt']);
    const text = await openAll(message.attachments?.[0]);
    expect(text.toString()).toBe('first notes');
    expect(first.file.share_ts).toBe(message.externalId);
  });

  it('files v2 round trip: the fake holds identical bytes under the file name, shared after the text in the thread', async () => {
    const root = await h.adapter.send(sendAction({ channel: general.id }, 'root'));
    const threadTs = root.externalIds[0];
    const sent = await h.adapter.send(
      sendAction({ channel: general.id }, 'a cat', {
        threadRoot: threadTs,
        attachments: [blob('cat.png', PNG, 'image/png')],
      }),
    );
    const slot = h.fake.callsOf('files.getUploadURLExternal').at(-1);
    expect(slot?.args).toMatchObject({ filename: 'cat.png', length: String(PNG.length) });
    expect(slot?.token).toBe(h.fake.botToken);
    const done = h.fake.callsOf('files.completeUploadExternal').at(-1);
    expect(done?.args).toMatchObject({
      channel_id: general.id,
      thread_ts: threadTs,
      initial_comment: '*alice* shared a file',
    });
    const file = [...h.fake.state.files.values()].at(-1);
    expect(file).toMatchObject({ name: 'cat.png', title: 'cat.png', mimetype: 'image/png' });
    expect(sha256(file?.bytes ?? Buffer.alloc(0))).toBe(sha256(PNG));
    // The text goes under the person's name; the files follow it in the same thread.
    const [textTs, fileId] = sent.externalIds;
    expect(sent.externalIds).toEqual([expect.stringMatching(/^\d+\.\d+$/), `file:${file?.id}`]);
    expect(h.fake.state.message(general.id, textTs ?? '')).toMatchObject({
      text: 'a cat',
      username: 'alice',
      thread_ts: threadTs,
    });
    const share = h.fake.state.message(general.id, file?.share_ts ?? '');
    expect(share).toMatchObject({ text: '*alice* shared a file', thread_ts: threadTs });
    expect(Number(share?.ts)).toBeGreaterThan(Number(textTs));
    // In the channel's history the file opens with the bot token, and only with it.
    const url = share?.files?.[0]?.url_private ?? '';
    const withToken = await fetch(url, { headers: { authorization: `Bearer ${h.fake.botToken}` } });
    expect(sha256(Buffer.from(await withToken.arrayBuffer()))).toBe(sha256(PNG));
    const without = await fetch(url, { redirect: 'manual' });
    expect(without.status).toBe(302);
    expect(await (await fetch(url)).text()).toContain('Sign in');
    // Deleting the message deletes the text and the file.
    await h.adapter.delete({
      ...sendAction({ channel: general.id }, ''),
      kind: 'delete',
      externalIds: sent.externalIds,
    });
    expect(fileId).toBe(`file:${file?.id}`);
    expect(h.fake.state.files.has(file?.id ?? '')).toBe(false);
    expect(h.fake.state.message(general.id, textTs ?? '')).toBeUndefined();
  });

  it('files without text → no text message; one share of the bot naming the person', async () => {
    const posts = h.fake.callsOf('chat.postMessage').length;
    const sent = await h.adapter.send(
      sendAction({ channel: general.id }, '', {
        attachments: [blob('a.txt', Buffer.from('alpha')), blob('b.txt', Buffer.from('beta!'))],
      }),
    );
    expect(h.fake.callsOf('chat.postMessage')).toHaveLength(posts);
    const ids = sent.externalIds.map((id) => id.replace(/^file:/, ''));
    expect(sent.externalIds.every((id) => id.startsWith('file:'))).toBe(true);
    const files = ids.map((id) => h.fake.state.files.get(id));
    expect(files.map((f) => [f?.name, f?.bytes?.toString()])).toEqual([
      ['a.txt', 'alpha'],
      ['b.txt', 'beta!'],
    ]);
    const share = h.fake.state.message(general.id, files[0]?.share_ts ?? '');
    expect(share?.text).toBe('*alice* shared 2 files');
    expect(share?.files?.map((f) => f.id)).toEqual(ids);
  });

  it('a file too large, unreadable or refused by Slack → its link in the text; the good file is shared; each reason logged', async () => {
    warnings.length = 0;
    h.fake.refusedUploads.set('refused.bin', 'invalid_arguments');
    const big = blob('big.bin', Buffer.alloc(2_048, 1));
    const broken = blob('broken.bin', Buffer.from('never read'), 'text/plain', () =>
      Promise.reject(new Error('blob missing from the store')),
    );
    const refused = blob('refused.bin', Buffer.from('refused bytes'));
    // The blob store yields fewer bytes than the size it announced.
    const short = { ...blob('short.bin', Buffer.from('0123456789')), size: 20 };
    const good = blob('good.txt', Buffer.from('good bytes'), 'text/plain');
    const result = await h.adapter.send(
      sendAction({ channel: general.id }, 'files', {
        attachments: [big, broken, refused, short, good],
      }),
    );
    expect(result.externalIds).toHaveLength(2);
    const text = h.fake.state.message(general.id, result.externalIds[0] ?? '');
    expect(text).toMatchObject({
      username: 'alice',
      text: [
        'files',
        `<${big.url}|big.bin>`,
        `<${broken.url}|broken.bin>`,
        `<${refused.url}|refused.bin>`,
        `<${short.url}|short.bin>`,
      ].join('\n'),
    });
    const shared = h.fake.state.files.get(result.externalIds[1]?.replace(/^file:/, '') ?? '');
    expect(shared?.bytes?.toString()).toBe('good bytes');
    const reasons = warnings.map((w) => String((w.obj as { err?: unknown }).err));
    expect(reasons).toEqual([
      expect.stringContaining('maxAttachmentBytes'),
      expect.stringContaining('blob missing from the store'),
      expect.stringContaining('invalid_arguments'),
      expect.stringContaining('10 bytes, 20 announced'),
    ]);
  });

  it('an edit keeps the link lines of files that went as links below the new text', async () => {
    const broken = blob('kept.bin', Buffer.from('x'), 'text/plain', () =>
      Promise.reject(new Error('gone')),
    );
    const sent = await h.adapter.send(
      sendAction({ channel: general.id }, 'draft', { attachments: [broken] }),
    );
    const ts = sent.externalIds[0] ?? '';
    const link = `<${broken.url}|kept.bin>`;
    expect(h.fake.state.message(general.id, ts)?.text).toBe(`draft\n${link}`);
    const edit = (text: string) =>
      h.adapter.edit({
        ...sendAction({ channel: general.id }, text),
        kind: 'edit',
        externalIds: sent.externalIds,
      });
    await edit('final');
    expect(h.fake.state.message(general.id, ts)?.text).toBe(`final\n${link}`);
    // Removing the text leaves the file's link, not an empty message.
    await edit('');
    expect(h.fake.state.message(general.id, ts)?.text).toBe(link);
  });

  it('files only, none uploadable → the links are posted under the person’s name', async () => {
    const broken = blob('lost.bin', Buffer.from('x'), 'text/plain', () =>
      Promise.reject(new Error('gone')),
    );
    const result = await h.adapter.send(
      sendAction({ channel: general.id }, '', { attachments: [broken] }),
    );
    expect(result.externalIds).toHaveLength(1);
    expect(h.fake.state.message(general.id, result.externalIds[0] ?? '')).toMatchObject({
      username: 'alice',
      text: `<${broken.url}|lost.bin>`,
    });
  });
});

describe('slack media: rate limits', () => {
  let h: SlackHarness;
  let general: FakeChannel;

  beforeAll(async () => {
    h = await startSlackHarness('socket', {
      fake: {
        limits: (method) =>
          method === 'files.getUploadURLExternal'
            ? { rate: 1 / 30, burst: 1 }
            : { rate: 1_000, burst: 1_000 },
      },
    });
    general = h.fake.addChannel('general');
  });
  afterAll(async () => {
    await h.stop();
  });

  it('a 429 while uploading (nothing visible yet) comes back as a retry with Retry-After', async () => {
    await h.adapter.send(
      sendAction({ channel: general.id }, 'one', {
        attachments: [blob('1.txt', Buffer.from('1'))],
      }),
    );
    const posts = h.fake.callsOf('chat.postMessage').length;
    const error = await h.adapter
      .send(
        sendAction({ channel: general.id }, 'two', {
          attachments: [blob('2.txt', Buffer.from('2'))],
        }),
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryError);
    expect((error as DeliveryError).permanent).toBe(false);
    expect((error as DeliveryError).retryAfterMs).toBe(30_000);
    expect(h.fake.callsOf('files.getUploadURLExternal').at(-1)?.status).toBe(429);
    // Nothing was posted, so the retry will not duplicate anything.
    expect(h.fake.callsOf('chat.postMessage')).toHaveLength(posts);
  });
});
