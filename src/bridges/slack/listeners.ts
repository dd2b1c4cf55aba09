/**
 * The bolt listeners of the adapter. Each Events API listener only queues its work: bolt has
 * already acknowledged the event (Slack wants the ack within 3 s), a repeat of an event id is
 * dropped, and the work runs in arrival order (`ArrivalOrder`). The slash command is
 * acknowledged at once and answered later through its `response_url`.
 */
import type { App } from '@slack/bolt';
import type { AdapterLogger } from '../types.js';
import type {
  SlackEventBody,
  SlackMemberEvent,
  SlackMessage,
  SlackReactionEvent,
} from './events.js';
import type { SeenEvents } from './ids.js';
import type { Inbound } from './inbound.js';
import type { ArrivalOrder } from './order.js';
import type { SlashCommand, SlashPayload } from './slash.js';
import type { SlackPresenceEvent } from './presence.js';
import type { SlackUser } from './users.js';

/** The event types the adapter subscribes to (see the manifest in docs/slack.md). */
export const HANDLED_EVENTS: ReadonlySet<string> = new Set([
  'message',
  'reaction_added',
  'reaction_removed',
  'member_joined_channel',
  'member_left_channel',
  'user_change',
  'presence_change',
]);

export interface ListenerDeps {
  readonly inbound: Inbound;
  readonly order: ArrivalOrder;
  readonly seen: SeenEvents;
  readonly slash: SlashCommand;
  readonly slashCommand: string;
  readonly logger: AdapterLogger;
}

export function registerListeners(app: App, deps: ListenerDeps): void {
  const { inbound, order, seen } = deps;
  const queue = (
    body: SlackEventBody,
    context: Record<string, unknown>,
    run: () => Promise<void>,
  ) => {
    const arrival = typeof context['arrival'] === 'number' ? context['arrival'] : undefined;
    // Socket Mode re-sends envelopes not acknowledged before a reconnect, HTTP retries on
    // timeouts: the event id makes each event count once.
    const fresh = body.event_id === undefined || seen.first(body.event_id);
    order.put(arrival, fresh ? run : undefined);
  };
  app.event('message', async ({ event, body, context }) => {
    queue(body, context, () => inbound.message(event as unknown as SlackMessage));
  });
  for (const type of ['reaction_added', 'reaction_removed'] as const) {
    app.event(type, async ({ event, body, context }) => {
      queue(body, context, () => inbound.reaction(event as unknown as SlackReactionEvent));
    });
  }
  for (const type of ['member_joined_channel', 'member_left_channel'] as const) {
    app.event(type, async ({ event, body, context }) => {
      queue(body, context, () => inbound.member(event as unknown as SlackMemberEvent));
    });
  }
  app.event('user_change', async ({ event, body, context }) => {
    queue(body, context, () => inbound.userChange(event.user as unknown as SlackUser));
  });
  // Only where the workspace delivers it (./presence.ts): the Events API itself has none.
  app.event('presence_change', async ({ event, body, context }) => {
    queue(body, context, () => inbound.presence(event as unknown as SlackPresenceEvent));
  });
  // Events of other types still arrive (a workspace may subscribe to more): their stamps are
  // filled here so they never hold the queue.
  app.use(async ({ body, context, next }) => {
    const type = (body as SlackEventBody).event?.type;
    if (type !== undefined && !HANDLED_EVENTS.has(type) && typeof context['arrival'] === 'number') {
      order.put(context['arrival'], undefined);
    }
    await next();
  });
  app.command(deps.slashCommand, async ({ command, ack, respond }) => {
    await ack();
    void deps.slash
      .answer(command as SlashPayload)
      .then((text) => respond({ response_type: 'ephemeral', text }))
      .catch((error: unknown) =>
        deps.logger.warn({ err: String(error) }, 'slack: could not answer the slash command'),
      );
  });
  app.error(async (error) => {
    deps.logger.warn({ err: error.message }, 'slack: bolt error');
  });
}
