/**
 * Outbound text → IRC payloads: the relay format (`<nick> text`, with a zero-width space in the
 * nick so its owner is not pinged), replies addressed `nick: `, edits as a correction line,
 * reactions as a short emote line, and splitting at the real byte limit, UTF-8 safe, with each
 * part carrying the prefix again.
 */
import { measure, splitIrcLines, stripControls } from '../format/index.js';
import type { IrcNetworkSettings } from './config.js';
import { noPing } from './nick.js';

/** `format` with `{nick}` and `{text}` filled in (no `$` patterns: replacer functions). */
export function fill(format: string, nick: string, text: string): string {
  return format.replace(/\{nick\}/g, () => nick).replace(/\{text\}/g, () => text);
}

/** A name safe on one IRC line. */
export function cleanName(name: string): string {
  return (
    stripControls(name)
      .replace(/[\r\n]+/g, ' ')
      .trim() || 'someone'
  );
}

/**
 * The most UTF-8 bytes of text one IRC line carries (the adapter's declared maxMessageBytes).
 * The real room is 512 bytes minus the source mask, command, channel and relay prefix (about
 * 450 in practice): capping at 400 keeps the declared limit true on every connection.
 */
export const TEXT_BYTES = 400;

/**
 * Splits `text` into payloads of at most `maxBytes`, each wrapped by `wrap` (whose own bytes are
 * measured first, so the wrapped payload still fits); the text of a payload is at most
 * `TEXT_BYTES`.
 */
export function splitWrapped(
  text: string,
  maxBytes: number,
  wrap: (part: string) => string,
): string[] {
  const overhead = measure(wrap(''));
  const room = Math.max(16, Math.min(TEXT_BYTES, maxBytes - overhead));
  return splitIrcLines(text, room).map(wrap);
}

/** What the bot writes for a relayed person; `emote` uses the emote format. */
export function relayWrapper(
  settings: IrcNetworkSettings,
  name: string,
  emote: boolean,
): (part: string) => string {
  const shown = settings.noPing ? noPing(cleanName(name)) : cleanName(name);
  const format = emote ? settings.emoteFormat : settings.relayFormat;
  return (part) => fill(format, shown, part);
}

/** Addresses the first line to the author of the message replied to, IRC style. */
export function addressed(text: string, nick: string): string {
  return nick === '' ? text : `${nick}: ${text}`;
}

/** The line an edit becomes: the new text after the configured prefix. */
export function correction(settings: IrcNetworkSettings, text: string): string {
  return `${settings.editPrefix}${text}`;
}

/**
 * The emote text of a reaction: `reacted 👍 to alice: "first words…"`; of its removal (`removed`)
 * `took back 👍 from alice: "first words…"`.
 */
export function reactionText(
  emoji: string,
  author: string,
  excerpt: string | undefined,
  removed = false,
): string {
  const who = author === '' ? 'a message' : author;
  const verb = removed ? `took back ${emoji} from` : `reacted ${emoji} to`;
  if (excerpt === undefined) return `${verb} ${who === 'a message' ? who : `${who}'s message`}`;
  const plain = stripControls(excerpt).replace(/\s+/g, ' ').trim();
  const short = [...plain].length > 40 ? `${cutAtWord([...plain].slice(0, 40).join(''))}…` : plain;
  return `${verb} ${who}: "${short}"`;
}

/** Drops a trailing partial word (when there is an earlier space to cut at). */
function cutAtWord(text: string): string {
  const space = text.lastIndexOf(' ');
  return space > 10 ? text.slice(0, space) : text;
}

/** A CTCP ACTION payload. */
export function ctcpAction(text: string): string {
  return `\x01ACTION ${text}\x01`;
}
