/**
 * Cases of the adapter contract about the adapter's own traffic and its connection: our own
 * actions never come back as someone else's, a burst above the declared rate arrives whole and in
 * order, and a dropped connection is reported (reconnecting, then connected) and delivered across.
 */
import { expect } from 'vitest';
import type { DefineCase } from './adapter.js';

const BRIDGED_KINDS = new Set(['message', 'edit', 'delete', 'reaction']);

export function resilienceCases(define: DefineCase): void {
  define(
    'echo suppression',
    'our own sends, edits, reactions and deletes are never emitted as someone else’s',
    {},
    async (c, target) => {
      const { adapter, person, events } = c.world;
      const caps = adapter.capabilities;
      const start = events.length;
      const word = c.token('theirs');
      const theirs = await person.post(target, word);
      await c.emitted(
        start,
        (e) => e.some((x) => x.kind === 'message' && x.text.includes(word)),
        'their message',
      );
      const from = events.length;
      const sent = await c.courier.send(target, c.token('ours'));
      if (caps.edits) await c.courier.edit(target, sent.externalIds, c.token('ours edited'));
      if (caps.reactions) {
        await c.courier.react(target, theirs.id, '👍', true);
        await c.courier.react(target, theirs.id, '👍', false);
      }
      if (caps.deletes) await c.courier.delete(target, sent.externalIds);
      // Events of one target are emitted in the network's order: once the person's later message
      // is in, any echo of ours would be too.
      const marker = c.token('marker');
      await person.post(target, marker);
      await c.emitted(
        from,
        (e) => e.some((x) => x.kind === 'message' && x.text.includes(marker)),
        'the marker',
      );
      const foreign = events
        .slice(from)
        .filter((e) => BRIDGED_KINDS.has(e.kind) && !('self' in e && e.self === true))
        .filter((e) => !(e.kind === 'message' && e.text.includes(marker)));
      expect(foreign).toEqual([]);
    },
  );

  define(
    'rate limit',
    'a burst above capabilities.rateLimit is delivered in order, none lost',
    {},
    async (c, target) => {
      const count = Math.ceil(c.world.adapter.capabilities.rateLimit.burst) + 3;
      const texts = Array.from({ length: count }, (_, i) => `b${i + 1}`);
      for (const text of texts) await c.courier.send(target, text);
      const posts = await c.seen(
        target,
        (p) => p.some((x) => x.text === texts.at(-1)) && p,
        'the last of the burst',
      );
      expect(posts.map((x) => x.text)).toEqual(texts);
    },
    180_000,
  );

  define(
    'reconnect',
    'a dropped connection is reported, then recovered, and delivery goes on',
    { connection: true },
    async (c, target) => {
      const { adapter, healths } = c.world;
      const before = c.token('before');
      await c.courier.send(target, before);
      await c.seen(target, (p) => p.some((x) => x.text.includes(before)), 'the first message');
      const from = healths.length;
      await c.world.connection?.cut();
      // Posted while the network is away, one after another as the worker would.
      const during = [c.token('during'), c.token('during')];
      const pending = (async () => {
        for (const word of during) await c.courier.send(target, word);
      })();
      await c.world.connection?.restore();
      await pending;
      const after = c.token('after');
      await c.courier.send(target, after);
      const posts = await c.seen(
        target,
        (p) => p.some((x) => x.text.includes(after)) && p,
        'the message after',
      );
      // At-least-once networks (IRC) may repeat a line; the first sighting of each counts.
      const at = (word: string) => posts.findIndex((x) => x.text.includes(word));
      const order = [before, ...during, after].map(at);
      expect(order.every((i) => i >= 0)).toBe(true);
      expect([...order].sort((a, b) => a - b)).toEqual(order);
      const states = healths.slice(from).map((h) => h.state);
      expect(states).toContain('reconnecting');
      expect(states.lastIndexOf('connected')).toBeGreaterThan(states.indexOf('reconnecting'));
      expect(adapter.health().state).toBe('connected');
    },
    240_000,
  );
}
