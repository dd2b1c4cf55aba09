/**
 * `import SOURCE …`: history from another network into Multichat channels, against the data dir
 * of a stopped gateway (docs/import.md). Each source is one runner; `slack-export` reads Slack's
 * workspace export (commands/import-slack.ts). Other sources register in `importSources`.
 */
import { UsageError } from '../errors.js';
import type { CliIo, Command, CommandArgs } from '../types.js';

export type ImportRunner = (args: CommandArgs, io: CliIo) => Promise<number>;

/**
 * SOURCE → its runner (positionals after SOURCE are the runner's). Each runner module is imported
 * only when its source is asked for: every command module loads on each `multichat start`, and
 * the import stack (mapping store, replay, readers) would be a tenth of that start's modules.
 */
export const importSources: Record<string, ImportRunner> = {
  'slack-export': async (args, io) =>
    (await import('./import-slack.js')).importSlackExport(args, io),
  discord: async (args, io) => (await import('./import-discord.js')).importDiscord(args, io),
  matrix: async (args, io) => (await import('./import-matrix.js')).importMatrix(args, io),
};

export const importCommand: Command = {
  name: 'import',
  summary: 'import a network’s history into Multichat channels (the gateway must be stopped)',
  usage:
    'import slack-export EXPORT.zip [--config FILE] [--channel-map slackname=channel,…] [--replay-to NETWORK]\n' +
    '       import discord --channel ID [--into CHANNEL] [--config FILE] [--replay-to NETWORK]\n' +
    '       import matrix --room ROOM [--into CHANNEL] [--config FILE] [--replay-to NETWORK]',
  help: [
    ['--config FILE', 'config of the gateway whose data dir receives the history'],
    ['--channel-map MAP', 'slackname=channel,…: where each Slack channel goes (only those)'],
    [
      '--replay-to NETWORK',
      'also post the imported messages to that linked network (rate-limited)',
    ],
    ['--channel ID', 'the source channel (sources that take one)'],
    ['--into CHANNEL', 'the Multichat channel to import into (sources that take one)'],
    ['--room ROOM', 'the source room (sources that take one)'],
  ],
  options: {
    config: { type: 'string', short: 'c' },
    'channel-map': { type: 'string' },
    'replay-to': { type: 'string' },
    channel: { type: 'string' },
    into: { type: 'string' },
    room: { type: 'string' },
  },
  positionals: [1, 2],
  async run(args, io) {
    const [source] = args.positionals;
    const runner = source !== undefined ? importSources[source] : undefined;
    if (!runner) {
      const known = Object.keys(importSources).join(', ');
      throw new UsageError(`unknown import source "${source ?? ''}" (known: ${known})`, 'import');
    }
    return runner({ values: args.values, positionals: args.positionals.slice(1) }, io);
  },
};
