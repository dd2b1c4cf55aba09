/**
 * Forum and media channels take no plain messages: everything in them is a post (a thread whose
 * first message has the thread's id). A Multichat message with no thread linked to such a
 * channel therefore starts a post of its own, `POST /channels/{id}/threads` with the message,
 * named after its first line. Its id there is `encodeMessageId(postId, postId)`, the id inbound
 * gives a post's first message (./thread-roots.ts), so replies in its Multichat thread go into
 * the post and a Discord reply in the post comes back in that thread.
 */
import { Routes, type REST } from 'discord.js';
import { ALLOWED_MENTIONS } from './content.js';

/** Discord's limit on a thread's name. */
const MAX_NAME = 100;
/** Archived after a day without messages, as the threads this adapter opens on messages. */
const ARCHIVE_MINUTES = 1440;

/** The post's name: the text's first non-empty line, at most 100 characters. */
export function postName(text: string): string {
  const line = text.split('\n').find((l) => l.trim() !== '') ?? '';
  // Markup marks would show literally in a name.
  const plain = line.replace(/[*_~`|>#]/g, '').trim();
  return [...(plain || 'Multichat')].slice(0, MAX_NAME).join('');
}

/** Starts a post in forum `channelId` with `content` as its message; the post's (thread) id. */
export async function startForumPost(
  rest: REST,
  channelId: string,
  name: string,
  content: string,
): Promise<string> {
  const thread = (await rest.post(Routes.threads(channelId), {
    body: {
      name,
      auto_archive_duration: ARCHIVE_MINUTES,
      message: { content, allowed_mentions: ALLOWED_MENTIONS },
    },
  })) as { id: string };
  return thread.id;
}
