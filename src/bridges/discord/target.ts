/**
 * The Discord link target: `{channel}`, a text channel's snowflake, or `{channel, thread}` for a
 * thread (the parent channel and the thread). An operator may give a thread's id as `channel`;
 * `resolveTarget` turns it into `{channel: parent, thread}`. Guilds are not part of a target:
 * a snowflake is unique across Discord, and the bot sees the guild from the channel.
 */
import { z } from 'zod';
import { InvalidLinkTargetError } from '../errors.js';
import type { LinkTarget } from '../types.js';
import { DiscordTargetError } from './errors.js';

/** Absent: "is required"; another type (a number written unquoted in YAML): "must be text". */
const textField = (what: string) => (issue: { readonly input?: unknown }) =>
  `${issue.input === undefined ? 'is required' : 'must be text'}: ${what}`;

const SNOWFLAKE = /^\d{15,20}$/;
const SNOWFLAKE_RULE = 'must be a Discord channel id (a snowflake: 15 to 20 digits)';

const snowflake = (what: string) =>
  z.string({ error: textField(what) }).refine((id) => SNOWFLAKE.test(id), {
    error: (issue) => `${SNOWFLAKE_RULE}; got ${JSON.stringify(issue.input)}`,
  });

export const discordTargetSchema = z
  .object({
    channel: snowflake('the id of a Discord text channel (Developer Mode → Copy Channel ID)'),
    thread: snowflake('the id of a thread of that channel').optional(),
  })
  .strict();

export type DiscordTarget = z.infer<typeof discordTargetSchema>;

/**
 * A stored target as the adapter reads it.
 * @throws DiscordTargetError (permanent) naming the field.
 */
export function discordTarget(target: LinkTarget): DiscordTarget {
  const parsed = discordTargetSchema.safeParse(target);
  if (!parsed.success)
    throw new DiscordTargetError(
      `invalid Discord link target: ${InvalidLinkTargetError.of(parsed.error.issues).message}`,
    );
  return parsed.data;
}
