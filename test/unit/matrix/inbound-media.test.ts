/**
 * The rules that turn a Matrix file event into attachments and text: the name, `info` fields,
 * the MSC2530 caption, stickers, and the files that cannot be carried (encrypted, no mxc URI),
 * which become notes and are reported as not carried. `open` reads the event's own mxc URI.
 */
import { describe, expect, it } from 'vitest';
import { isMediaEvent, mediaMessage } from '../../../src/bridges/matrix/inbound-media.js';
import type { MediaStream } from '../../../src/bridges/types.js';

const opened: string[] = [];
const open = async (mxc: string): Promise<MediaStream> => {
  opened.push(mxc);
  return { body: [] as unknown as AsyncIterable<Uint8Array> };
};

describe('Matrix file events', () => {
  it('names a file by filename, else body, and takes mimetype, size, w and h from info', async () => {
    const image = mediaMessage(
      'm.room.message',
      {
        msgtype: 'm.image',
        body: 'IMG_1.jpg',
        url: 'mxc://hs/abc',
        info: { mimetype: 'image/jpeg', size: 1234, w: 800, h: 600 },
      },
      open,
    );
    expect(image.captioned).toBe(false);
    expect(image.notes).toEqual([]);
    expect(image.attachments).toHaveLength(1);
    const [file] = image.attachments;
    expect(file).toMatchObject({
      name: 'IMG_1.jpg',
      mimeType: 'image/jpeg',
      size: 1234,
      width: 800,
      height: 600,
    });
    expect(file && 'url' in file).toBe(false);
    await file?.open();
    expect(opened.at(-1)).toBe('mxc://hs/abc');
    const bare = mediaMessage('m.room.message', { msgtype: 'm.file', url: 'mxc://hs/x' }, open);
    expect(bare.attachments[0]).toEqual({ name: 'file', open: expect.any(Function) });
  });

  it('treats body as a caption only when it differs from filename', () => {
    const caption = (content: Record<string, unknown>) =>
      mediaMessage('m.room.message', { msgtype: 'm.file', url: 'mxc://hs/x', ...content }, open)
        .captioned;
    expect(caption({ body: 'see this', filename: 'a.pdf' })).toBe(true);
    expect(caption({ body: 'a.pdf', filename: 'a.pdf' })).toBe(false);
    expect(caption({ body: 'a.pdf' })).toBe(false);
    expect(caption({ filename: 'a.pdf' })).toBe(false);
  });

  it('makes a sticker an image attachment named by its body, or a note without an image', () => {
    const sticker = mediaMessage(
      'm.sticker',
      { body: 'Thumbs up', url: 'mxc://hs/st', info: { mimetype: 'image/png' } },
      open,
    );
    expect(sticker.captioned).toBe(false);
    expect(sticker.attachments[0]).toMatchObject({ name: 'Thumbs up', mimeType: 'image/png' });
    const without = mediaMessage('m.sticker', { body: 'Thumbs up' }, open);
    expect(without).toEqual({ captioned: false, attachments: [], notes: ['[sticker: Thumbs up]'] });
  });

  it('turns files it cannot read into notes and says why', () => {
    const encrypted = mediaMessage(
      'm.room.message',
      { msgtype: 'm.file', body: 'secret.pdf', file: { url: 'mxc://hs/e' } },
      open,
    );
    expect(encrypted).toMatchObject({
      attachments: [],
      notes: ['[encrypted file not carried: secret.pdf]'],
      notCarried: 'encrypted',
    });
    const foreign = mediaMessage(
      'm.room.message',
      { msgtype: 'm.image', body: 'x.png', url: 'https://elsewhere/x.png' },
      open,
    );
    expect(foreign).toMatchObject({
      attachments: [],
      notes: ['[file not carried: x.png]'],
      notCarried: 'bad-uri',
    });
  });

  it('recognises file events and nothing else', () => {
    for (const msgtype of ['m.image', 'm.file', 'm.video', 'm.audio'])
      expect(isMediaEvent('m.room.message', { msgtype })).toBe(true);
    expect(isMediaEvent('m.sticker', {})).toBe(true);
    expect(isMediaEvent('m.room.message', { msgtype: 'm.text' })).toBe(false);
    expect(isMediaEvent('m.reaction', { msgtype: 'm.image' })).toBe(false);
  });
});
