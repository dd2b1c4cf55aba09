import { z } from 'zod';

/** One entry of `links`: a Multichat channel and the external channels it mirrors. */
export const linkSchema = z
  .object({
    /**
     * Multichat channel id, or name (created if missing). A name is resolved to an id once, when
     * the link is first made, and the link keeps that id (bridges/runtime/links.ts).
     */
    channel: z.string().min(1),
    irc: z
      .object({
        network: z.string().min(1).describe('A network name under bridges.irc.networks.'),
        channel: z.string().min(1).describe('IRC channel, e.g. `#proj` (quote it in YAML).'),
      })
      .strict()
      .optional(),
    discord: z
      .object({ channel: z.string().min(1).describe('Discord channel id (a snowflake, quoted).') })
      .strict()
      .optional(),
    slack: z
      .object({ channel: z.string().min(1).describe('Slack channel id, e.g. C0123ABCD.') })
      .strict()
      .optional(),
    matrix: z
      .object({
        room: z.string().min(1).describe('Matrix room id or alias, e.g. `#proj:example.org`.'),
      })
      .strict()
      .optional(),
    /**
     * Consent to bridge an end-to-end encrypted channel: the gateway joins it and decrypts to
     * deliver, so its operator can read it. Without it such a link is refused and logged.
     */
    allowEncrypted: z.boolean().optional(),
  })
  .strict()
  .superRefine((link, ctx) => {
    if (!link.irc && !link.discord && !link.slack && !link.matrix) {
      ctx.addIssue({
        code: 'custom',
        message: 'a link needs at least one of irc, discord, slack, matrix',
      });
    }
  });

export type LinkConfig = z.infer<typeof linkSchema>;
