/**
 * Who reacted to a backfilled or imported Discord message. A message object carries only counts
 * per emoji (`reactions: [{emoji, count, me}]`), so each emoji's reactors are read with `GET
 * /channels/{id}/messages/{id}/reactions/{emoji}` (100 a page, `after` the last user). Written
 * rule (docs/discord.md): at most MAX_PAGES pages (1,000 people) per emoji; the rest, and the
 * reactors of an emoji whose list cannot be read, are counted as not carried (`reaction`,
 * `failed`) and logged, never silently dropped.
 */
import { Routes, type APIMessage, type APIUser, type REST } from 'discord.js';
import type { AdapterComponents, AdapterLogger } from '../types.js';
import { describe } from '../errors.js';

const PAGE = 100;
const MAX_PAGES = 10;

type Reaction = NonNullable<APIMessage['reactions']>[number];

/** The MESSAGE_REACTION_ADD payload the live path would have had, for Inbound.reaction. */
export interface ReactionAdd {
  readonly user_id: string;
  readonly channel_id: string;
  readonly message_id: string;
  readonly guild_id?: string;
  readonly emoji: Reaction['emoji'];
  readonly member?: { readonly user: APIUser };
}

export interface ReactorDeps {
  readonly rest: REST;
  readonly logger?: AdapterLogger;
  readonly reportDrop?: AdapterComponents['reportDrop'];
}

/** Every reaction on `message` as one add per person, emoji by emoji in the message's order. */
export async function reactionsOf(
  deps: ReactorDeps,
  message: APIMessage,
  guildId: string | undefined,
): Promise<ReactionAdd[]> {
  const out: ReactionAdd[] = [];
  for (const reaction of message.reactions ?? []) {
    const { emoji } = reaction;
    const key = emoji.id ? `${emoji.name ?? ''}:${emoji.id}` : (emoji.name ?? '');
    if (key === '') continue; // Inbound.reaction counts an emoji without a name itself
    let users: APIUser[];
    try {
      users = await reactors(deps.rest, message, key);
    } catch (error) {
      notCarried(deps, message, key, reaction.count, describe(error));
      continue;
    }
    if (users.length < reaction.count)
      notCarried(deps, message, key, reaction.count - users.length, 'over the reactor limit');
    for (const user of users) {
      out.push({
        user_id: user.id,
        channel_id: message.channel_id,
        message_id: message.id,
        ...(guildId !== undefined && { guild_id: guildId }),
        emoji,
        member: { user },
      });
    }
  }
  return out;
}

async function reactors(rest: REST, message: APIMessage, key: string): Promise<APIUser[]> {
  const route = Routes.channelMessageReaction(
    message.channel_id,
    message.id,
    encodeURIComponent(key),
  );
  const users: APIUser[] = [];
  let after: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const query = new URLSearchParams({ limit: String(PAGE), ...(after && { after }) });
    const batch = (await rest.get(route, { query })) as APIUser[];
    users.push(...batch);
    if (batch.length < PAGE) break;
    after = batch.at(-1)?.id;
  }
  return users;
}

function notCarried(
  deps: ReactorDeps,
  message: APIMessage,
  emoji: string,
  count: number,
  why: string,
): void {
  deps.logger?.warn(
    { message: message.id, emoji, count, why },
    'backfilled reactions not carried: their reactors could not be listed',
  );
  for (let i = 0; i < count; i++) deps.reportDrop?.('reaction', 'failed', why);
}
