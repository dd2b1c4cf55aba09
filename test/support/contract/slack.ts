/**
 * The adapter contract's Slack harness: the real bolt app (inside the adapter, over Socket Mode
 * or the HTTP Events API) against the fake Slack with Slack's documented rate limits; the person
 * is a workspace member the fake plays, and reads a channel as a Slack client shows it (custom
 * usernames as authors, thread replies with their `thread_ts`, reactions by name, `<@U…>`
 * mentions, files through `url_private`).
 */
import type { LinkTarget } from '../../../src/bridges/types.js';
import type {
  ContractConnection,
  ContractHarness,
  ContractPerson,
  ReportedDrop,
  SeenPost,
} from '../../contracts/adapter-harness.js';
import type { FakeMessage, FakeUser, SlackFake } from '../../peers/slack-fake/index.js';
import { startSlackHarness, type ReceiverMode } from '../../peers/slack-fake/harness.js';
import { defaultLimits, type Limits } from '../../peers/slack-fake/rate-limit.js';
import { eventually } from '../eventually.js';
import { dropRecorder, namer } from './recorder.js';

/** The Slack names of the emoji the contract uses. */
const NAMES: Readonly<Record<string, string>> = { '👍': '+1' };
const UNICODE: Readonly<Record<string, string>> = { '+1': '👍', thumbsup: '👍' };

/**
 * Slack's documented limits, except that reconnecting is not held to Tier 1 (one connection URL
 * a minute), which would make the reconnect case wait a minute.
 */
const limits: Limits = (method) =>
  method === 'apps.connections.open' ? { rate: 100, burst: 10 } : defaultLimits(method);

/** Slack over Socket Mode (a connection that can drop) or the HTTP Events API (none). */
export function slackContract(mode: ReceiverMode): ContractHarness {
  return {
    title: `Slack (fake Slack, real bolt, ${mode === 'socket' ? 'Socket Mode' : 'HTTP Events API'})`,
    async start() {
      const drops: ReportedDrop[] = [];
      const h = await startSlackHarness(mode, {
        fake: { limits },
        reportDrop: dropRecorder(drops),
      });
      const bob = h.fake.addUser('bob');
      const name = namer('c-');
      return {
        adapter: h.adapter,
        events: h.events,
        healths: h.healths,
        drops,
        person: slackPerson(h.fake, bob),
        personLimits: {
          type: 'Slack tells apps nobody typing (no typing event in the Events API)',
        },
        openTarget: async (label) => ({ channel: h.fake.addChannel(name(label)).id }),
        ...(mode === 'socket' && { connection: socketConnection(h.fake) }),
        stop: () => h.stop(),
      };
    },
  };
}

function socketConnection(fake: SlackFake): ContractConnection {
  let connections = 0;
  return {
    cut: async () => {
      connections = fake.socket.stats.connections;
      fake.socket.drop();
    },
    restore: async () => {
      await eventually(() => fake.socket.stats.connections > connections, {
        what: 'a new Socket Mode connection',
      });
    },
  };
}

function slackPerson(fake: SlackFake, me: FakeUser): ContractPerson {
  const channelOf = (target: LinkTarget) => String(target['channel']);
  const message = (target: LinkTarget, ts: string): FakeMessage => {
    const found = fake.state.message(channelOf(target), ts);
    if (!found) throw new Error(`fake slack: no message ${ts}`);
    return found;
  };
  const channelAt = (target: LinkTarget) => {
    const channel = fake.state.channels.get(channelOf(target));
    if (!channel) throw new Error(`fake slack: no channel ${channelOf(target)}`);
    return channel;
  };
  return {
    id: me.id,
    name: me.name,
    post: async (target, text) => ({ id: fake.say(channelAt(target), me, text).ts }),
    setTopic: async (target, topic) => fake.setTopic(channelAt(target), me, topic),
    topic: async (target) => channelAt(target).topic ?? '',
    leaveAndReturn: async (target) => {
      fake.leave(channelAt(target), me);
      fake.join(channelAt(target), me);
    },
    edit: async (target, post, text) => fake.edit(message(target, post.id), text),
    remove: async (target, post) => fake.remove(message(target, post.id)),
    react: async (target, post, emoji, added) =>
      fake.react(message(target, post.id), me, NAMES[emoji] ?? emoji, added),
    read: async (target) => fake.state.history(channelOf(target)).map((m) => seen(fake, me, m)),
  };
}

function seen(fake: SlackFake, me: FakeUser, m: FakeMessage): SeenPost {
  const reactions = [...m.reactions]
    .filter(([, users]) => [...users].some((u) => u !== me.id))
    .map(([name]) => UNICODE[name] ?? `:${name}:`);
  return {
    id: m.ts,
    author: m.username ?? fake.state.users.get(m.user ?? '')?.name ?? '',
    text: m.text,
    ...(m.thread_ts !== undefined && m.thread_ts !== m.ts && { threadRoot: m.thread_ts }),
    reactions,
    mentions: [...m.text.matchAll(/<@(U[A-Z0-9]+)(?:\|[^>]*)?>/g)].map((x) => x[1] as string),
    // A member's client downloads url_private with their own session; the fake knows the bot's.
    files: (m.files ?? []).map((f) => ({
      name: f.name,
      download: async () => {
        const res = await fetch(f.url_private ?? '', {
          headers: { authorization: `Bearer ${fake.botToken}` },
        });
        if (!res.ok) throw new Error(`GET ${f.url_private}: ${res.status}`);
        return new Uint8Array(await res.arrayBuffer());
      },
    })),
  };
}
