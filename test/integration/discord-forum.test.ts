/**
 * A Multichat channel linked to a Discord forum channel: a new Multichat message (a thread of
 * its own) starts a forum post (`POST /channels/{id}/threads` with the message) instead of
 * failing, replies in its Multichat thread go into the post, a longer message continues in its
 * post, and a Discord person's reply in the post comes back in the same Multichat thread.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createDiscordAdapter } from '../../src/bridges/discord/index.js';
import type { NetworkName } from '../../src/bridges/types.js';
import type { MessageId } from '../../src/core/types.js';
import { tempDir } from '../support/core.js';
import { AT_B, bootRouter } from '../support/fake-router-world.js';
import { TestNetwork } from '../support/test-adapter.js';
import { FAST_LIMITS, until } from '../peers/discord-fake/harness.js';
import { startDiscordFake, type DiscordFake } from '../peers/discord-fake/index.js';

const fakes: DiscordFake[] = [];
afterAll(async () => {
  for (const f of fakes) await f.stop();
});

describe('discord forum channels', () => {
  it('a new Multichat message starts a forum post; its thread is the post, both ways', async () => {
    const fake = await startDiscordFake(FAST_LIMITS);
    fakes.push(fake);
    const forum = fake.addChannel('releases', 15);
    const bob = fake.addUser('bob');
    const netB = new TestNetwork('b-');
    const p = await bootRouter({
      dataDir: tempDir('mc-discord-forum-'),
      netB,
      pollIntervalMs: 20,
      owner: 'alice',
      adapter: createDiscordAdapter(
        { token: fake.token, apiUrl: fake.apiUrl, slashCommand: false },
        'discord' as NetworkName,
      ),
      link: { network: 'discord', target: { channel: forum.id } },
    });
    const say = async (text: string, threadRoot?: MessageId) => {
      const sent = await p.node.submit(p.owner.id, {
        kind: 'sendMessage',
        channel: p.general,
        text,
        ...(threadRoot && { threadRoot }),
      });
      await p.runtime.settle();
      return sent.created as MessageId;
    };
    const posts = () => [...fake.state.channels.values()].filter((c) => c.parent_id === forum.id);

    const root = await say('**Release 1.2**\nwhat changed');
    await until(() => posts().length === 1, 'forum post created');
    const post = posts()[0]!;
    expect(post.name).toBe('Release 1.2');
    // The post's first message has the post's id and is the Multichat message.
    expect(fake.state.messages.get(post.id)).toMatchObject({
      channel_id: post.id,
      content: '**alice:** **Release 1.2**\nwhat changed',
    });

    await say('a reply in the thread', root);
    const inPost = () =>
      [...fake.state.messages.values()]
        .filter((m) => m.channel_id === post.id)
        .map((m) => m.content);
    await until(() => inPost().some((t) => t.includes('a reply in the thread')), 'reply → post');
    expect(posts()).toHaveLength(1); // no second post for a reply

    // Longer than one Discord message: the post holds its first part, the rest follow in it.
    const long = Array.from({ length: 60 }, (_, i) => `line ${i} ${'x'.repeat(40)}`).join('\n');
    await say(long);
    await until(() => posts().length === 2, 'second post');
    const second = posts()[1]!;
    const parts = [...fake.state.messages.values()].filter((m) => m.channel_id === second.id);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts[0]!.id).toBe(second.id);
    expect(parts.map((m) => m.content).join('\n')).toContain('line 59');

    // A Discord reply in the first post is in the first message's Multichat thread.
    fake.say(post.id, bob, 'bob answers in the post');
    await until(
      () => netB.at(AT_B).some((x) => x.text === 'bob answers in the post'),
      'post reply → b',
    );
    const answer = p.node.listMessages(p.general).find((m) => m.text === 'bob answers in the post');
    expect(answer?.threadRoot).toBe(root);
    await p.stop();
  });
});
