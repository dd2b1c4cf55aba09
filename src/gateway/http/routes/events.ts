import { Hono } from 'hono';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import type { NodeEvent, UserView } from '../../../core/types.js';
import { requireUser, type AppDeps, type AppEnv } from '../context.js';
import type { SseHub } from '../sse-hub.js';
import { messageJson, presenceJson } from '../views.js';
import { canRead } from './lookup.js';

/** How often an idle stream gets a comment line, so proxies keep it open. */
const KEEPALIVE_MS = 20_000;
const STREAMED = ['message', 'edit', 'delete', 'reaction', 'presence', 'notification'] as const;

/**
 * `GET /api/v1/events`: server-sent events for one user. Channel events only for channels the
 * user can read (checked at send time, so a join or ban takes effect at once); notifications
 * only the user's own; presence for everyone.
 */
export function eventRoutes(deps: AppDeps, hub: SseHub): Hono<AppEnv> {
  const { node } = deps;
  const app = new Hono<AppEnv>();
  app.get('/events', (c) => {
    const me = requireUser(c);
    return streamSSE(c, async (stream) => {
      let queue = Promise.resolve();
      // Node events arrive synchronously; chaining keeps them in order on the wire.
      const send = (event: string, data: unknown): void => {
        queue = queue
          .then(() => stream.writeSSE({ event, data: JSON.stringify(data) }))
          .catch(() => undefined);
      };
      const unsubscribe = STREAMED.map((type) =>
        node.on(type, (event: NodeEvent) => {
          const payload = visiblePayload(deps, me, event);
          if (payload !== undefined) send(event.type, payload);
        }),
      );
      const done = new Promise<void>((resolve) => {
        const unregister = hub.add(() => void stream.close().finally(resolve));
        stream.onAbort(() => {
          unregister();
          resolve();
        });
      });
      const keepalive = setInterval(() => {
        queue = queue
          .then(() => stream.write(': keepalive\n\n'))
          .then(
            () => undefined,
            () => undefined,
          );
      }, KEEPALIVE_MS);
      send('ready', { user: me.id });
      try {
        await done;
      } finally {
        clearInterval(keepalive);
        for (const off of unsubscribe) off();
        closeQuietly(stream);
      }
    });
  });
  return app;
}

function closeQuietly(stream: SSEStreamingApi): void {
  if (!stream.closed) void stream.close().catch(() => undefined);
}

/** The JSON an event carries to this user, or undefined when the user may not see it. */
function visiblePayload(deps: AppDeps, me: UserView, event: NodeEvent): unknown {
  const { node } = deps;
  switch (event.type) {
    case 'message':
    case 'edit':
      return canRead(node, event.message.channel, me.id) ? messageJson(event.message) : undefined;
    case 'delete':
      return canRead(node, event.channel, me.id)
        ? { channel: event.channel, message: event.message, cause: event.cause, by: event.by }
        : undefined;
    case 'reaction':
      return canRead(node, event.channel, me.id)
        ? {
            channel: event.channel,
            message: event.message,
            user: event.user,
            emoji: event.emoji,
            added: event.added,
          }
        : undefined;
    case 'presence':
      return presenceJson(event.presence);
    case 'notification':
      return event.user === me.id
        ? { reason: event.reason, message: messageJson(event.message) }
        : undefined;
    default:
      return undefined;
  }
}
