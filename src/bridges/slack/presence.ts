/**
 * Slack presence → `presence` events. Slack delivers `presence_change` only to RTM connections
 * and to apps that subscribed to the people (`presence_sub`); the Events API the adapter uses
 * has no presence events, and polling `users.getPresence` (Tier 3, about 50 a minute) for every
 * bridged person does not fit the rate limits. So this handles `presence_change` where a
 * workspace delivers it and otherwise Slack people have no presence in Multichat (docs/slack.md).
 */
import type { ExternalSender, InboundPresence } from '../types.js';

/** `presence_change`: one `user`, or a batch in `users` (both shapes are documented). */
export interface SlackPresenceEvent {
  readonly type: 'presence_change';
  readonly user?: string;
  readonly users?: readonly string[];
  /** `active` or `away`. */
  readonly presence?: string;
}

const STATUS = { active: 'online', away: 'away' } as const;

/** The presence events of one `presence_change` (none for the bot or an unknown state). */
export async function presenceEvents(
  event: SlackPresenceEvent,
  sender: (id: string) => Promise<ExternalSender>,
  botUserId: string | undefined,
): Promise<InboundPresence[]> {
  const status = STATUS[event.presence as keyof typeof STATUS] as
    InboundPresence['status'] | undefined;
  if (!status) return [];
  const ids = event.users ?? (event.user !== undefined ? [event.user] : []);
  const out: InboundPresence[] = [];
  for (const id of ids) {
    if (id === botUserId) continue;
    out.push({ kind: 'presence', sender: await sender(id), status });
  }
  return out;
}
