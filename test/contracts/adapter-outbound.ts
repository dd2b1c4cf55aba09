/**
 * Outbound cases of the adapter contract: what the router asks for reaches the network as a person
 * there sees it. Each case works in a target of its own.
 */
import { expect } from 'vitest';
import type { ExternalMessageId } from '../../src/bridges/types.js';
import type { DefineCase } from './adapter.js';
import { SENDER } from './adapter-courier.js';

export function outboundCases(define: DefineCase): void {
  define('send', 'a message reaches the network once, under the sender’s name', {}, async (c) => {
    const target = await c.world.openTarget('send');
    const word = c.token('send');
    const result = await c.courier.send(target, `hello **${word}**`);
    expect(result.externalIds).toHaveLength(1);
    const post = await c.seen(target, (p) => p.find((x) => x.text.includes(word)), 'the message');
    expect(post.author).toBe(SENDER.name);
    if (post.id !== undefined) expect(post.id).toBe(result.externalIds[0]);
    const marker = c.token('marker');
    await c.courier.send(target, marker);
    const posts = await c.seen(
      target,
      (p) => p.some((x) => x.text.includes(marker)) && p,
      'the marker',
    );
    expect(posts.filter((x) => x.text.includes(word))).toHaveLength(1);
  });

  define(
    'edit',
    'an edit shows the new text (in place where the network edits)',
    { capability: 'edits' },
    async (c) => {
      const target = await c.world.openTarget('edit');
      const sent = await c.courier.send(target, c.token('draft'));
      const word = c.token('edited');
      await c.courier.edit(target, sent.externalIds, `now ${word}`);
      const post = await c.seen(target, (p) => p.find((x) => x.text.includes(word)), 'the edit');
      expect(post.author).toBe(SENDER.name);
      if (post.id !== undefined) expect(post.id).toBe(sent.externalIds[0]);
    },
  );

  define('delete', 'a deleted message disappears', { capability: 'deletes' }, async (c) => {
    const target = await c.world.openTarget('delete');
    const word = c.token('doomed');
    const sent = await c.courier.send(target, word);
    await c.seen(target, (p) => p.some((x) => x.text.includes(word)), 'the message');
    await c.courier.delete(target, sent.externalIds);
    await c.seen(target, (p) => !p.some((x) => x.text.includes(word)), 'the message gone');
  });

  define('react', 'a reaction is shown on the message', { capability: 'reactions' }, async (c) => {
    const target = await c.world.openTarget('react');
    const root = await c.world.person.post(target, c.token('react to me'));
    await c.courier.react(target, root.id, '👍', true);
    const post = await c.seen(
      target,
      (p) => p.find((x) => x.id === root.id && x.reactions.length > 0),
      'the reaction',
    );
    expect(post.reactions).toEqual(['👍']);
  });

  define(
    'unreact',
    'a removed reaction is no longer shown',
    { capability: 'reactions' },
    async (c) => {
      const target = await c.world.openTarget('unreact');
      const root = await c.world.person.post(target, c.token('react to me'));
      await c.courier.react(target, root.id, '👍', true);
      await c.seen(
        target,
        (p) => p.find((x) => x.id === root.id)?.reactions.includes('👍'),
        'the reaction',
      );
      await c.courier.react(target, root.id, '👍', false);
      // Actions go out in order, each acknowledged: once a later message shows, so does the removal.
      const marker = c.token('marker');
      await c.courier.send(target, marker);
      const posts = await c.seen(
        target,
        (p) => p.some((x) => x.text.includes(marker)) && p,
        'the marker',
      );
      expect(posts.find((x) => x.id === root.id)?.reactions).toEqual([]);
    },
  );

  define(
    'reply',
    'a reply is shown as answering its root',
    { capability: 'replies' },
    async (c) => {
      const target = await c.world.openTarget('reply');
      const root = await c.world.person.post(target, c.token('question'));
      const word = c.token('answer');
      await c.courier.send(target, word, { replyTo: root.id as ExternalMessageId });
      const post = await c.seen(target, (p) => p.find((x) => x.text.includes(word)), 'the reply');
      expect(post.replyTo).toBe(root.id);
    },
  );

  define(
    'thread',
    'a thread message is shown in the thread of its root',
    { capability: 'threads' },
    async (c) => {
      const target = await c.world.openTarget('thread');
      const root = await c.world.person.post(target, c.token('topic'));
      const word = c.token('threaded');
      const result = await c.courier.send(target, word, {
        threadRoot: root.id as ExternalMessageId,
      });
      const post = await c.seen(
        target,
        (p) => p.find((x) => x.text.includes(word)),
        'the thread message',
      );
      expect(post.threadRoot).toBe(root.id);
      if (post.id !== undefined) expect(post.id).toBe(result.externalIds[0]);
    },
  );

  define(
    'long message',
    'a text over the limit arrives split, nothing lost, in order',
    {},
    async (c) => {
      const target = await c.world.openTarget('long');
      const caps = c.world.adapter.capabilities;
      const limit = caps.maxMessageBytes ?? caps.maxMessageLength;
      const words: string[] = [];
      while (words.join(' ').length < limit * 2.5) words.push(`w${words.length + 1}`);
      const result = await c.courier.send(target, words.join(' '));
      expect(result.externalIds.length).toBeGreaterThanOrEqual(2);
      const posts = await c.seen(
        target,
        (p) =>
          p.flatMap((x) => x.text.split(/\s+/)).filter(Boolean).length >= words.length
            ? p
            : undefined,
        `${words.length} words`,
      );
      expect(posts.flatMap((x) => x.text.split(/\s+/)).filter(Boolean)).toEqual(words);
      expect(posts.every((x) => x.author === SENDER.name)).toBe(true);
      expect(posts).toHaveLength(result.externalIds.length);
    },
  );

  define(
    'part size',
    'each part of a split text fits the declared maxMessageLength',
    {},
    async (c) => {
      const target = await c.world.openTarget('parts');
      const caps = c.world.adapter.capabilities;
      const words: string[] = [];
      while (words.join(' ').length < caps.maxMessageLength * 2.5)
        words.push(`p${words.length + 1}`);
      await c.courier.send(target, words.join(' '));
      const posts = await c.seen(
        target,
        (p) => p.some((x) => x.text.endsWith(words.at(-1) ?? '')) && p,
        'the last part',
      );
      expect(Math.max(...posts.map((x) => x.text.length))).toBeLessThanOrEqual(
        caps.maxMessageLength,
      );
    },
  );

  define(
    'mention',
    'a mention of a person there reaches the network as their mention',
    {},
    async (c) => {
      const target = await c.world.openTarget('mention');
      const word = c.token('mention');
      await c.courier.send(target, `hi @${c.world.person.name} ${word}`);
      const post = await c.seen(target, (p) => p.find((x) => x.text.includes(word)), 'the message');
      expect(post.mentions).toContain(c.world.person.id);
    },
  );
}
