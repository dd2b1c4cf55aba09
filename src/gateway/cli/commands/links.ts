/**
 * `link`, `unlink`, `links`: talk to the running gateway's admin API (`/api/v1/links`) with the
 * admin token found through the config, like `status` does.
 */
import { adminHelp, adminOptions, adminRequest } from '../admin-client.js';
import { UsageError } from '../errors.js';
import type { CommandArgs, Command, CliIo } from '../types.js';

/** Field names of positional TARGET arguments per network; `key=value` works for any network. */
const positionalFields: Readonly<Record<string, readonly string[]>> = {
  irc: ['network', 'channel'],
  matrix: ['room'],
  discord: ['channel'],
  slack: ['channel'],
};

const options = adminOptions;
const help = adminHelp;

/** Builds a link target from `key=value` arguments or, for known networks, positional ones. */
export function parseTarget(network: string, args: readonly string[]): Record<string, string> {
  if (args.every((a) => a.includes('='))) {
    return Object.fromEntries(
      args.map((a) => [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]),
    );
  }
  const fields = positionalFields[network];
  if (!fields) throw new UsageError(`give the target of ${network} as key=value pairs`, 'link');
  if (args.length !== fields.length || args.some((a) => a.includes('='))) {
    throw new UsageError(
      `a ${network} target is: ${fields.map((f) => f.toUpperCase()).join(' ')}`,
      'link',
    );
  }
  return Object.fromEntries(fields.map((f, i) => [f, args[i] as string]));
}

export async function admin(
  args: CommandArgs,
  io: CliIo,
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  return adminRequest(args, io, method, path, body);
}

interface LinkJson {
  id: string;
  channel: string;
  channelName?: string;
  network: string;
  target: Record<string, string>;
  encrypted?: boolean;
}

/** The marker of a bridged encrypted channel in `links` and `link` output. */
const ENCRYPTED_MARK = '[encrypted: gateway decrypts]';

/** Printed by `link --allow-encrypted-bridge`: what the operator just agreed to. */
export const ENCRYPTED_BRIDGE_WARNING =
  'warning: this channel is end-to-end encrypted; the gateway is now a member that decrypts ' +
  'every message to deliver it, so whoever operates this gateway can read the channel';

function line(link: LinkJson): string {
  const target = Object.entries(link.target)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  const mark = link.encrypted ? `  ${ENCRYPTED_MARK}` : '';
  return `${link.id}  ${link.channelName ?? link.channel}  ${link.network}  ${target}${mark}`;
}

export const linkCommand: Command = {
  name: 'link',
  summary: 'link a channel to an external channel (e.g. link general irc libera "#proj")',
  usage:
    'link CHANNEL NETWORK TARGET... [--allow-encrypted-bridge] [--config FILE] [--url URL] [--token TOKEN]',
  help: [
    ...help,
    ['TARGET', 'irc: NETWORK CHANNEL; matrix: ROOM; discord/slack: CHANNEL; or key=value'],
    [
      '--allow-encrypted-bridge',
      'link an end-to-end encrypted channel: the gateway decrypts it, so its operator can read it',
    ],
  ],
  options: { ...options, 'allow-encrypted-bridge': { type: 'boolean' } },
  positionals: [3, 10],
  async run(args, io) {
    const [channel, network, ...rest] = args.positionals as [string, string, ...string[]];
    const target = parseTarget(network, rest);
    const allowEncrypted = args.values['allow-encrypted-bridge'] === true;
    const link = (await admin(args, io, 'POST', '/links', {
      channel,
      network,
      target,
      ...(allowEncrypted && { allowEncrypted: true }),
    })) as LinkJson;
    io.out(line(link));
    if (link.encrypted) io.err(ENCRYPTED_BRIDGE_WARNING);
    return 0;
  },
};

export const unlinkCommand: Command = {
  name: 'unlink',
  summary: 'remove a link (pending deliveries to it are dropped)',
  usage: 'unlink LINK_ID [--config FILE] [--url URL] [--token TOKEN]',
  help,
  options,
  positionals: [1, 1],
  async run(args, io) {
    const id = args.positionals[0] as string;
    await admin(args, io, 'DELETE', `/links/${encodeURIComponent(id)}`);
    io.out(`removed ${id}`);
    return 0;
  },
};

export const linksCommand: Command = {
  name: 'links',
  summary: 'list links (id, channel, network, target; encrypted channels marked)',
  usage: 'links [--config FILE] [--url URL] [--token TOKEN]',
  help,
  options,
  positionals: [0, 0],
  async run(args, io) {
    const { links } = (await admin(args, io, 'GET', '/links')) as { links: LinkJson[] };
    for (const link of links) io.out(line(link));
    if (links.length === 0) io.out('no links');
    return 0;
  },
};

export const linkCommands: readonly Command[] = [linkCommand, unlinkCommand, linksCommand];
