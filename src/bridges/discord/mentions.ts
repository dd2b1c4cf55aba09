/**
 * Inbound mentions. User mentions (`<@id>`) stay in the text: the router turns them into
 * Multichat mentions through the identities it maps. Role (`<@&id>`) and channel (`<#id>`)
 * mentions name things only this adapter can look up, so it writes them as `@Role` and
 * `#channel` (escaped for Discord markdown) before the text leaves the adapter.
 */
import { escapeDiscord } from '../format/index.js';

export interface NameLookup {
  roleName(guildId: string, roleId: string): string | undefined;
  channelName(channelId: string): string | undefined;
}

/** `content` with role and channel mentions replaced by their names (ids when unknown). */
export function nameRoleAndChannelMentions(
  content: string,
  guildId: string | undefined,
  names: NameLookup,
): string {
  return content
    .replace(/<@&(\d+)>/g, (whole, id: string) => {
      const name = guildId === undefined ? undefined : names.roleName(guildId, id);
      return name === undefined ? whole : escapeDiscord(`@${name}`);
    })
    .replace(/<#(\d+)>/g, (whole, id: string) => {
      const name = names.channelName(id);
      return name === undefined ? whole : escapeDiscord(`#${name}`);
    });
}
