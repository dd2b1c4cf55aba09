/**
 * Matrix files and avatars against a real Synapse with authenticated media on (its default; the
 * first test proves it): inbound files reach `emit` as attachments whose `open()` reads the exact
 * bytes with the appservice token, outbound attachments are uploaded and posted as `m.image` /
 * `m.file` after the text, a file that cannot be read becomes its link (nothing dead-lettered),
 * and an avatar URL that hangs or is gone never holds up the conversation. The "internal" server
 * on 127.0.0.1 must never see a request; the media policy allows 127.0.0.2 only, while the
 * homeserver (the operator's own, on 127.0.0.1) is read and written regardless.
 */
import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMarkdown } from '../../src/bridges/format/index.js';
import { MatrixAdapter, ghostUserId } from '../../src/bridges/matrix/index.js';
import type {
  AdapterLogger,
  InboundEvent,
  InboundMessage,
  MediaStream,
  NetworkName,
  OutboundAttachment,
  SendAction,
  TargetKey,
} from '../../src/bridges/types.js';
import { countingServer, type CountingServer } from '../support/counting-server.js';
import { eventually } from '../support/eventually.js';
import { MatrixTestClient, type MatrixEvent } from '../support/matrix-client.js';
import {
  PNG,
  collector,
  startMatrixWorld,
  synapseAvailable,
  waitForEvent,
  type MatrixWorld,
} from './matrix-setup.js';

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

async function readAll(stream: MediaStream): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream.body) chunks.push(chunk);
  return new Uint8Array(Buffer.concat(chunks));
}

/** An attachment as the router hands it over: bytes from the blob store, a signed link. */
function outbound(
  data: Uint8Array,
  name: string,
  mimeType: string,
  extra: { width?: number; height?: number; broken?: boolean } = {},
): OutboundAttachment & { opened: number } {
  const hash = sha256(data);
  const file = {
    hash,
    name,
    mimeType,
    size: data.byteLength,
    ...(extra.width !== undefined && { width: extra.width }),
    ...(extra.height !== undefined && { height: extra.height }),
    url: `https://gateway.example/api/v1/media/${hash}?sig=abc`,
    opened: 0,
    async open(): Promise<MediaStream> {
      file.opened++;
      if (extra.broken) throw new Error('blob missing from the store');
      async function* chunks() {
        for (let i = 0; i < data.byteLength; i += 65_536) yield data.subarray(i, i + 65_536);
      }
      return { contentType: mimeType, size: data.byteLength, body: chunks() };
    },
  };
  return file;
}

function sendAction(room: string, key: string, text: string, extra: Partial<SendAction> = {}) {
  return {
    kind: 'send',
    target: { room },
    targetKey: `matrix:${room}` as TargetKey,
    idempotencyKey: key,
    sender: { id: 'PersonBob', name: 'Bob' },
    text,
    rich: parseMarkdown(text),
    ...extra,
  } satisfies SendAction;
}

interface Warning {
  readonly obj: Record<string, unknown>;
  readonly msg: string | undefined;
}

const messages = (events: readonly InboundEvent[]) =>
  events.filter((e): e is InboundMessage => e.kind === 'message');

const randomBytes = (n: number) => {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 7919 + (i >> 8) * 31) & 0xff;
  return out;
};

describe.skipIf(!synapseAvailable())('Matrix files and avatars (authenticated media on)', () => {
  let world: MatrixWorld;
  let adapter: MatrixAdapter;
  let events: InboundEvent[];
  let alice: MatrixTestClient;
  let room: string;
  let internal: CountingServer;
  let files: CountingServer;
  /** Requests to /hang.png, held open until the test answers them. */
  const hanging: ServerResponse[] = [];
  const warnings: Warning[] = [];

  beforeAll(async () => {
    internal = await countingServer('127.0.0.1');
    files = await countingServer('127.0.0.2', (req, res) => {
      if (req.url === '/hang.png') return void hanging.push(res);
      if (req.url === '/avatar.png')
        return void res.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.from(PNG));
      if (req.url === '/to-internal')
        return void res
          .writeHead(302, { location: `http://127.0.0.1:${internal.port}/secret` })
          .end();
      res.writeHead(404).end();
    });
    // Only 127.0.0.2 is allowed: the homeserver on 127.0.0.1 is reached because it is the
    // configured one, not because the policy lets loopback through. A long fetch timeout keeps
    // the hanging avatar request open for as long as the test looks.
    world = await startMatrixWorld({ media: { allow: ['127.0.0.2'], timeoutMs: 600_000 } });
    const c = collector();
    events = c.events;
    const logger: AdapterLogger = {
      ...c.components.logger,
      warn: (obj: object | string, msg?: string) =>
        void warnings.push({ obj: obj as Record<string, unknown>, msg }),
    };
    adapter = new MatrixAdapter('matrix' as NetworkName, world.config, {
      ...c.components,
      logger,
    });
    await adapter.start();
    alice = await MatrixTestClient.register(world.synapse.url, 'alice');
    room = await alice.createRoom({ name: 'files' });
    await adapter.resolveTarget({ room });
  });

  afterAll(async () => {
    for (const res of hanging) res.destroy();
    await adapter?.stop();
    await world?.stop();
    await internal?.close();
    await files?.close();
  });

  it('runs with authenticated media on: new media is not served without a token', async () => {
    const uri = await alice.upload(new TextEncoder().encode('probe'), 'text/plain', 'probe.txt');
    const [, server, id] = /^mxc:\/\/([^/]+)\/(.+)$/.exec(uri) ?? [];
    const base = world.synapse.url;
    const legacy = await fetch(`${base}/_matrix/media/v3/download/${server}/${id}`);
    expect(legacy.status).toBe(404);
    const anonymous = await fetch(`${base}/_matrix/client/v1/media/download/${server}/${id}`);
    expect(anonymous.status).toBe(401);
    expect(new TextDecoder().decode(await alice.download(uri))).toBe('probe');
  });

  it('emits an image without a caption as empty text plus an attachment that opens to the same bytes', async () => {
    events.length = 0;
    const image = randomBytes(300_000); // several chunks
    const uri = await alice.upload(image, 'image/png', 'cat.png');
    await alice.send(room, {
      msgtype: 'm.image',
      body: 'cat.png',
      url: uri,
      info: { mimetype: 'image/png', size: image.byteLength, w: 640, h: 480 },
    });
    const [msg] = await waitForEvent(events, (e) => (messages(e).length ? messages(e) : undefined));
    expect(msg?.text).toBe('');
    expect(msg?.attachments).toHaveLength(1);
    const file = msg?.attachments?.[0];
    expect(file).toMatchObject({
      name: 'cat.png',
      mimeType: 'image/png',
      size: image.byteLength,
      width: 640,
      height: 480,
    });
    expect(file?.url).toBeUndefined();
    const stream = await file!.open();
    expect(stream.contentType).toBe('image/png');
    const bytes = await readAll(stream);
    expect(bytes.byteLength).toBe(image.byteLength);
    expect(sha256(bytes)).toBe(sha256(image));
    // It can be opened again (the router may retry).
    expect(sha256(await readAll(await file!.open()))).toBe(sha256(image));
  });

  it('takes a body that differs from filename as the caption; stickers are images; encrypted files are a counted note', async () => {
    events.length = 0;
    const doc = new TextEncoder().encode('minutes of the meeting');
    const docUri = await alice.upload(doc, 'text/plain', 'minutes.txt');
    await alice.send(room, {
      msgtype: 'm.file',
      body: 'the <minutes>',
      filename: 'minutes.txt',
      url: docUri,
      info: { mimetype: 'text/plain', size: doc.byteLength },
    });
    const stickerUri = await alice.upload(PNG, 'image/png', 'wave.png');
    await alice.send(
      room,
      { body: 'Waving cat', url: stickerUri, info: { mimetype: 'image/png', w: 1, h: 1 } },
      'm.sticker',
    );
    await alice.send(room, {
      msgtype: 'm.file',
      body: 'secret.pdf',
      file: { url: 'mxc://localhost/encrypted', key: {}, iv: 'x', hashes: {}, v: 'v2' },
      info: { mimetype: 'application/pdf' },
    });
    const got = await waitForEvent(events, (e) =>
      messages(e).length === 3 ? messages(e) : undefined,
    );
    expect(got[0]?.text).toBe('the &lt;minutes&gt;');
    expect(got[0]?.attachments?.map((a) => a.name)).toEqual(['minutes.txt']);
    expect(new TextDecoder().decode(await readAll(await got[0]!.attachments![0]!.open()))).toBe(
      'minutes of the meeting',
    );
    expect(got[1]?.text).toBe('');
    expect(got[1]?.attachments?.[0]).toMatchObject({ name: 'Waving cat', mimeType: 'image/png' });
    expect(await readAll(await got[1]!.attachments![0]!.open())).toEqual(PNG);
    expect(got[2]?.text).toBe('[encrypted file not carried: secret.pdf]');
    expect(got[2]?.attachments).toBeUndefined();
    expect(adapter.filesNotCarried).toBe(1);
    expect(warnings.filter((w) => w.msg === 'matrix: file not carried')).toHaveLength(1);
  });

  it('posts the text, then the image uploaded as the ghost, once per idempotency key', async () => {
    const image = randomBytes(200_000);
    const file = outbound(image, 'photo.png', 'image/png', { width: 320, height: 200 });
    const action = sendAction(room, 'media-1', 'look at **this**', { attachments: [file] });
    const first = await adapter.send(action);
    const again = await adapter.send(action); // a retry after a lost answer
    expect(again.externalIds).toEqual(first.externalIds);
    expect(first.externalIds).toHaveLength(2);
    const ghost = ghostUserId(world.config, 'PersonBob');
    const posted = await alice.waitFor(room, (ev) => {
      const mine = ev.filter((e) => e.sender === ghost && e.type === 'm.room.message');
      return mine.length >= 2 ? mine : undefined;
    });
    expect(posted.map((e) => e.event_id)).toEqual(first.externalIds);
    expect(posted[0]?.content).toMatchObject({ msgtype: 'm.text', body: 'look at this' });
    const content = posted[1]?.content as { url: string; info: Record<string, unknown> };
    expect(posted[1]?.content).toMatchObject({
      msgtype: 'm.image',
      body: 'photo.png',
      filename: 'photo.png',
      info: { mimetype: 'image/png', size: image.byteLength, w: 320, h: 200 },
    });
    expect(content.url).toMatch(/^mxc:\/\/localhost\//);
    expect(sha256(await alice.download(content.url))).toBe(sha256(image));
    expect(file.opened).toBe(1); // the retry reused the upload
  });

  it('sends a file without text as its event only, and other types by MIME type', async () => {
    const clip = outbound(randomBytes(5_000), 'clip.ogg', 'audio/ogg');
    const doc = outbound(new TextEncoder().encode('%PDF-1.4'), 'a.pdf', 'application/pdf');
    const result = await adapter.send(
      sendAction(room, 'media-2', '', { attachments: [clip, doc] }),
    );
    expect(result.externalIds).toHaveLength(2);
    const byId = await alice.waitFor(room, (ev) => {
      const found = ev.filter((e) =>
        (result.externalIds as readonly string[]).includes(e.event_id),
      );
      return found.length === 2 ? found : undefined;
    });
    expect(byId.map((e) => e.content['msgtype'])).toEqual(['m.audio', 'm.file']);
    expect(byId.map((e) => e.content['body'])).toEqual(['clip.ogg', 'a.pdf']);
  });

  it('sends a file that cannot be read as its link, after the text, without failing the message', async () => {
    const ok = outbound(new TextEncoder().encode('fine'), 'fine.txt', 'text/plain');
    const broken = outbound(randomBytes(10), 'lost.bin', 'application/octet-stream', {
      broken: true,
    });
    const before = warnings.length;
    const result = await adapter.send(
      sendAction(room, 'media-3', 'two files', { attachments: [broken, ok] }),
    );
    expect(result.externalIds).toHaveLength(3);
    const posted = await alice.waitFor(room, (ev) => {
      const found = result.externalIds.map((id) => ev.find((e) => e.event_id === id));
      return found.every(Boolean) ? (found as MatrixEvent[]) : undefined;
    });
    expect(posted.map((e) => e.content['body'])).toEqual([
      'two files',
      `lost.bin: ${broken.url}`,
      'fine.txt',
    ]);
    expect(posted.map((e) => e.content['msgtype'])).toEqual(['m.text', 'm.text', 'm.file']);
    const logged = warnings
      .slice(before)
      .filter((w) => w.msg === 'matrix: attachment sent as a link');
    expect(logged.map((w) => w.obj['name'])).toEqual(['lost.bin']);
    expect(String(logged[0]?.obj['err'])).toContain('blob missing');
  });

  it('delivers promptly and in order while an avatar hangs or is gone, and sets the avatar once it comes', async () => {
    const slow = { id: 'PersonSlow', name: 'slow', avatarUrl: `${files.url}/hang.png` };
    const gone = { id: 'PersonGone', name: 'gone', avatarUrl: `${files.url}/gone.png` };
    const sent: string[] = [];
    for (let i = 0; i < 6; i++) {
      const sender = i % 2 === 0 ? slow : gone;
      const text = `line ${i} from ${sender.name}`;
      await adapter.send(sendAction(room, `avatar-${i}`, text, { sender }));
      sent.push(text);
    }
    const ghosts = [ghostUserId(world.config, slow.id), ghostUserId(world.config, gone.id)];
    const posted = await alice.waitFor(room, (ev) => {
      const mine = ev.filter((e) => ghosts.includes(e.sender) && e.type === 'm.room.message');
      return mine.length === sent.length ? mine : undefined;
    });
    expect(posted.map((e) => e.content['body'])).toEqual(sent);
    // Every message is out while the avatar download is still waiting for an answer.
    expect(hanging).toHaveLength(1);
    expect(hanging[0]?.writableEnded).toBe(false);
    // The gone avatar was tried once, reported, and given up (404 will not change).
    const goneRequests = files.requests.filter((r) => r.url === '/gone.png');
    expect(goneRequests).toHaveLength(1);
    const gaveUp = await eventually(
      () =>
        warnings.find(
          (w) => w.msg === 'matrix: avatar not fetched' && w.obj['url'] === gone.avatarUrl,
        ),
      { what: 'the gone avatar to be reported' },
    );
    expect(gaveUp.obj['retryInMs']).toBeUndefined();
    expect((await alice.profile(ghosts[1]!)).avatar_url).toBeUndefined();
    // The hanging avatar arrives after all: the ghost shows it.
    hanging[0]!.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.from(PNG));
    const avatar = await eventually(async () => (await alice.profile(ghosts[0]!)).avatar_url, {
      what: 'the slow ghost to show its avatar',
    });
    expect(await alice.download(avatar)).toEqual(PNG);
    expect(files.requests.filter((r) => r.url === '/hang.png')).toHaveLength(1);
  });

  it('never fetches an avatar or an attachment link that points inward, and keeps posting', async () => {
    const p = internal.port;
    const attacks = [
      `http://127.0.0.1:${p}/secret`,
      `http://[::ffff:127.0.0.1]:${p}/secret`,
      `http://[64:ff9b::7f00:1]:${p}/`,
      `http://2130706433:${p}/`,
      `http://localhost:${p}/secret`,
      `${files.url}/to-internal`,
    ];
    const ghost = ghostUserId(world.config, 'PersonMallory');
    for (const [i, avatarUrl] of attacks.entries()) {
      const sender = { id: 'PersonMallory', name: 'mallory', avatarUrl };
      // The attachment's bytes come from the blob store; its link is only ever posted as text.
      const link = outbound(randomBytes(4), `f${i}.bin`, 'application/octet-stream', {
        broken: true,
      });
      const withLink = { ...link, url: avatarUrl };
      await adapter.send(
        sendAction(room, `ssrf-${i}`, `try ${i}`, { sender, attachments: [withLink] }),
      );
      // One at a time, so no avatar is superseded before it was tried.
      await eventually(
        () =>
          warnings.some(
            (w) => w.msg === 'matrix: avatar not fetched' && w.obj['url'] === avatarUrl,
          ),
        { what: `the refusal of ${avatarUrl}` },
      );
    }
    const posted = await alice.waitFor(room, (ev) => {
      const mine = ev.filter((e) => e.sender === ghost && e.type === 'm.room.message');
      return mine.length === attacks.length * 2 ? mine : undefined;
    });
    expect(posted.map((e) => e.content['body'])).toEqual(
      attacks.flatMap((url, i) => [`try ${i}`, `f${i}.bin: ${url}`]),
    );
    const refusals = warnings.filter(
      (w) => w.msg === 'matrix: avatar not fetched' && attacks.includes(String(w.obj['url'])),
    );
    expect(
      refusals
        .map((w) => String(w.obj['err']))
        .filter((e) => !/^refused to fetch .*loopback/.test(e)),
    ).toEqual([]);
    expect((await alice.profile(ghost)).avatar_url).toBeUndefined();
    expect(internal.requests).toHaveLength(0);
  });
});
