/**
 * The text parts of an outbound Slack message: the rendered mrkdwn, split with the rich splitter
 * when over the limit (between blocks, a long code block as several whole code blocks, so no
 * fence is cut), the emote in italics, the quote line of a reply Slack cannot show natively
 * (`> name: first line…`, before the text) and the link lines of files not uploaded.
 */
import { renderSlack, splitRendered, splitText } from '../format/index.js';
import type { ReplyQuote, RichText } from '../types.js';

export interface PartsInput {
  readonly text: string;
  readonly rich: RichText;
  readonly isEmote?: boolean;
  readonly replyQuote?: ReplyQuote;
}

/** Slack's mrkdwn escapes: `&`, `<` and `>` are control characters in message text. */
function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** `> *name*: first line…`: a reply to a message outside any thread. */
export function quoteLine(quote: ReplyQuote): string {
  return `> *${escape(quote.name)}*: ${escape(quote.text)}`;
}

/** Slack shows `/me` lines in italics; without `chat.meMessage` (no custom name) italics it is. */
function emote(text: string): string {
  return text.includes('\n') || text.trim() === '' ? text : `_${text.trim()}_`;
}

/** The parts, each at most `limit` characters; `links` go below the text, in its last part. */
export function slackParts(
  input: PartsInput,
  limit: number,
  links: readonly string[] = [],
): string[] {
  const quote = input.replyQuote ? quoteLine(input.replyQuote) : '';
  const room = limit - (quote === '' ? 0 : quote.length + 1);
  let body: string[];
  if (input.text.trim() === '') body = [];
  // Short texts go as the router rendered them; only long ones are split from the rich model.
  else if (input.text.length <= room) body = [input.text];
  else body = splitRendered(input.rich, renderSlack, room);
  if (input.isEmote && body.length === 1) body = [emote(body[0] ?? '')];
  if (quote !== '') body = [[quote, body[0]].filter(Boolean).join('\n'), ...body.slice(1)];
  if (links.length === 0) return body;
  const list = links.join('\n');
  const last = body.at(-1);
  if (last !== undefined && last.length + 1 + list.length <= limit)
    return [...body.slice(0, -1), `${last}\n${list}`];
  return [...body, ...splitText(list, limit, 'chars')];
}

const PROGRESS_KEPT = 2_000;

/** Parts of a split send posted before an attempt failed, so its retry posts only the rest. */
export class SendProgress {
  private readonly sends = new Map<string, { ts: string; text: string }[]>();

  keep(key: string, posted: { ts: string; text: string }[]): void {
    this.sends.delete(key);
    this.sends.set(key, posted);
    if (this.sends.size > PROGRESS_KEPT) {
      const oldest = this.sends.keys().next().value;
      if (oldest !== undefined) this.sends.delete(oldest);
    }
  }

  /** What an earlier attempt posted (forgotten as it is returned), else nothing. */
  take(key: string): { ts: string; text: string }[] {
    const posted = this.sends.get(key) ?? [];
    this.sends.delete(key);
    return posted;
  }
}
