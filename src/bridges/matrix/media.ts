/**
 * Putting files into the Matrix media repository, as the ghost who shows them:
 * - attachments stream from the node's blob store (`OutboundAttachment.open`) and are keyed by
 *   their hash, so one file sent to many rooms, or again on a retry, is uploaded once;
 * - avatars are URLs written by someone else, so they are downloaded through the shared URL
 *   fetcher (`../net`: no internal addresses, bounded in size and time), once per URL.
 * The homeserver's own `mxc://` URLs are used as they are, never fetched.
 */
import { UrlFetchError, type UrlFetcher } from '../net/index.js';
import type { OutboundAttachment } from '../types.js';
import { sealFile, type EncryptedFile } from './crypto/attachment.js';
import { MediaFetchError } from './errors.js';
import { uploadMedia } from './media-upload.js';

/** How many hash → mxc and URL → mxc answers are remembered. */
const REMEMBERED = 1_000;

export class MediaUploader {
  private readonly byHash = new Map<string, Promise<string>>();
  private readonly byUrl = new Map<string, Promise<string>>();

  constructor(
    private readonly homeserverUrl: string,
    private readonly asToken: string,
    private readonly fetcher: UrlFetcher,
  ) {}

  /**
   * The mxc URI of an attachment's bytes, uploading them (as `asUser`) the first time.
   * @throws what `open()` or the upload throws (see `uploadMedia`).
   */
  attachment(file: OutboundAttachment, asUser: string): Promise<string> {
    return this.once(this.byHash, file.hash, async () => {
      const stream = await file.open();
      return uploadMedia(
        this.homeserverUrl,
        this.asToken,
        {
          body: stream.body,
          size: file.size,
          contentType: file.mimeType || stream.contentType || 'application/octet-stream',
          filename: file.name,
        },
        asUser,
      );
    });
  }

  /**
   * The `file` of an attachment for an encrypted room: encrypted under a fresh key while it
   * streams to the homeserver. Not remembered by hash: each encrypted room gets its own key.
   * @throws what `open()` or the upload throws (see `uploadMedia`).
   */
  async encryptedAttachment(file: OutboundAttachment, asUser: string): Promise<EncryptedFile> {
    const stream = await file.open();
    const sealing = sealFile(stream.body);
    const uri = await uploadMedia(
      this.homeserverUrl,
      this.asToken,
      {
        body: sealing.body,
        // AES-CTR keeps the length; the repository sees only opaque bytes.
        size: file.size,
        contentType: 'application/octet-stream',
        filename: 'encrypted',
      },
      asUser,
    );
    return sealing.file(uri);
  }

  /**
   * The mxc URI of what `url` points to (an avatar), fetching and uploading it the first time.
   * @throws MediaFetchError when the URL cannot be fetched; the homeserver's errors as they are.
   */
  avatar(url: string, asUser: string): Promise<string> {
    if (url.startsWith('mxc://')) return Promise.resolve(url);
    return this.once(this.byUrl, url, async () => {
      let file;
      try {
        file = await this.fetcher.fetch(url);
      } catch (error) {
        if (error instanceof UrlFetchError) throw new MediaFetchError(error);
        throw error;
      }
      const data = file.data;
      return uploadMedia(
        this.homeserverUrl,
        this.asToken,
        {
          body: [data],
          size: data.byteLength,
          contentType: file.contentType,
          filename: 'avatar',
        },
        asUser,
      );
    });
  }

  /** Runs `work` once per key at a time; a failure is forgotten so the next call tries again. */
  private once(
    cache: Map<string, Promise<string>>,
    key: string,
    work: () => Promise<string>,
  ): Promise<string> {
    const known = cache.get(key);
    if (known) return known;
    const running = work();
    cache.set(key, running);
    running.catch(() => cache.get(key) === running && cache.delete(key));
    if (cache.size > REMEMBERED) cache.delete(cache.keys().next().value as string);
    return running;
  }
}
