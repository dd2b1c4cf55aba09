/**
 * Inbound Slack files → `InboundAttachment`s. Slack serves a file's bytes at `url_private`
 * (`url_private_download` forces a download) only with the bot token (`files:read`); without it
 * the answer is a redirect to the sign-in page. So `open()` GETs that URL with
 * `Authorization: Bearer <bot token>` through the shared fetcher (`../net`: checked addresses,
 * size and time limits, credentials dropped on a redirect to another origin), and only when the
 * URL is on Slack's own file host: the API's host or one of its subdomains (`files.slack.com`
 * for `slack.com`). An external file (a Google Drive link) is never sent the token.
 *
 * The link people see (`url`) is the file's `permalink`: it opens for anyone with access to the
 * workspace, whereas `url_private` opens for nobody without a token.
 */
import { UrlFetcher, type FetchPolicyOptions } from '../net/index.js';
import type { InboundAttachment, MediaStream } from '../types.js';
import { SlackFileOriginError, SlackFileSignInError, SlackFileUnavailableError } from './errors.js';
import type { SlackFile } from './events.js';

export interface FileReaderOptions {
  readonly botToken: string;
  /** The Web API base; its host (and subdomains) is where Slack serves files. */
  readonly apiUrl: string;
  /** The `media:` fetch policy: addresses, size and time limits. */
  readonly fetch: FetchPolicyOptions;
}

/** File modes that carry no bytes (deleted, or hidden on a free plan past its history limit). */
const NO_BYTES = new Set(['tombstone', 'hidden_by_limit']);

export class SlackFileReader {
  private readonly fetcher: UrlFetcher;
  private readonly api: URL;

  constructor(private readonly options: FileReaderOptions) {
    this.fetcher = new UrlFetcher(options.fetch);
    this.api = new URL(options.apiUrl);
  }

  /** The file as the router takes it; nothing is fetched until `open()`. */
  attachment(file: SlackFile): InboundAttachment {
    const name = file.name || file.title || file.id;
    return {
      name,
      ...(file.mimetype && { mimeType: file.mimetype }),
      ...(file.size !== undefined && { size: file.size }),
      ...(file.original_w !== undefined && { width: file.original_w }),
      ...(file.original_h !== undefined && { height: file.original_h }),
      ...(file.permalink && { url: file.permalink }),
      open: () => this.open(file),
    };
  }

  /** True when `url` is on the Slack file host, the only place the bot token may go. */
  isSlackFileUrl(url: string): boolean {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return false;
    }
    if (parsed.protocol !== this.api.protocol) return false;
    if (parsed.host === this.api.host) return true;
    return parsed.port === this.api.port && parsed.hostname.endsWith(`.${this.api.hostname}`);
  }

  /**
   * @throws SlackFileUnavailableError, SlackFileOriginError, SlackFileSignInError, or the
   * fetcher's UrlFetchError (HttpStatusError, TooLargeError, FetchTimeoutError…).
   */
  private async open(file: SlackFile): Promise<MediaStream> {
    if (file.mode !== undefined && NO_BYTES.has(file.mode)) {
      throw new SlackFileUnavailableError(file.id, `mode ${file.mode}: Slack serves no bytes`);
    }
    const url = file.url_private_download ?? file.url_private;
    if (!url) throw new SlackFileUnavailableError(file.id, 'no url_private');
    if (file.is_external || !this.isSlackFileUrl(url)) throw new SlackFileOriginError(file.id, url);
    const opened = await this.fetcher.open(url, {
      headers: { authorization: `Bearer ${this.options.botToken}` },
      // The API's own origin is operator-configured (a proxy, or the fake in tests).
      trustedOrigin: this.api.origin,
    });
    if (isHtml(opened.contentType) && !isHtml(file.mimetype)) {
      // The sign-in page Slack shows instead of the file: close it, never store it as the file.
      await closeBody(opened.body);
      throw new SlackFileSignInError(file.id);
    }
    const size = opened.size ?? file.size;
    return {
      contentType: file.mimetype ?? opened.contentType,
      ...(size !== undefined && { size }),
      body: opened.body,
    };
  }
}

function isHtml(type: string | undefined): boolean {
  return type !== undefined && /^\s*text\/html\b/i.test(type);
}

/** Stops reading `body`; starting it first makes the fetcher's stream close its socket now. */
async function closeBody(body: AsyncIterable<Uint8Array>): Promise<void> {
  const iterator = body[Symbol.asyncIterator]();
  await iterator.next().catch(() => undefined);
  await iterator.return?.().catch(() => undefined);
}
