/**
 * The long-edit rule on Matrix (docs/architecture.md, "Long messages"): part i of the new text
 * replaces the original's text event i, text events the new text no longer needs are redacted,
 * and parts beyond them are posted after it. Which of a message's events hold its text is read
 * from the homeserver: a send posts its text parts, then its files (and an earlier longer edit
 * appended parts after those), so the text events are those whose content is a text msgtype,
 * in order. Events already redacted (an earlier shorter edit) hold no text and are skipped; so
 * are files. In an encrypted room the events cannot be told apart (`m.room.encrypted`): there the
 * later events are left as they are and further parts appended.
 */
import { MatrixHttpError, type MatrixApi } from './api.js';

/** The msgtypes a text part is sent as (./content.ts). */
const TEXT_TYPES = new Set(['m.text', 'm.emote', 'm.notice']);

/** The original's text events after its first (which an edit always replaces), in order. */
export async function laterTextEvents(
  api: MatrixApi,
  room: string,
  externalIds: readonly string[],
): Promise<string[]> {
  const texts: string[] = [];
  for (const id of externalIds.slice(1)) {
    const event = await api.getEvent(room, id);
    const msgtype = event?.content['msgtype'];
    if (event?.type === 'm.room.message' && typeof msgtype === 'string' && TEXT_TYPES.has(msgtype))
      texts.push(id);
  }
  return texts;
}

/** Redacts a part the edit no longer needs, as `sender`; the bot when the homeserver refuses. */
export async function redactPart(
  api: MatrixApi,
  room: string,
  eventId: string,
  txnId: string,
  sender: string,
  bot: string,
): Promise<void> {
  try {
    await api.redact(room, eventId, txnId, sender);
  } catch (error) {
    if (!(error instanceof MatrixHttpError)) throw error;
    if (error.status === 404) return; // already gone
    if (error.status !== 403) throw error;
    await api.redact(room, eventId, txnId, bot);
  }
}
