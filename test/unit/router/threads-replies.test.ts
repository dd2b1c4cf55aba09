/**
 * Threads, replies and reactions across every ordered pair of four capability profiles (the
 * router never asks a network's name, only its capabilities):
 * - matrix-like: threads, replies, each person's reaction their own;
 * - discord-like: threads, replies, one bot reaction for everyone;
 * - slack-like: threads, no replies (a quote line), one bot reaction;
 * - irc-like: no threads (a thread message is a reply to its root), replies.
 */
import { describe, expect, it } from 'vitest';
import { targetKeyOf } from '../../../src/mapping/index.js';
import type { NetworkName } from '../../../src/mapping/types.js';
import type {
  AdapterCapabilities,
  ExternalMessageId,
  ExternalUserId,
} from '../../../src/bridges/types.js';
import { startHarness, type Harness } from './harness.js';

const main = { channel: 'main' };
const at = (name: string) => targetKeyOf(name as NetworkName, main);

const PROFILES: Record<string, Partial<AdapterCapabilities>> = {
  mx: { threads: true, replies: true, reactionsPerPerson: true },
  dc: { threads: true, replies: true },
  sl: { threads: true, replies: false },
  ir: { threads: false, replies: true, reactionsPerPerson: true },
};
const NAMES = Object.keys(PROFILES);

async function start(): Promise<Harness> {
  return startHarness(NAMES.map((name) => ({ name, capabilities: PROFILES[name] })));
}

/** The post on `net` that carries `text`. */
function postOf(h: Harness, net: string, text: string) {
  const post = h.networks
    .get(net)
    ?.at(at(net))
    .find((p) => p.text === text);
  if (!post) throw new Error(`no "${text}" on ${net}`);
  return post;
}

describe('threads on every ordered pair', () => {
  it.each(NAMES)(
    'a thread message from %s lands in the thread (or as a reply) everywhere',
    async (from) => {
      const h = await start();
      const root = await h.adapter(from).receive(main, 'bob', `root from ${from}`);
      await h.settle();
      await h.adapter(from).receive(main, 'carol', `in thread from ${from}`, { threadRoot: root });
      await h.settle();
      const core = h.node.listMessages(h.general).find((m) => m.text === `in thread from ${from}`);
      expect(core?.threadRoot).toBeDefined();
      for (const to of NAMES.filter((n) => n !== from)) {
        const rootThere = postOf(h, to, `root from ${from}`).id;
        const post = postOf(h, to, `in thread from ${from}`);
        if (PROFILES[to]?.threads) {
          expect(post.threadRoot, `${from} → ${to}`).toBe(rootThere);
        } else {
          expect(post.threadRoot, `${from} → ${to}`).toBeUndefined();
          expect(post.replyTo, `${from} → ${to}`).toBe(rootThere);
        }
      }
    },
  );
});

describe('replies towards a network without replies', () => {
  it('outside a thread: a quote of the answered message; inside a thread: a thread reply', async () => {
    const h = await start();
    const q = await h.adapter('dc').receive(main, 'bob', 'shall we meet?\nsecond line');
    await h.settle();
    await h.adapter('dc').receive(main, 'carol', 'yes', { replyTo: q });
    await h.settle();
    const quoted = postOf(h, 'sl', 'yes');
    expect(quoted.replyQuote).toEqual({ name: 'bob', text: 'shall we meet?' });
    expect(quoted.threadRoot).toBeUndefined();
    // A reply to a message inside a thread goes into that thread, without a quote.
    const inThread = await h.adapter('dc').receive(main, 'dan', 'in the thread', { threadRoot: q });
    await h.settle();
    await h.adapter('dc').receive(main, 'erin', 'answer', { replyTo: inThread });
    await h.settle();
    const answer = postOf(h, 'sl', 'answer');
    expect(answer.threadRoot).toBe(postOf(h, 'sl', 'shall we meet?\nsecond line').id);
    expect(answer.replyQuote).toBeUndefined();
    // Networks with replies get the reply itself (and threads, the thread too).
    expect(postOf(h, 'mx', 'answer').replyTo).toBe(postOf(h, 'mx', 'in the thread').id);
    expect(postOf(h, 'mx', 'answer').threadRoot).toBe(
      postOf(h, 'mx', 'shall we meet?\nsecond line').id,
    );
  });
});

describe('reactions where one bot reaction stands for everyone', () => {
  it('the bot reaction stays until the last bridged reactor of that emoji takes theirs back', async () => {
    const h = await start();
    const id = await h.adapter('mx').receive(main, 'bob', 'react to me');
    await h.settle();
    const react = async (user: string, added: boolean) => {
      await h.adapter('mx').inject({
        kind: 'reaction',
        target: main,
        externalId: id as ExternalMessageId,
        sender: { externalId: user as ExternalUserId, displayName: user },
        emoji: '👍',
        added,
      });
      await h.settle();
    };
    const unreacts = (net: string) =>
      h.networks.get(net)?.calls.filter((c) => c.kind === 'unreact' && c.outcome === 'ok').length;
    await react('carol', true);
    await react('dan', true);
    await react('carol', false);
    // dan still reacts: the one bot reaction stays on dc and sl; ir tells each removal.
    expect(unreacts('dc')).toBe(0);
    expect(unreacts('sl')).toBe(0);
    expect(unreacts('ir')).toBe(1);
    await react('dan', false);
    expect(unreacts('dc')).toBe(1);
    expect(unreacts('sl')).toBe(1);
    expect(unreacts('ir')).toBe(2);
    const core = h.node.listMessages(h.general).find((m) => m.text === 'react to me');
    expect(core?.reactions['👍'] ?? []).toEqual([]);
  });
});

describe('edits keep what the message was', () => {
  it("an emote's edit stays an emote everywhere", async () => {
    const h = await start();
    const sender = { externalId: 'bob' as ExternalUserId, displayName: 'bob' };
    await h.adapter('mx').inject({
      kind: 'message',
      target: main,
      externalId: 'e1' as ExternalMessageId,
      sender,
      text: 'waves',
      isEmote: true,
    });
    await h.settle();
    await h.adapter('mx').inject({
      kind: 'edit',
      target: main,
      externalId: 'e1' as ExternalMessageId,
      sender,
      text: 'waves back',
      isEmote: true,
    });
    await h.settle();
    // The core keeps the flag (not italics in the text); each network is told it is an emote.
    const core = h.node.listMessages(h.general).find((m) => m.sender.username === 'bob');
    expect(core?.text).toBe('waves back');
    expect(core?.emote).toBe(true);
    expect(
      h.networks
        .get('dc')
        ?.at(at('dc'))
        .map((p) => [p.text, p.isEmote]),
    ).toEqual([['waves back', true]]);
  });
});
