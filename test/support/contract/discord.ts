/**
 * The adapter contract's Discord harness: the real discord.js client (inside the adapter) against
 * the fake Discord; the person is a guild member the fake plays, and reads a channel as a Discord
 * client shows it (webhook names as authors, a reply's jump link, thread messages under their
 * root, reactions, mentions).
 */
import { createDiscordAdapter } from '../../../src/bridges/discord/index.js';
import type { LinkTarget, NetworkName } from '../../../src/bridges/types.js';
import {
  BRIDGE_BOT,
  type ContractHarness,
  type ContractPerson,
  type SeenPost,
} from '../../contracts/adapter-harness.js';
import { FAST_LIMITS } from '../../peers/discord-fake/harness.js';
import {
  startDiscordFake,
  type DiscordFake,
  type FakeMessage,
  type FakeUser,
} from '../../peers/discord-fake/index.js';
import { eventually } from '../eventually.js';
import { recorder } from './recorder.js';

/** The line a webhook reply starts with (Discord webhooks cannot reply natively). */
/** What a Discord client does with an attachment: GET its signed CDN url. */
async function download(url: string): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url}: ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

/** More than the contract has cases. */
const CHANNELS = 32;

const JUMP = /^-# ↪ https:\/\/discord\.com\/channels\/\d+\/\d+\/(\d+)\n/;

export const discordContract: ContractHarness = {
  title: 'Discord (fake Discord, real discord.js)',
  async start() {
    const fake = await startDiscordFake(FAST_LIMITS);
    // Linked channels exist before the bridge starts (GUILD_CREATE carries them), as in real use.
    const channels = Array.from({ length: CHANNELS }, (_, i) => fake.addChannel(`contract-${i}`));
    const { events, healths, drops, components } = recorder();
    const adapter = createDiscordAdapter(
      { token: fake.token, apiUrl: fake.apiUrl, cdnUrl: fake.cdnUrl, readyTimeoutMs: 10_000 },
      'discord' as NetworkName,
    )(components);
    await adapter.start();
    const carol = fake.addUser('carol');
    let sessions = 0;
    return {
      adapter,
      events,
      healths,
      drops,
      person: discordPerson(fake, carol),
      openTarget: async (label) => {
        const channel = channels.shift();
        if (!channel) throw new Error(`no channel left for ${label}: raise CHANNELS`);
        return { channel: channel.id };
      },
      connection: {
        cut: async () => {
          sessions = fake.gateway.stats.resumes + fake.gateway.stats.identifies;
          fake.gateway.dropSockets();
        },
        restore: async () => {
          const { stats } = fake.gateway;
          await eventually(() => stats.resumes + stats.identifies > sessions, {
            what: 'a new gateway session',
          });
        },
      },
      async stop() {
        await adapter.stop();
        await fake.stop();
      },
    };
  },
};

function discordPerson(fake: DiscordFake, me: FakeUser): ContractPerson {
  const channelOf = (target: LinkTarget) => String(target['channel']);
  return {
    id: me.id,
    name: me.username,
    post: async (target, text) => ({ id: fake.say(channelOf(target), me, text).id }),
    edit: async (_target, post, text) => void fake.edit(post.id, text),
    remove: async (_target, post) => fake.remove(post.id),
    react: async (_target, post, emoji, added) => fake.react(me, post.id, emoji, added),
    setTopic: async (target, topic) => fake.setTopic(channelOf(target), topic),
    topic: async (target) => String(fake.state.channels.get(channelOf(target))?.['topic'] ?? ''),
    // Discord membership is the guild's: leaving and coming back is leaving the server.
    leaveAndReturn: async () => {
      fake.memberLeave(me);
      fake.memberJoin(me);
    },
    type: async (target) => fake.typing(channelOf(target), me),
    // Discord shows only the bot typing (Trigger Typing Indicator), for about 10 s.
    typing: async (target) =>
      fake.requests.some(
        (r) =>
          r.template === '/channels/:id/typing' &&
          r.status === 204 &&
          r.path.includes(channelOf(target)),
      )
        ? [BRIDGE_BOT]
        : [],
    read: async (target) => {
      const channel = channelOf(target);
      const posts: SeenPost[] = [];
      for (const message of fake.state.messages.values()) {
        const where = fake.state.channels.get(message.channel_id);
        const inThread = where?.type === 11 && where.parent_id === channel;
        if (message.channel_id !== channel && !inThread) continue;
        posts.push(seen(fake, me, message, inThread ? message.channel_id : undefined));
      }
      return posts;
    },
  };
}

function seen(
  fake: DiscordFake,
  me: FakeUser,
  message: FakeMessage,
  thread: string | undefined,
): SeenPost {
  const jump = JUMP.exec(message.content);
  const reference = message['message_reference'] as { message_id?: string } | undefined;
  const reactions = [...(fake.state.reactions.get(message.id) ?? [])]
    .filter(([, users]) => [...users].some((u) => u !== me.id))
    .map(([emoji]) => emoji);
  const replyTo = jump?.[1] ?? reference?.message_id;
  return {
    // A thread's id is its root message's; the adapter names thread messages `thread/message`.
    id: thread === undefined ? message.id : `${thread}/${message.id}`,
    author: message.author.username,
    text: jump ? message.content.slice(jump[0].length) : message.content,
    ...(replyTo !== undefined && { replyTo }),
    ...(thread !== undefined && { threadRoot: thread }),
    reactions,
    mentions: ((message['mentions'] as FakeUser[] | undefined) ?? []).map((u) => u.id),
    files: ((message['attachments'] as { filename: string; url: string }[] | undefined) ?? []).map(
      (a) => ({ name: a.filename, download: () => download(a.url) }),
    ),
  };
}
