/**
 * Mentions on Matrix. Inbound, pills stay in the HTML (the router resolves them, a pill to one
 * of our ghosts included); the event's `m.mentions.user_ids` (intentional mentions, MSC3952)
 * are reported beside the text, since a client may mention someone without a pill. Outbound,
 * the ghost of a person is named from their id alone, so the runtime can record it and pill it.
 */
import type { ExternalUserId, SenderDisplay } from '../types.js';
import { ghostUserId, type GhostNaming } from './ids.js';

type Content = Readonly<Record<string, unknown>>;

const USER_ID = /^@[^:\s]+:\S+$/;

/** The user ids of `m.mentions`, valid ones only, once each (at most 50, the core's cap). */
export function intentionalMentions(content: Content): ExternalUserId[] {
  const mentions = content['m.mentions'];
  if (typeof mentions !== 'object' || mentions === null) return [];
  const ids = (mentions as Content)['user_ids'];
  if (!Array.isArray(ids)) return [];
  const valid = ids.filter((id): id is string => typeof id === 'string' && USER_ID.test(id));
  return [...new Set(valid)].slice(0, 50) as ExternalUserId[];
}

/** The ghost that speaks for `sender`; none for a person posting through their own account. */
export function ghostIdentity(
  naming: GhostNaming,
  sender: SenderDisplay,
): ExternalUserId | undefined {
  if (sender.native !== undefined) return undefined;
  return ghostUserId(naming, sender.id) as ExternalUserId;
}
