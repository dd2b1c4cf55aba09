/**
 * The answers of in-network link commands (`/multichat link|unlink|links` on Discord and Slack),
 * built on the runtime's LinkControl. Shared by adapters so every network words them alike;
 * it holds no state and touches no store.
 */
import type { LinkControl, LinkInfo, LinkTarget } from './types.js';

/** What a slash command calls; each answer is a sentence shown to the person who asked. */
export interface LinkCommandHandler {
  link(target: LinkTarget, multichatChannel: string): Promise<string>;
  unlink(target: LinkTarget): Promise<string>;
  links(target: LinkTarget): Promise<string>;
}

function sameTarget(a: LinkTarget, b: LinkTarget): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

function describeLink(link: LinkInfo): string {
  return `${link.channelName ?? link.channel} (link ${link.id})`;
}

export function linkCommandHandler(control: LinkControl, network: string): LinkCommandHandler {
  const here = async (target: LinkTarget) =>
    (await control.list()).filter((l) => l.network === network && sameTarget(l.target, target));
  return {
    async link(target, channel) {
      try {
        const link = await control.create({ channel, network, target });
        return `Linked to the Multichat channel ${describeLink(link)}.`;
      } catch (error) {
        return `Not linked: ${(error as Error).message}`;
      }
    },
    async unlink(target) {
      const links = await here(target);
      if (links.length === 0) return 'This channel has no Multichat link.';
      for (const link of links) await control.remove(link.id);
      return `Removed ${links.map(describeLink).join(', ')}.`;
    },
    async links(target) {
      const links = await here(target);
      return links.length === 0
        ? 'This channel has no Multichat link.'
        : `Linked to ${links.map(describeLink).join(', ')}.`;
    },
  };
}
