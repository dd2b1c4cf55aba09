import { z } from 'zod';
import { discordBridgeSchema } from './discord.js';
import { ircBridgeSchema } from './irc.js';
import { matrixBridgeSchema } from './matrix.js';
import { slackBridgeSchema } from './slack.js';

export * from './discord.js';
export * from './irc.js';
export * from './matrix.js';
export * from './slack.js';

/** `bridges`: each network is off unless its section is present. */
export const bridgesSchema = z
  .object({
    irc: ircBridgeSchema.optional(),
    matrix: matrixBridgeSchema.optional(),
    discord: discordBridgeSchema.optional(),
    slack: slackBridgeSchema.optional(),
  })
  .strict();

export type BridgesConfig = z.infer<typeof bridgesSchema>;
