/**
 * Inbound cases of the adapter contract: what a person does on the network reaches `emit` as the
 * right InboundEvent (kind, target as the link has it, sender, the message's id, text).
 */
import { expect } from 'vitest';
import type { InboundEvent } from '../../src/bridges/types.js';
import type { DefineCase } from './adapter.js';

type Of<K extends InboundEvent['kind']> = Extract<InboundEvent, { kind: K }>;
const ofKind =
  <K extends InboundEvent['kind']>(kind: K) =>
  (e: InboundEvent): e is Of<K> =>
    e.kind === kind;

export function inboundCases(define: DefineCase): void {
  define(
    'inbound message',
    'a person’s message is emitted with target, sender, id and text',
    {},
    async (c) => {
      const target = await c.world.openTarget('in-message');
      const from = c.world.events.length;
      const word = c.token('hello');
      const posted = await c.world.person.post(target, `hi ${word}`);
      const event = await c.emitted(
        from,
        (e) => e.filter(ofKind('message')).find((m) => m.text.includes(word)),
        'the message',
      );
      expect(event.target).toEqual(target);
      expect(event.externalId).toBe(posted.id);
      expect(event.sender.externalId).toBe(c.world.person.id);
      expect(event.text).toBe(`hi ${word}`);
      expect(event.self).not.toBe(true);
    },
  );

  define(
    'inbound edit',
    'a person’s edit is emitted as an edit of that message',
    { person: 'edit' },
    async (c) => {
      const target = await c.world.openTarget('in-edit');
      const from = c.world.events.length;
      const posted = await c.world.person.post(target, c.token('draft'));
      const word = c.token('fixed');
      await c.world.person.edit!(target, posted, `now ${word}`);
      const edit = await c.emitted(from, (e) => e.find(ofKind('edit')), 'the edit');
      expect(edit).toMatchObject({ target, externalId: posted.id, text: `now ${word}` });
      expect(edit.sender.externalId).toBe(c.world.person.id);
      expect(edit.self).not.toBe(true);
    },
  );

  define(
    'inbound delete',
    'a person’s delete is emitted as a delete of that message',
    { person: 'remove' },
    async (c) => {
      const target = await c.world.openTarget('in-delete');
      const from = c.world.events.length;
      const posted = await c.world.person.post(target, c.token('oops'));
      await c.world.person.remove!(target, posted);
      const deleted = await c.emitted(from, (e) => e.find(ofKind('delete')), 'the delete');
      expect(deleted).toMatchObject({ target, externalId: posted.id });
      if (deleted.sender !== undefined) expect(deleted.sender.externalId).toBe(c.world.person.id);
      expect(deleted.self).not.toBe(true);
    },
  );

  define(
    'inbound reaction',
    'a person’s reaction and its removal are emitted, in order',
    { person: 'react' },
    async (c) => {
      const target = await c.world.openTarget('in-react');
      const from = c.world.events.length;
      const posted = await c.world.person.post(target, c.token('like me'));
      await c.world.person.react!(target, posted, '👍', true);
      await c.world.person.react!(target, posted, '👍', false);
      const reactions = await c.emitted(
        from,
        (e) =>
          e.filter(ofKind('reaction')).length >= 2 ? e.filter(ofKind('reaction')) : undefined,
        'two reactions',
      );
      expect(reactions.map((r) => [r.externalId, r.emoji, r.added, r.sender.externalId])).toEqual([
        [posted.id, '👍', true, c.world.person.id],
        [posted.id, '👍', false, c.world.person.id],
      ]);
      expect(
        reactions.every((r) => r.target && JSON.stringify(r.target) === JSON.stringify(target)),
      ).toBe(true);
    },
  );
}
