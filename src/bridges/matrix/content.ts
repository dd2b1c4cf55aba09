/**
 * Event contents the adapter sends: text with its HTML, replies (`m.in_reply_to`), threads
 * (`m.thread` with the reply fallback clients expect), edits (`m.replace`), reactions
 * (`m.annotation`), files (`m.image` / `m.file`), and `m.mentions` for the pills in a text.
 */
import { renderMatrixBody, type RichText } from '../format/index.js';

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

/** `m.image` for images, `m.file` for everything else. */
export function fileContent(uri: string, name: string, mimeType: string, size: number): Content {
  return {
    msgtype: mimeType.startsWith('image/') ? 'm.image' : 'm.file',
    body: name,
    filename: name,
    url: uri,
    info: { mimetype: mimeType, ...(size > 0 && { size }) },
  };
}
