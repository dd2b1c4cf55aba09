/**
 * Event contents the adapter sends: text with its HTML, replies (`m.in_reply_to`), threads
 * (`m.thread` with the reply fallback clients expect), edits (`m.replace`), reactions
 * (`m.annotation`), files (`m.image` / `m.video` / `m.audio` / `m.file`), and `m.mentions` for the pills in a text.
 */
import { renderMatrixBody, type RichText } from '../format/index.js';
import type { EncryptedFile } from './crypto/attachment.js';

type Content = Record<string, unknown>;

/** User ids of the pills (`https://matrix.to/#/@user:server`) in an HTML text. */
export function pilledUsers(html: string): string[] {
  const out = new Set<string>();
  for (const match of html.matchAll(/href="https:\/\/matrix\.to\/#\/(@[^"/?]+)"/g)) {
    out.add(decodeURIComponent(match[1] as string));
  }
  return [...out];
}

/** `m.text` / `m.emote` content of an HTML text and its rich model (for the plain body). */
export function textContent(html: string, rich: RichText, isEmote = false): Content {
  return {
    msgtype: isEmote ? 'm.emote' : 'm.text',
    body: renderMatrixBody(rich),
    format: 'org.matrix.custom.html',
    formatted_body: html,
    'm.mentions': { user_ids: pilledUsers(html) },
  };
}

/** A plain part of a text too long for one event. */
export function plainContent(body: string): Content {
  return { msgtype: 'm.text', body };
}

/** Adds the relation of a reply and/or thread message. */
export function withRelation(content: Content, replyTo?: string, threadRoot?: string): Content {
  if (threadRoot) {
    return {
      ...content,
      'm.relates_to': {
        rel_type: 'm.thread',
        event_id: threadRoot,
        is_falling_back: replyTo === undefined,
        'm.in_reply_to': { event_id: replyTo ?? threadRoot },
      },
    };
  }
  if (replyTo) return { ...content, 'm.relates_to': { 'm.in_reply_to': { event_id: replyTo } } };
  return content;
}

/** An `m.replace` edit of `eventId` to `next` (the `* ` fallback for clients without edits). */
export function editContent(eventId: string, next: Content): Content {
  const { ['m.mentions']: mentions, ...replacement } = next;
  const fallback: Content = { ...replacement, body: `* ${String(next['body'] ?? '')}` };
  if (typeof next['formatted_body'] === 'string')
    fallback['formatted_body'] = `* ${next['formatted_body']}`;
  return {
    ...fallback,
    'm.new_content': { ...replacement, ...(mentions !== undefined && { 'm.mentions': mentions }) },
    'm.relates_to': { rel_type: 'm.replace', event_id: eventId },
    ...(mentions !== undefined && { 'm.mentions': mentions }),
  };
}

export function reactionContent(eventId: string, key: string): Content {
  return { 'm.relates_to': { rel_type: 'm.annotation', event_id: eventId, key } };
}

/** The msgtype a file of this MIME type is sent as. */
export function fileMsgtype(mimeType: string): 'm.image' | 'm.video' | 'm.audio' | 'm.file' {
  if (mimeType.startsWith('image/')) return 'm.image';
  if (mimeType.startsWith('video/')) return 'm.video';
  if (mimeType.startsWith('audio/')) return 'm.audio';
  return 'm.file';
}

export interface FileFacts {
  readonly name: string;
  readonly mimeType: string;
  readonly size: number;
  readonly width?: number;
  readonly height?: number;
}

/**
 * `m.image` / `m.video` / `m.audio` / `m.file` of an uploaded file, with its `info`: `url` for
 * an mxc URI, `file` for an encrypted upload (an encrypted room).
 */
export function fileContent(uri: string | EncryptedFile, file: FileFacts): Content {
  return {
    msgtype: fileMsgtype(file.mimeType),
    body: file.name,
    filename: file.name,
    ...(typeof uri === 'string' ? { url: uri } : { file: uri }),
    info: {
      mimetype: file.mimeType,
      size: file.size,
      ...(file.width !== undefined && { w: file.width }),
      ...(file.height !== undefined && { h: file.height }),
    },
  };
}
