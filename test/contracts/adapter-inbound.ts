/**
 * Inbound cases of the adapter contract: what a person does on the network reaches `emit` as the
 * right InboundEvent (kind, target as the link has it, sender, the message's id, text).
 */
import { expect } from 'vitest';
import type { InboundEvent, LinkTarget } from '../../src/bridges/types.js';
import type { ContractContext, DefineCase } from './adapter.js';

type Of<K extends InboundEvent['kind']> = Extract<InboundEvent, { kind: K }>;

/** The events of `kind` since `from`, once there are `count` of them. */
function kindAfter<K extends InboundEvent['kind']>(
  c: ContractContext,
  from: number,
  kind: K,
  count = 1,
): Promise<Of<K>[]> {
  return c.emitted(
    from,
    (events) => {
      const of = events.filter((e): e is Of<K> => e.kind === kind);
      return of.length >= count && of;
    },
    `${count} ${kind} event(s)`,
  );
}

/** The event is about the person's message `id` in `target`, by the person, and not our echo. */
function expectTheirs(c: ContractContext, event: InboundEvent, target: LinkTarget, id: string) {
  expect(event).toMatchObject({ target, externalId: id });
  const sender = 'sender' in event ? event.sender : undefined;
  // Networks that do not name a deleter leave `sender` out (InboundDelete).
  if (event.kind !== 'delete' || sender !== undefined)
    expect(sender?.externalId).toBe(c.world.person.id);
  expect('self' in event && event.self).not.toBe(true);
}

export function inboundCases(define: DefineCase): void {
  define(
    'inbound message',
    'a person’s message is emitted with its text',
    {},
    async (c, target) => {
      const from = c.world.events.length;
      const word = c.token('hello');
      const posted = await c.world.person.post(target, `hi ${word}`);
      const [message] = await kindAfter(c, from, 'message');
      expectTheirs(c, message as InboundEvent, target, posted.id);
      expect(message?.text).toBe(`hi ${word}`);
    },
  );

  define('inbound edit', 'a person’s edit is emitted', { person: 'edit' }, async (c, target) => {
    const from = c.world.events.length;
    const posted = await c.world.person.post(target, c.token('draft'));
    const word = c.token('fixed');
    await c.world.person.edit!(target, posted, `now ${word}`);
    const [edit] = await kindAfter(c, from, 'edit');
    expectTheirs(c, edit as InboundEvent, target, posted.id);
    expect(edit?.text).toBe(`now ${word}`);
  });

  define(
    'inbound delete',
    'a person’s delete is emitted',
    { person: 'remove' },
    async (c, target) => {
      const from = c.world.events.length;
      const posted = await c.world.person.post(target, c.token('oops'));
      await c.world.person.remove!(target, posted);
      const [deleted] = await kindAfter(c, from, 'delete');
      expectTheirs(c, deleted as InboundEvent, target, posted.id);
    },
  );

  define(
    'inbound reaction',
    'a person’s reaction and its removal are emitted, in order',
    { person: 'react' },
    async (c, target) => {
      const from = c.world.events.length;
      const posted = await c.world.person.post(target, c.token('like me'));
      await c.world.person.react!(target, posted, '👍', true);
      await c.world.person.react!(target, posted, '👍', false);
      const reactions = await kindAfter(c, from, 'reaction', 2);
      for (const reaction of reactions) expectTheirs(c, reaction, target, posted.id);
      expect(reactions.map((r) => [r.emoji, r.added])).toEqual([
        ['👍', true],
        ['👍', false],
      ]);
    },
  );
}
