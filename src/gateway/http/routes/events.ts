import { Hono } from 'hono';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import type { NodeEvent, UserView } from '../../../core/types.js';
import { requireUser, type AppDeps, type AppEnv } from '../context.js';
import type { SseHub } from '../sse-hub.js';
import { SseOutbox } from '../sse-outbox.js';
import { messageJson, presenceJson } from '../views.js';
import { canRead } from './lookup.js';

/** How often an idle stream gets a comment line, so proxies keep it open. */
const KEEPALIVE_MS = 20_000;
const STREAMED = ['message', 'edit', 'delete', 'reaction', 'presence', 'notification'] as const;

/** One event in the wire form (JSON has no newlines, so one `data:` line). */
const sseChunk = (event: string, data: unknown): string =>
  `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

/**
 * `GET /api/v1/events`: server-sent events for one user. Channel events only for channels the
 * user can read (checked at send time, so a join or ban takes effect at once); notifications
 * only the user's own; presence for everyone; `typing` ({channel, user, active}) of bridged people
 * in channels the user can read. A token holds at most `maxStreamsPerToken`
 * streams (429 beyond). A stream whose unsent events pass `bufferBytes` gets a last event,
 * `overflow` with `{"reason":"slow reader","dropped":N}`, and is closed: the client reconnects
 * and reads the history it missed.
 */
export function eventRoutes(deps: AppDeps, hub: SseHub): Hono<AppEnv> {
  const { node } = deps;
  const app = new Hono<AppEnv>();
  app.get('/events', (c) => {
    const me = requireUser(c);
    // The slot is taken before answering, so a refusal is a plain 429, not a broken stream.
    let shutdown = (): void => undefined;
    const release = hub.add(me.id, () => shutdown());
    // Set when served by @hono/node-server: the connection to cut if a dropped reader stalls.
    const socket = (c.env as { outgoing?: { destroy(): void } } | undefined)?.outgoing;
    return streamSSE(c, async (stream) => {
      let finish = (): void => undefined;
      const done = new Promise<void>((resolve) => (finish = resolve));
      shutdown = () => void stream.close().finally(finish);
      stream.onAbort(finish);
      let unsubscribe: (() => void)[] = [];
      let overflowed = false;
      const outbox = new SseOutbox(
        (chunk) => stream.write(chunk),
        hub.limits.bufferBytes,
        (dropped) => {
          overflowed = true;
          // Stop serving at once (the slot and the subscriptions go); only the bounded
          // in-flight chunk and this last event wait for the client.
          release();
          for (const off of unsubscribe) off();
          unsubscribe = [];
          void stream.write(sseChunk('overflow', { reason: 'slow reader', dropped }));
          finish();
        },
      );
      unsubscribe = STREAMED.map((type) =>
        node.on(type, (event: NodeEvent) => {
          const payload = visiblePayload(deps, me, event);
          if (payload !== undefined) outbox.push(sseChunk(event.type, payload));
        }),
      );
      // Typing is ephemeral (not a node event): bridged people typing in channels one can read.
      const offTyping = deps.typing?.((notice) => {
        if (notice.user === me.id || !canRead(node, notice.channel, me.id)) return;
        const { channel, user, active } = notice;
        outbox.push(sseChunk('typing', { channel, user, active }));
      });
      if (offTyping) unsubscribe.push(offTyping);
      const keepalive = setInterval(() => outbox.push(': keepalive\n\n'), KEEPALIVE_MS);
      outbox.push(sseChunk('ready', { user: me.id }));
      try {
        await done;
      } finally {
        clearInterval(keepalive);
        for (const off of unsubscribe) off();
        release();
        if (overflowed) closeAfterGrace(stream, socket, hub.limits.overflowGraceMs);
        else closeQuietly(stream);
      }
    });
  });
  return app;
}

function closeQuietly(stream: SSEStreamingApi): void {
  if (!stream.closed) void stream.close().catch(() => undefined);
}

/** Closes once the last events are read; a client that reads nothing is cut after the grace. */
function closeAfterGrace(
  stream: SSEStreamingApi,
  socket: { destroy(): void } | undefined,
  graceMs: number,
): void {
  const timer = setTimeout(() => {
    stream.abort();
    socket?.destroy();
  }, graceMs);
  timer.unref();
  void stream
    .close()
    .catch(() => undefined)
    .finally(() => clearTimeout(timer));
}

/** The JSON an event carries to this user, or undefined when the user may not see it. */
function visiblePayload(deps: AppDeps, me: UserView, event: NodeEvent): unknown {
  const { node } = deps;
  switch (event.type) {
    case 'message':
    case 'edit':
      return canRead(node, event.message.channel, me.id)
        ? messageJson(event.message, deps.media?.links)
        : undefined;
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
        ? { reason: event.reason, message: messageJson(event.message, deps.media?.links) }
        : undefined;
    default:
      return undefined;
  }
}
