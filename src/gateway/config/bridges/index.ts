import { z } from 'zod';
// Each adapter owns its section's schema; import its config module, not its index, so checking
// a config never loads a network's SDK.
import { discordSectionSchema } from '../../../bridges/discord/config.js';
import { ircSectionSchema } from '../../../bridges/irc/config.js';
import { matrixSectionSchema } from '../../../bridges/matrix/config.js';
import { slackSectionSchema } from '../../../bridges/slack/config.js';

/** `bridges`: each network is off unless its section is present. */
export const bridgesSchema = z
  .object({
    irc: ircSectionSchema.optional(),
    matrix: matrixSectionSchema.optional(),
    discord: discordSectionSchema.optional(),
    slack: slackSectionSchema.optional(),
  })
  .strict();

export type BridgesConfig = z.infer<typeof bridgesSchema>;
