/**
 * Files through the router (issue 17): inbound files become blobs of the node and the message
 * references them by hash; outbound, an adapter with attachments gets the bytes through
 * OutboundAttachment.open() and an IRC-like one a `name: url` line with the gateway's link.
 * Files that cannot be carried degrade by the written rules (docs/architecture.md, "Files"),
 * never losing the message, and are logged and counted.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { AdapterLogger, InboundAttachment } from '../../../src/bridges/types.js';
import type { BlobHash, MessageView } from '../../../src/core/types.js';
import { eventually } from '../../support/eventually.js';
import { startHarness, type Harness } from './harness.js';
import {
  createMediaAdapter,
  failingFile,
  memoryFile,
  sha256,
  type MediaAdapter,
} from './media-adapter.js';

const urlFor = (hash: string, name: string) =>
  `http://gw.test/api/v1/media/${hash}?name=${encodeURIComponent(name)}&sig=x`;

interface Logged {
  readonly obj: object | string;
  readonly msg: string | undefined;
}

function recordingLogger(lines: Logged[]): AdapterLogger {
  const noop = () => undefined;
  return { debug: noop, info: noop, error: noop, warn: (obj, msg) => lines.push({ obj, msg }) };
}

async function start(maxBytes = 1_000_000) {
  const warnings: Logged[] = [];
  const h = await startHarness(
    [
      { name: 'dc', build: createMediaAdapter('dc', true) },
      { name: 'mx', build: createMediaAdapter('mx', true) },
      { name: 'irc', build: createMediaAdapter('irc', false) },
    ],
    {
      logger: recordingLogger(warnings),
      runtimeOptions: { mediaMaxBytes: maxBytes, blobWaitMs: 200, mediaLinks: { urlFor } },
    },
  );
  // The media test adapters show no joins: a bridged person's join is a counted drop there.
  h.expectDrops((c) => c.kind === 'join' && c.reason === 'unsupported');
  const adapter = (name: string) => h.runtime.adapter(name) as MediaAdapter;
  return { h, warnings, dc: adapter('dc'), mx: adapter('mx'), irc: adapter('irc') };
}

async function lastMessage(h: Harness, count: number): Promise<MessageView> {
  return eventually(
    () => {
      const all = h.node.listMessages(h.general);
      return all.length >= count ? all.at(-1) : undefined;
    },
    { what: `message ${count} in the core` },
  );
}

async function post(
  h: Harness,
  from: MediaAdapter,
  text: string,
  files: readonly InboundAttachment[],
) {
  await from.post({ channel: 'main' }, 'bob', text, files);
  await h.settle();
}

describe('files through the router', () => {
  it('stores an inbound file as a blob and carries its bytes to every other target', async () => {
    const { h, mx, irc } = await start();
    const bytes = randomBytes(5_000);
    const hash = sha256(bytes);
    await post(h, h.runtime.adapter('dc') as MediaAdapter, 'look', [
      memoryFile('cat.png', bytes, { mimeType: 'image/png', width: 40, height: 30 }),
    ]);

    const message = await lastMessage(h, 1);
    expect(message.text).toBe('look');
    expect(message.attachments).toEqual([
      { hash, name: 'cat.png', mimeType: 'image/png', size: 5_000, width: 40, height: 30 },
    ]);
    const held = h.node.blobs.open(hash as BlobHash);
    const chunks: Uint8Array[] = [];
    for await (const c of held?.stream() ?? []) chunks.push(c);
    expect(sha256(Buffer.concat(chunks))).toBe(hash);

    expect(mx.sent).toHaveLength(1);
    expect(mx.sent[0]?.text).toBe('look');
    expect(mx.sent[0]?.files).toMatchObject([
      { name: 'cat.png', mimeType: 'image/png', size: 5_000, hash, width: 40, height: 30 },
    ]);
    expect(mx.sent[0]?.files[0]?.sha256).toBe(hash);
    expect(mx.sent[0]?.files[0]?.url).toBe(urlFor(hash, 'cat.png'));
    // IRC-like: no native files, the gateway's link as a line of the text.
    expect(irc.sent.map((s) => s.text)).toEqual([`look\ncat.png: <${urlFor(hash, 'cat.png')}>`]);
    expect(irc.sent[0]?.files).toEqual([]);
  });

  it('a file without a caption goes with empty text', async () => {
    const { h, dc, mx, irc } = await start();
    const bytes = randomBytes(1_234);
    const hash = sha256(bytes);
    await post(h, dc, '', [memoryFile('notes.bin', bytes)]);

    const message = await lastMessage(h, 1);
    expect(message.text).toBe('');
    expect(message.attachments).toMatchObject([{ hash, name: 'notes.bin', size: 1_234 }]);
    expect(mx.sent).toMatchObject([
      { text: '', files: [{ sha256: hash, mimeType: 'application/octet-stream' }] },
    ]);
    expect(irc.sent.map((s) => s.text)).toEqual([`notes.bin: <${urlFor(hash, 'notes.bin')}>`]);
  });

  it('a file that cannot be fetched or is too large degrades to its link or a note, counted', async () => {
    const { h, dc, mx, warnings } = await start(2_000);
    const small = randomBytes(500);
    await post(h, dc, 'three files', [
      failingFile('report.pdf', 'https://files.example/report.pdf'),
      memoryFile('big.iso', randomBytes(6_000)), // no declared size: stopped while streaming
      memoryFile('ok.txt', small),
    ]);
    await post(h, dc, '', [failingFile('secret.doc')]);
    await post(h, dc, 'declared', [memoryFile('huge.bin', randomBytes(10), { size: 9_999 })]);

    const all = h.node.listMessages(h.general);
    expect(all.map((m) => m.text)).toEqual([
      'three files\nreport.pdf: <https://files.example/report.pdf>\n[file not carried: big.iso — too large]',
      '[file not carried: secret.doc — download failed]',
      'declared\n[file not carried: huge.bin — too large]',
    ]);
    expect(all[0]?.attachments).toMatchObject([{ name: 'ok.txt', hash: sha256(small) }]);
    expect(all[1]?.attachments ?? []).toEqual([]);
    // The other side still gets the file that did arrive, with the degraded text.
    expect(mx.sent[0]?.files.map((f) => f.sha256)).toEqual([sha256(small)]);

    expect(
      h.runtime.mediaFailures().map((f) => `${f.network} ${f.direction} ${f.reason} ${f.count}`),
    ).toEqual(['dc inbound fetch 2', 'dc inbound too_large 2']);
    const logged = warnings.filter((w) => w.msg === 'inbound file not carried as a file');
    expect(logged).toHaveLength(4);
    expect(logged[0]?.obj).toMatchObject({ network: 'dc', reason: 'fetch', file: 'report.pdf' });
    expect(logged[0]?.obj).toHaveProperty('target');
  });

  it('files past the core’s ten per message go as links or notes; long names are cut', async () => {
    const { h, dc, mx } = await start();
    const files = Array.from({ length: 11 }, (_, i) => memoryFile(`f${i}.bin`, randomBytes(100)));
    const long = 'n'.repeat(300);
    files[0] = memoryFile(long, randomBytes(100));
    files.push(memoryFile('g.bin', randomBytes(100), { url: 'https://cdn.example/g.bin' }));
    await post(h, dc, 'many', files);

    const message = await lastMessage(h, 1);
    expect(message.attachments).toHaveLength(10);
    expect(message.attachments?.[0]?.name).toBe('n'.repeat(255));
    expect(message.text).toBe(
      'many\n[file not carried: f10.bin — more than 10 files]\ng.bin: <https://cdn.example/g.bin>',
    );
    expect(mx.sent[0]?.files).toHaveLength(10);
    expect(h.runtime.mediaFailures()).toEqual([
      { network: 'dc', direction: 'inbound', reason: 'too_many', count: 2 },
    ]);
  });

  it('a native message’s blob goes natively, or as the link when no node has it', async () => {
    const { h, mx, irc, warnings } = await start();
    const bytes = randomBytes(3_000);
    const info = await h.node.blobs.put(bytes, { mimeType: 'text/plain' });
    await h.node.submit(h.alice.id, {
      kind: 'sendMessage',
      channel: h.general,
      text: '',
      attachments: [{ hash: info.hash, name: 'a.txt' }],
    });
    await h.settle();
    expect(mx.sent).toMatchObject([
      { text: '', files: [{ name: 'a.txt', mimeType: 'text/plain', size: 3_000 }] },
    ]);
    expect(mx.sent[0]?.files[0]?.sha256).toBe(info.hash);
    expect(irc.sent.map((s) => s.text)).toEqual([`a.txt: <${urlFor(info.hash, 'a.txt')}>`]);

    // A blob nobody holds (no peer serves it): a link line for everyone, logged and counted.
    const missing = 'ab'.repeat(32) as BlobHash;
    await h.node.submit(h.alice.id, {
      kind: 'sendMessage',
      channel: h.general,
      text: 'gone',
      attachments: [
        { hash: missing, name: 'lost.png' },
        { url: 'https://old.example/x.png', name: 'old.png' },
      ],
    });
    await h.settle();
    const line = `lost.png: <${urlFor(missing, 'lost.png')}>`;
    expect(mx.sent[1]).toEqual({
      text: `gone\n${line}\nold.png: <https://old.example/x.png>`,
      files: [],
    });
    expect(irc.sent[1]?.text).toBe(`gone\n${line}\nold.png: <https://old.example/x.png>`);
    expect(h.runtime.mediaFailures()).toContainEqual({
      network: 'mx',
      direction: 'outbound',
      reason: 'unavailable',
      count: 1,
    });
    expect(warnings.some((w) => (w.obj as { hash?: string }).hash === missing)).toBe(true);
  });
});
