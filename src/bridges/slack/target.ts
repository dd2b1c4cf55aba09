/**
 * The Slack link target: `{channel}`, a conversation id (`C0123ABCD`, `G…` for older private
 * channels) or, as an operator may write it, a channel name (`#general` or `general`).
 * `resolveTarget` (./targets.ts) turns a name into the id, which is what events carry, so a
 * stored target always holds the id.
 */
import { z } from 'zod';
import { InvalidLinkTargetError } from '../errors.js';
import type { LinkTarget } from '../types.js';
import { SlackTargetError } from './errors.js';

/** Absent: "is required"; another type (a number written unquoted in YAML): "must be text". */
const textField = (what: string) => (issue: { readonly input?: unknown }) =>
  `${issue.input === undefined ? 'is required' : 'must be text'}: ${what}`;

/** Conversation ids are upper-case letters and digits; names are lower-case (Slack's rule). */
const ID = /^[CG][A-Z0-9]{6,}$/;
const NAME = /^#?[\p{Ll}\p{Lo}\p{N}_.-]{1,80}$/u;

export const slackTargetSchema = z
  .object({
    channel: z
      .string({ error: textField('a Slack channel id (C0123ABCD) or name (#general)') })
      .refine((channel) => ID.test(channel) || NAME.test(channel), {
        error: (issue) =>
          `must be a Slack channel id (C0123ABCD) or name (#general: lower-case letters, digits, - and _); got ${JSON.stringify(issue.input)}`,
      }),
  })
  .strict();

export type SlackTarget = z.infer<typeof slackTargetSchema>;

/**
 * A stored target as the adapter reads it.
 * @throws SlackTargetError (permanent) naming the field.
 */
export function slackTarget(target: LinkTarget): SlackTarget {
  const parsed = slackTargetSchema.safeParse(target);
  if (!parsed.success)
    throw new SlackTargetError(
      `invalid Slack link target: ${InvalidLinkTargetError.of(parsed.error.issues).message}`,
    );
  return parsed.data;
}
