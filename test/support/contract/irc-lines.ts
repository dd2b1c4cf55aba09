/**
 * How the IRC contract harness's person reads the bridge's lines (./irc.ts): a puppet's line as
 * the relay line it stands for, a CTCP ACTION as `* name text`, and a relay line as its author,
 * text, the person it answers (`nick: `) and whether it names the person; and the channel's
 * topic and members from the lines the person's client received.
 */
import type { SeenPost } from '../../contracts/adapter-harness.js';
import type { RawLine } from '../irc-client.js';

/** The person's nick. */
export const NICK = 'fay';
/** What the adapter appends to puppet nicks. */
export const SUFFIX = '[m]';

/** A puppet's line as the relay line it stands for: `<name> text` or `* name action`. */
export function asRelay(nick: string, text: string): string {
  if (!nick.endsWith(SUFFIX)) return text;
  const name = nick.slice(0, -SUFFIX.length);
  const action = plain(text);
  return action !== text ? `* ${name} ${action.slice(2)}` : `<${name}> ${text}`;
}

/** A CTCP ACTION (puppet mode) read as the `* name text` a relay line shows. */
export function plain(line: string): string {
  const action = '\x01ACTION ';
  if (!line.startsWith(action)) return line;
  const body = line.slice(action.length);
  return `* ${body.endsWith('\x01') ? body.slice(0, -1) : body}`;
}

/** A line of the bridge: `<name> text` (or an emote), maybe addressed to someone. */
export function bridged(
  raw: string,
  before: readonly SeenPost[],
): SeenPost & { reactions: string[] } {
  const relay = /^<([^>]+)> (.*)$/su.exec(raw);
  const emote = /^\* (\S+) (.*)$/su.exec(plain(raw));
  const author = (relay?.[1] ?? emote?.[1] ?? '').replace(/\u200b/g, '');
  const body = relay?.[2] ?? emote?.[2] ?? raw;
  const mentions = new RegExp(`(^|\\W)${NICK}(\\W|$)`).test(body) ? [NICK] : [];
  const address = /^(\S+): (.*)$/su.exec(body);
  const answered = address && before.findLast((p) => p.author === address[1] && p.id !== undefined);
  return {
    author,
    text: answered && address ? (address[2] as string) : body,
    ...(answered && { replyTo: answered.id }),
    reactions: [],
    mentions,
    files: [],
  };
}

/** The last TOPIC the person's client saw in `channel` (or RPL_TOPIC on joining it). */
export function topicOf(lines: readonly RawLine[], channel: string): string {
  const name = channel.toLowerCase();
  const last = lines.findLast(
    (l) =>
      (l.command === 'TOPIC' && l.params[0]?.toLowerCase() === name) ||
      (l.command === '332' && l.params[1]?.toLowerCase() === name),
  );
  return last?.params.at(-1) ?? '';
}

/** Who the person's client saw join `channel` and not leave (puppets by their person's name). */
export function membersOf(lines: readonly RawLine[], channel: string): string[] {
  const name = channel.toLowerCase();
  const present = new Set<string>();
  for (const l of lines) {
    const here = l.params[0]?.toLowerCase() === name;
    if (l.command === 'JOIN' && here) present.add(l.nick);
    else if ((l.command === 'PART' && here) || l.command === 'QUIT') present.delete(l.nick);
  }
  return [...present].map((nick) => (nick.endsWith(SUFFIX) ? nick.slice(0, -SUFFIX.length) : nick));
}
