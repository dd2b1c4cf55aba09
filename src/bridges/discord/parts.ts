/**
 * The text parts of an outbound Discord message, for sends and edits alike: the rendered
 * markdown as the router gave it when it fits, else split with the rich splitter (between
 * blocks, a long code block as several whole code blocks, so no part opens a fence it does not
 * close); an emote in italics; link lines of files that went as links below the text; and the
 * reply line webhooks show instead of a native reply (`-# ↪ <jump link>`).
 */
import { renderDiscord, splitRendered, splitText } from '../format/index.js';
import type {
  DeliveryResult,
  EditAction,
  ExternalMessageId,
  RichText,
  SendAction,
} from '../types.js';
import { decodeMessageId } from './ids.js';

export interface PartsInput {
  readonly text: string;
  readonly rich: RichText;
  readonly isEmote?: boolean;
}

/** Parts of at most `limit` characters; `links` go below the text, in its last part. */
export function discordParts(
  input: PartsInput,
  limit: number,
  links: readonly string[] = [],
): string[] {
  let body: string[];
  if (input.text.trim() === '') body = [];
  else if (input.text.length + (input.isEmote ? 2 : 0) <= limit) body = [input.text];
  else body = splitRendered(input.rich, renderDiscord, limit - (input.isEmote ? 2 : 0));
  // One part reads as one emote; a split one keeps its parts plain (italics cannot span them).
  if (input.isEmote && body.length === 1) body = [`_${body[0] ?? ''}_`];
  if (links.length === 0) return body;
  const list = links.join('\n');
  const last = body.at(-1);
  if (last !== undefined && last.length + 1 + list.length <= limit)
    return [...body.slice(0, -1), `${last}\n${list}`];
  return [...body, ...splitText(list, limit, 'chars')];
}

/** Webhooks cannot reply natively: a small jump link line stands in for the reply. */
export function replyLine(
  guild: string | undefined,
  channelId: string,
  replyTo: ExternalMessageId | undefined,
): string {
  if (replyTo === undefined) return '';
  const ref = decodeMessageId(replyTo);
  return `-# ↪ https://discord.com/channels/${guild ?? '@me'}/${ref.threadId ?? channelId}/${ref.messageId}\n`;
}

/**
 * Posts the parts a longer edit adds, one send each (each fits: they were split to the limit),
 * in the original's thread, under the same person; idempotency keys derive from the edit's.
 */
export async function appendParts(
  send: (action: SendAction) => Promise<DeliveryResult>,
  edit: EditAction,
  texts: readonly string[],
): Promise<ExternalMessageId[]> {
  const ids: ExternalMessageId[] = [];
  for (const [i, text] of texts.entries()) {
    const result = await send({
      kind: 'send',
      target: edit.target,
      targetKey: edit.targetKey,
      idempotencyKey: `${edit.idempotencyKey}.a${i}`,
      sender: edit.sender,
      text,
      rich: { blocks: [] },
      ...(edit.threadRoot !== undefined && { threadRoot: edit.threadRoot }),
    });
    ids.push(...result.externalIds);
  }
  return ids;
}
