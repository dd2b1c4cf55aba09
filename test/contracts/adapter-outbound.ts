/**
 * Outbound cases of the adapter contract: what the router asks for reaches the network as a person
 * there sees it. Each case works in a target of its own.
 */
import { expect } from 'vitest';
import type { ExternalMessageId, LinkTarget } from '../../src/bridges/types.js';
import type { ContractContext, DefineCase } from './adapter.js';
import { SENDER } from './adapter-courier.js';

/** A message that answers another: as a reply, or in the thread of its root. */
const RELATIONS = [
  {
    name: 'reply',
    title: 'a reply is shown as answering its root',
    capability: 'replies',
    field: 'replyTo',
  },
  {
    name: 'thread',
    title: 'a thread message is shown in the thread of its root',
    capability: 'threads',
    field: 'threadRoot',
  },
] as const;

/**
 * Sends one more message and returns what the person sees once it shows: actions go out in order
 * and each is acknowledged, so whatever an earlier action did shows too (no fixed sleep).
 */
async function afterMarker(c: ContractContext, target: LinkTarget) {
  const marker = c.token('marker');
  await c.courier.send(target, marker);
  return c.seen(target, (p) => p.some((x) => x.text.includes(marker)) && p, 'the marker');
}

/** The person posts; the bridge reacts 👍 to it; resolves once the person sees a reaction. */
async function reacted(c: ContractContext, target: LinkTarget) {
  const root = await c.world.person.post(target, c.token('react to me'));
  await c.courier.react(target, root.id, '👍', true);
  const post = await c.seen(
    target,
    (p) => p.find((x) => x.id === root.id && x.reactions.length > 0),
    'the reaction',
  );
  return { root, post };
}

export function outboundCases(define: DefineCase): void {
  define(
    'send',
    'a message reaches the network once, under the sender’s name',
    {},
    async (c, target) => {
      const word = c.token('send');
      const result = await c.courier.send(target, `hello **${word}**`);
      expect(result.externalIds).toHaveLength(1);
      const post = await c.seen(target, (p) => p.find((x) => x.text.includes(word)), 'the message');
      expect(post.author).toBe(SENDER.name);
      if (post.id !== undefined) expect(post.id).toBe(result.externalIds[0]);
      const posts = await afterMarker(c, target);
      expect(posts.filter((x) => x.text.includes(word))).toHaveLength(1);
    },
  );

  define(
    'edit',
    'an edit shows the new text (in place where the network edits)',
    { capability: 'edits' },
    async (c, target) => {
      const sent = await c.courier.send(target, c.token('draft'));
      const word = c.token('edited');
      await c.courier.edit(target, sent.externalIds, `now ${word}`);
      const post = await c.seen(target, (p) => p.find((x) => x.text.includes(word)), 'the edit');
      expect(post.author).toBe(SENDER.name);
      if (post.id !== undefined) expect(post.id).toBe(sent.externalIds[0]);
    },
  );

  define('delete', 'a deleted message disappears', { capability: 'deletes' }, async (c, target) => {
    const word = c.token('doomed');
    const sent = await c.courier.send(target, word);
    await c.seen(target, (p) => p.some((x) => x.text.includes(word)), 'the message');
    await c.courier.delete(target, sent.externalIds);
    await c.seen(target, (p) => !p.some((x) => x.text.includes(word)), 'the message gone');
  });

  define(
    'react',
    'a reaction is shown on the message',
    { capability: 'reactions' },
    async (c, target) => {
      const { post } = await reacted(c, target);
      expect(post.reactions).toEqual(['👍']);
    },
  );

  define(
    'unreact',
    'a removed reaction is no longer shown',
    { capability: 'reactions' },
    async (c, target) => {
      const { root } = await reacted(c, target);
      await c.courier.react(target, root.id, '👍', false);
      const posts = await afterMarker(c, target);
      expect(posts.find((x) => x.id === root.id)?.reactions).toEqual([]);
    },
  );

  define(
    'unknown emoji',
    'a custom emoji the network lacks is carried (a reaction or a short line), never refused',
    { capability: 'reactions' },
    async (c, target) => {
      const root = await c.world.person.post(target, c.token('odd emoji'));
      // `courier.react` throws on a permanent refusal (what would be a dead letter).
      await c.courier.react(target, root.id, ':mc_no_such_emoji:', true);
      await c.courier.react(target, root.id, ':mc_no_such_emoji:', false);
      const posts = await afterMarker(c, target);
      // And taken back: nothing of it is left on the message.
      expect(posts.find((x) => x.id === root.id)?.reactions).toEqual([]);
    },
  );

  for (const { name, title, capability, field } of RELATIONS) {
    define(name, title, { capability }, async (c, target) => {
      const root = await c.world.person.post(target, c.token('root'));
      const word = c.token(name);
      const result = await c.courier.send(target, word, { [field]: root.id as ExternalMessageId });
      const post = await c.seen(target, (p) => p.find((x) => x.text.includes(word)), name);
      expect(post[field]).toBe(root.id);
      if (post.id !== undefined) expect(post.id).toBe(result.externalIds[0]);
    });
  }

  define(
    'long message',
    'a text over the limit arrives split, nothing lost, in order',
    {},
    async (c, target) => {
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
    'long code',
    'a long message with a code block arrives split with every code fence closed in its part',
    {},
    async (c, target) => {
      const caps = c.world.adapter.capabilities;
      const limit = caps.maxMessageBytes ?? caps.maxMessageLength;
      const lines: string[] = [];
      while (lines.join('\n').length < limit * 2.5) lines.push(`let v${lines.length} = 1;`);
      const last = lines.at(-1) ?? '';
      await c.courier.send(
        target,
        `before the code\n\n\`\`\`\n${lines.join('\n')}\n\`\`\`\n\nafter`,
      );
      const posts = await c.seen(
        target,
        (p) =>
          p.some((x) => x.text.includes(last)) && p.some((x) => /after$/.test(x.text))
            ? p
            : undefined,
        'the last code line and the closing text',
      );
      expect(posts.length).toBeGreaterThanOrEqual(2);
      for (const post of posts) expect((post.text.match(/```/g) ?? []).length % 2).toBe(0);
      const all = posts.map((x) => x.text).join('\n');
      for (const line of lines) expect(all).toContain(line);
    },
  );

  define(
    'part size',
    'each part of a split text fits the declared maxMessageLength',
    {},
    async (c, target) => {
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
    async (c, target) => {
      const word = c.token('mention');
      await c.courier.send(target, `hi @${c.world.person.name} ${word}`);
      const post = await c.seen(target, (p) => p.find((x) => x.text.includes(word)), 'the message');
      expect(post.mentions).toContain(c.world.person.id);
    },
  );
}
