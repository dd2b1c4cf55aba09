import { NotAvailableError } from '../errors.js';
import type { Command } from '../types.js';

const configOption = { config: { type: 'string', short: 'c' } } as const;
const configHelp = [
  '--config FILE',
  'config file (else $MULTICHAT_CONFIG, else the default)',
] as const;

function pending(
  name: string,
  summary: string,
  usage: string,
  positionals: readonly [number, number],
  extra: Command['help'] = [],
  options: Command['options'] = {},
): Command {
  return {
    name,
    summary,
    usage,
    help: [configHelp, ...extra],
    options: { ...configOption, ...options },
    positionals,
    run: () => Promise.reject(new NotAvailableError(name)),
  };
}

/** Commands the bridge runtime implements; parsed now so scripts fail clearly, not oddly. */
export const pendingCommands: readonly Command[] = [
  pending(
    'link',
    'link a channel to an external channel',
    'link CHANNEL NETWORK TARGET... [--config FILE]',
    [3, 10],
  ),
  pending('unlink', 'remove a link', 'unlink LINK_ID [--config FILE]', [1, 1]),
  pending('links', 'list links', 'links [--config FILE]', [0, 0]),
];
