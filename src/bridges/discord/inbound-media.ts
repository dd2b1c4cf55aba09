/**
 * What a Discord message carries besides its text, as the bridge contract's attachments and
 * text lines: every attachment becomes an `InboundAttachment` whose `open()` reads the signed CDN
 * URL the gateway just sent (it expires, so it is read when the router asks, not stored);
 * PNG/APNG/GIF stickers become image attachments from the sticker CDN; Lottie stickers, which no
 * other network can show, become `[sticker: name]`; an embed-only post (a bot's card, a link
 * unfurled with no text) becomes its title, description and URL, so nothing arrives empty.
 */
import type { APIAttachment, APIEmbed, APIStickerItem } from 'discord.js';
import type { UrlFetcher } from '../net/index.js';
import type { InboundAttachment, MediaStream } from '../types.js';

/** Discord's sticker formats (`format_type`). */
const STICKER_PNG = 1;
const STICKER_APNG = 2;
const STICKER_GIF = 4;

export interface MediaSource {
  readonly fetcher: UrlFetcher;
  /** The configured CDN base (`cdnUrl`): sticker URLs are built on it, and it may be private. */
  readonly cdnUrl: string;
}

export interface MessageMedia {
  readonly attachments?: readonly APIAttachment[];
  readonly sticker_items?: readonly APIStickerItem[];
  readonly embeds?: readonly APIEmbed[];
}

export interface CarriedMedia {
  readonly attachments: InboundAttachment[];
  /** Lines for the text: Lottie stickers, and an embed-only post's embeds. */
  readonly lines: string[];
}

/** Attachments and extra text lines of a message whose own text is `content`. */
export function carriedMedia(d: MessageMedia, content: string, source: MediaSource): CarriedMedia {
  const attachments = (d.attachments ?? []).map((a) => fileAttachment(a, source));
  const lines: string[] = [];
  for (const sticker of d.sticker_items ?? []) {
    const image = stickerAttachment(sticker, source);
    if (image) attachments.push(image);
    else lines.push(`[sticker: ${sticker.name}]`);
  }
  // Embeds beside text or files are previews of what is already carried; alone, they are the post.
  if (content === '' && attachments.length === 0 && lines.length === 0) {
    for (const embed of d.embeds ?? []) lines.push(...embedLines(embed));
  }
  return { attachments, lines };
}

function fileAttachment(a: APIAttachment, source: MediaSource): InboundAttachment {
  return {
    name: a.filename,
    size: a.size,
    url: a.url,
    ...(a.content_type && { mimeType: a.content_type }),
    ...(typeof a.width === 'number' && { width: a.width }),
    ...(typeof a.height === 'number' && { height: a.height }),
    open: () => openUrl(source, a.url, a.size),
  };
}

function stickerAttachment(
  sticker: APIStickerItem,
  source: MediaSource,
): InboundAttachment | undefined {
  const format = Number(sticker.format_type);
  if (format !== STICKER_PNG && format !== STICKER_APNG && format !== STICKER_GIF) return undefined;
  const gif = format === STICKER_GIF;
  const url = `${source.cdnUrl}/stickers/${sticker.id}.${gif ? 'gif' : 'png'}`;
  return {
    name: `${sticker.name}.${gif ? 'gif' : 'png'}`,
    mimeType: gif ? 'image/gif' : 'image/png',
    url,
    open: () => openUrl(source, url),
  };
}

function embedLines(embed: APIEmbed): string[] {
  const lines = [embed.title, embed.description, embed.url].filter(
    (l): l is string => typeof l === 'string' && l.trim() !== '',
  );
  // An embed that is only a picture or a video still says where it is.
  if (lines.length === 0) {
    const media = embed.image?.url ?? embed.video?.url ?? embed.thumbnail?.url;
    if (media) lines.push(media);
  }
  return lines;
}

/** Streams `url` through the fetch module (size, time and address rules hold). */
async function openUrl(source: MediaSource, url: string, size?: number): Promise<MediaStream> {
  const file = await source.fetcher.open(url, { trustedOrigin: source.cdnUrl });
  const known = file.size ?? size;
  return {
    contentType: file.contentType,
    ...(known !== undefined && { size: known }),
    body: file.body,
  };
}
