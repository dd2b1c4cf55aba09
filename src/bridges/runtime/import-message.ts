/**
 * A history message as the core's `sendMessage` intent (runtime/import-writer.ts): its text
 * converted to Markdown with mentions resolved, its files stored as blobs, its reply and thread
 * root found among what is already imported, as the live inbound path would carry it, plus the
 * two marks of imported history: `origin.imported` and the original time as createdAt.
 */
import type { Intent } from '../../core/types.js';
import type { TargetKey } from '../../mapping/types.js';
import type { MentionUser } from '../format/index.js';
import type { InboundMessage } from '../types.js';
import type { RuntimeContext } from './context.js';
import { networkTextToMarkdown, parseNetworkText } from './convert.js';
import type { ImportIds } from './import-ids.js';
import type { ImportPeople } from './import-people.js';
import type { ImportOptions } from './import-types.js';
import { storeInboundFiles } from './media-in.js';
import { mentionIds } from './mentions-in.js';
import { encodeMessageOrigin } from './plan.js';

const NO_PEOPLE: ReadonlyMap<string, MentionUser> = new Map();

/** What the writer needs to convert a message: the run's options, people and known ids. */
export interface MessageSources {
  readonly ctx: RuntimeContext;
  readonly options: ImportOptions;
  readonly people: ImportPeople;
  readonly ids: ImportIds;
}

/**
 * The intent that writes `event` (sent at `at`), or undefined when it carries nothing (no text
 * and no file survived): the caller counts that as a failure.
 */
export async function importedMessage(
  { ctx, options, people, ids }: MessageSources,
  targetKey: TargetKey,
  event: InboundMessage,
  at: number,
): Promise<Intent | undefined> {
  const { network, channel, markup } = options;
  const extra = event.mentions ?? [];
  const parsed = parseNetworkText(event.text, markup, extra);
  const named = [...parsed.mentions, ...extra];
  // Texts without mentions (most of a history) need no store call.
  const mentioned = named.length > 0 ? await people.mentioned(named) : NO_PEOPLE;
  const mentions = mentionIds(ctx, parsed, mentioned, extra);
  let text = networkTextToMarkdown(parsed, mentioned);
  const files =
    event.attachments && event.attachments.length > 0
      ? await storeInboundFiles(ctx, { network, targetKey }, event.attachments)
      : undefined;
  if (files && files.lines.length > 0) text = [text, ...files.lines].filter(Boolean).join('\n');
  if (text.trim() === '' && !files?.attachments.length) return undefined;
  const replyTo = event.replyTo && ids.find(targetKey, event.replyTo);
  const threadRoot = event.threadRoot && ids.find(targetKey, event.threadRoot);
  return {
    kind: 'sendMessage',
    channel,
    text,
    ...(event.isEmote && { emote: true }),
    origin: {
      network,
      externalId: encodeMessageOrigin(targetKey, event.externalId),
      imported: true,
    },
    // A source clock ahead of ours is clamped: nothing is dated after it was imported.
    createdAt: Math.min(Math.max(0, Math.floor(at)), ctx.now()),
    ...(replyTo && { replyTo }),
    ...(threadRoot && threadRoot !== replyTo && { threadRoot }),
    ...(files && files.attachments.length > 0 && { attachments: files.attachments }),
    ...(mentions.length > 0 && { mentions }),
  };
}
