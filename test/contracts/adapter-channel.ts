/**
 * Channel cases of the adapter contract, both ways: the topic (the bridge sets it and the person
 * sees it; the person changes it and the adapter emits it), membership (a bridged person joins
 * and leaves visibly; the person's leave and return are emitted) and typing (the bridge shows a
 * bridged person typing; the person's typing is emitted). Outbound cases run by capability,
 * inbound ones by what the person's client can do there; the harness says why it cannot.
 */
import { expect } from 'vitest';
import type { InboundEvent, LinkTarget } from '../../src/bridges/types.js';
import { BRIDGE_BOT, type ContractPerson } from './adapter-harness.js';
import type { ContractContext, DefineCase } from './adapter.js';
import { SENDER } from './adapter-courier.js';
import { eventually } from '../support/eventually.js';

/** Waits for what the person's client shows, as long as `seen` waits for posts. */
const until = <T>(what: string, probe: () => Promise<T | undefined | false>) =>
  eventually(probe, { what, timeoutMs: 30_000, intervalMs: 100 });

/** A reader the harness must give where the adapter declares the capability it checks. */
function reader<K extends 'topic' | 'members' | 'typing'>(
  c: ContractContext,
  name: K,
): NonNullable<ContractPerson[K]> {
  const read = c.world.person[name];
  if (!read) throw new Error(`the harness declares no person.${name}() to check the capability`);
  return read.bind(c.world.person) as NonNullable<ContractPerson[K]>;
}

/** The person's own events at `target` of the given kinds, since `from`. */
const theirs =
  (c: ContractContext, target: LinkTarget, kinds: readonly string[]) =>
  (events: readonly InboundEvent[]) =>
    events.filter(
      (e) =>
        kinds.includes(e.kind) &&
        'target' in e &&
        JSON.stringify(e.target) === JSON.stringify(target) &&
        e.sender?.externalId === c.world.person.id,
    );

export function channelCases(define: DefineCase): void {
  define(
    'topic',
    'a topic the bridge sets is the one the person sees',
    { capability: 'topic' },
    async (c, target) => {
      const topic = `plans ${c.token('topic')}`;
      await c.courier.setTopic(target, topic);
      const read = reader(c, 'topic');
      await until('the new topic', async () => (await read(target)) === topic);
    },
  );

  define(
    'inbound topic',
    'a topic the person sets is emitted with the new text',
    { person: 'setTopic' },
    async (c, target) => {
      const from = c.world.events.length;
      const topic = `agenda ${c.token('topic')}`;
      await c.world.person.setTopic!(target, topic);
      const event = await c.emitted(
        from,
        (events) => events.find((e) => e.kind === 'topic' && e.topic === topic),
        'the topic event',
      );
      expect(event).toMatchObject({ kind: 'topic', target, topic });
    },
  );

  define(
    'membership',
    'a bridged person joins visibly, then leaves',
    { capability: 'membership' },
    async (c, target) => {
      const members = reader(c, 'members');
      await c.courier.membership(target, 'join');
      await until('the bridged person in', async () =>
        (await members(target)).includes(SENDER.name),
      );
      await c.courier.membership(target, 'leave');
      await until(
        'the bridged person gone',
        async () => !(await members(target)).includes(SENDER.name),
      );
    },
  );

  define(
    'inbound membership',
    'the person’s leave and return are emitted, in order',
    { person: 'leaveAndReturn' },
    async (c, target) => {
      const from = c.world.events.length;
      await c.world.person.leaveAndReturn!(target);
      const seen = await c.emitted(
        from,
        (events) => {
          const mine = theirs(c, target, ['join', 'leave'])(events);
          return mine.length >= 2 && mine;
        },
        'their leave and join',
      );
      expect(seen.map((e) => e.kind)).toEqual(['leave', 'join']);
      expect(seen.some((e) => 'self' in e && e.self === true)).toBe(false);
    },
  );

  define(
    'typing',
    'a bridged person typing is shown (as them, or as the bridge bot)',
    { capability: 'typing' },
    async (c, target) => {
      const typing = reader(c, 'typing');
      // Typing is best effort and expires: shown again until the person's client shows it.
      const shown = await until('someone typing', async () => {
        await c.courier.typing(target, true);
        const now = await typing(target);
        return now.length > 0 && now;
      });
      expect(shown.filter((n) => n !== SENDER.name && n !== BRIDGE_BOT)).toEqual([]);
    },
  );

  define(
    'inbound typing',
    'the person typing is emitted',
    { person: 'type' },
    async (c, target) => {
      const from = c.world.events.length;
      await c.world.person.type!(target);
      const [event] = await c.emitted(
        from,
        (events) => {
          const mine = theirs(c, target, ['typing'])(events);
          return mine.length > 0 && mine;
        },
        'their typing',
      );
      expect(event).toMatchObject({ kind: 'typing', target, active: true });
      expect('self' in event! && event.self).not.toBe(true);
    },
  );
}
