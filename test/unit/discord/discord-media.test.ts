/** Pure parts of Discord files: what a message carries inbound, and what goes as upload or link. */
import { createHash } from 'node:crypto';
import { DiscordAPIError, HTTPError, type APIAttachment } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { carriedMedia } from '../../../src/bridges/discord/inbound-media.js';
import {
  attachmentsField,
  MAX_FILES,
  prepareFiles,
  refusedAsTooLarge,
  restFiles,
} from '../../../src/bridges/discord/uploads.js';
import { UrlFetcher } from '../../../src/bridges/net/index.js';
import type { AdapterLogger, OutboundAttachment } from '../../../src/bridges/types.js';

const source = { fetcher: new UrlFetcher(), cdnUrl: 'https://cdn.example' };
const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

function recorder(): AdapterLogger & { warnings: string[] } {
  const warnings: string[] = [];
  const none = () => undefined;
  return {
    warnings,
    debug: none,
    info: none,
    error: none,
    warn: (_o, msg) => warnings.push(String(msg)),
  };
}

function file(name: string, size: number, broken = false): OutboundAttachment {
  const data = Buffer.alloc(size, name.length);
  return {
    hash: sha256(data),
    name,
    mimeType: 'application/octet-stream',
    size,
    url: `https://gw.example/media/${name}`,
    open: async () => {
      if (broken) throw new Error('gone');
      return {
        body: (async function* () {
          yield data;
        })(),
      };
    },
  };
}

describe('discord inbound media', () => {
  const attachment: APIAttachment = {
    id: '1',
    filename: 'cat.png',
    size: 10,
    url: 'https://cdn.example/attachments/1/2/cat.png?ex=1&is=1&hm=00',
    proxy_url: 'https://media.example/cat.png',
    content_type: 'image/png',
    width: 4,
    height: 3,
  };

  it('keeps every attachment with its metadata and url', () => {
    const { attachments, lines } = carriedMedia({ attachments: [attachment] }, '', source);
    expect(lines).toEqual([]);
    expect(attachments).toHaveLength(1);
    expect(attachments[0]).toMatchObject({
      name: 'cat.png',
      mimeType: 'image/png',
      size: 10,
      width: 4,
      height: 3,
      url: attachment.url,
    });
  });

  it('stickers: PNG, APNG and GIF from the configured CDN, Lottie as text', () => {
    const { attachments, lines } = carriedMedia(
      {
        sticker_items: [
          { id: '11', name: 'wave', format_type: 1 },
          { id: '12', name: 'spin', format_type: 2 },
          { id: '13', name: 'party', format_type: 3 },
          { id: '14', name: 'dance', format_type: 4 },
        ],
      },
      '',
      source,
    );
    expect(attachments.map((a) => [a.name, a.mimeType, a.url])).toEqual([
      ['wave.png', 'image/png', 'https://cdn.example/stickers/11.png'],
      ['spin.png', 'image/png', 'https://cdn.example/stickers/12.png'],
      ['dance.gif', 'image/gif', 'https://cdn.example/stickers/14.gif'],
    ]);
    expect(lines).toEqual(['[sticker: party]']);
  });

  it('embeds become text only when the post has nothing else', () => {
    const embeds = [
      { title: 'T', description: 'D', url: 'https://x.example' },
      { image: { url: 'https://i.example/p.png' } },
    ];
    expect(carriedMedia({ embeds }, '', source).lines).toEqual([
      'T',
      'D',
      'https://x.example',
      'https://i.example/p.png',
    ]);
    // A link preview beside text, or beside a file, repeats what is already carried.
    expect(carriedMedia({ embeds }, 'see https://x.example', source).lines).toEqual([]);
    expect(carriedMedia({ embeds, attachments: [attachment] }, '', source).lines).toEqual([]);
  });
});

describe('discord outbound files', () => {
  it('uploads what fits; too large, unreadable and beyond ten become link lines, each logged', async () => {
    const log = recorder();
    const files = [
      file('ok.bin', 100),
      file('big.bin', 2_000),
      file('broken.bin', 10, true),
      ...Array.from({ length: MAX_FILES }, (_, i) => file(`n${i}.bin`, 5)),
    ];
    const { uploads, links } = await prepareFiles(files, 1_000, log);
    // ok + n0..n8 are the ten uploads Discord takes; n9 comes after them.
    expect(uploads.map((u) => u.name)).toEqual([
      'ok.bin',
      ...[0, 1, 2, 3, 4, 5, 6, 7, 8].map((i) => `n${i}.bin`),
    ]);
    expect(links).toEqual([
      'big.bin: https://gw.example/media/big.bin',
      'broken.bin: https://gw.example/media/broken.bin',
      'n9.bin: https://gw.example/media/n9.bin',
    ]);
    expect(log.warnings).toHaveLength(3);
    expect(sha256(uploads[0]!.data)).toBe(files[0]!.hash);
  });

  it('a file whose bytes exceed the limit despite its announced size is a link', async () => {
    const liar = { ...file('liar.bin', 5_000), size: 10 };
    const { uploads, links } = await prepareFiles([liar], 1_000, recorder());
    expect(uploads).toEqual([]);
    expect(links).toEqual(['liar.bin: https://gw.example/media/liar.bin']);
  });

  it('payload attachments and files[n] line up by index', async () => {
    const { uploads } = await prepareFiles([file('a', 1), file('b', 2)], 1_000, recorder());
    expect(attachmentsField(uploads)).toEqual([
      { id: 0, filename: 'a' },
      { id: 1, filename: 'b' },
    ]);
    expect(restFiles(uploads).map((f) => [f.name, f.contentType])).toEqual([
      ['a', 'application/octet-stream'],
      ['b', 'application/octet-stream'],
    ]);
  });

  it('recognises Discord refusing a request as too large', () => {
    const body = { body: undefined, files: undefined };
    const tooLarge = new DiscordAPIError(
      { message: 'Request entity too large', code: 40005 },
      40005,
      413,
      'POST',
      '/x',
      body,
    );
    const missing = new DiscordAPIError(
      { message: 'Missing Permissions', code: 50013 },
      50013,
      403,
      'POST',
      '/x',
      body,
    );
    expect(refusedAsTooLarge(tooLarge)).toBe(true);
    expect(refusedAsTooLarge(new HTTPError(413, 'Payload Too Large', 'POST', '/x', body))).toBe(
      true,
    );
    expect(refusedAsTooLarge(missing)).toBe(false);
    expect(refusedAsTooLarge(new Error('socket hang up'))).toBe(false);
  });
});
