/**
 * The `!mc` command set, for configured admins in any room the bridge bot is in:
 * `!mc link CHANNEL [ROOM]`, `!mc unlink [LINK_ID]`, `!mc links`, `!mc help`. Links are made
 * through the link control the gateway attaches (the router's link manager); the adapter never
 * touches the store itself.
 */
import type { LinkTarget } from '../types.js';

/** The runtime's link control (the contract's `LinkControl`), under the name this file uses. */
export type { LinkInfo, LinkControl as MatrixLinkControl } from '../types.js';
import type { LinkInfo, LinkControl as MatrixLinkControl } from '../types.js';
import { roomOfTarget } from './target.js';

export const COMMAND_PREFIX = '!mc';

export const HELP = [
  'Multichat bridge commands (admins only):',
  '!mc link CHANNEL [ROOM]  link this room (or ROOM, an id or alias) to the Multichat channel CHANNEL',
  '!mc unlink [LINK_ID]     remove the link of this room (or the link LINK_ID)',
  '!mc links                list every Matrix link',
  '!mc help                 this text',
].join('\n');

export interface CommandContext {
  readonly network: string;
  readonly roomId: string;
  readonly sender: string;
  readonly admins: readonly string[];
  readonly links: MatrixLinkControl | undefined;
  /** Turns a room id or alias into the canonical target (joins the bot). */
  resolve(room: string): Promise<LinkTarget>;
}

/** True when `body` is a command for us (and must not be bridged as a message). */
export function isCommand(body: string): boolean {
  return body === COMMAND_PREFIX || body.startsWith(`${COMMAND_PREFIX} `);
}

function describe(link: LinkInfo): string {
  return `${link.id}: ${link.channelName ?? link.channel} ↔ ${roomOfTarget(link.target) ?? JSON.stringify(link.target)}`;
}

/** Runs one command and returns the reply text. Never throws: failures are replies. */
export async function runCommand(body: string, ctx: CommandContext): Promise<string> {
  if (!ctx.admins.includes(ctx.sender)) return `Sorry, ${ctx.sender} is not a bridge admin.`;
  const [, verb = 'help', ...args] = body.trim().split(/\s+/);
  try {
    if (verb === 'help') return HELP;
    const links = ctx.links;
    if (!links) return 'Link commands are not available: the bridge runs without a link manager.';
    const mine = async () => (await links.list()).filter((l) => l.network === ctx.network);
    if (verb === 'links') {
      const all = await mine();
      return all.length ? all.map(describe).join('\n') : 'No Matrix links.';
    }
    if (verb === 'link') {
      const [channel, room] = args;
      if (!channel) return 'Usage: !mc link CHANNEL [ROOM]';
      const target = await ctx.resolve(room ?? ctx.roomId);
      const link = await links.create({ channel, network: ctx.network, target });
      return `Linked: ${describe(link)}`;
    }
    if (verb === 'unlink') {
      const [id] = args;
      const all = await mine();
      const link = id
        ? all.find((l) => l.id === id)
        : all.find((l) => roomOfTarget(l.target) === ctx.roomId);
      if (!link) return id ? `No Matrix link has the id ${id}.` : 'This room is not linked.';
      await links.remove(link.id);
      return `Unlinked: ${describe(link)}`;
    }
    return `Unknown command "${verb}".\n${HELP}`;
  } catch (error) {
    return `Failed: ${(error as Error).message}`;
  }
}
