/**
 * The adapter contract's IRC harness: the adapter (relay or puppet mode) against a real ngircd;
 * the person is a raw IRC client. IRC lines have no ids, so the person's own lines carry the id
 * the adapter reported for them, and the bridge's lines are read as an IRC user reads them
 * (./irc-lines.ts): `<name> text` (a puppet's line as the relay line it stands for), a leading
 * `nick:` answers that person's last line, `* name reacted 👍 to nick: "words"` is a reaction on
 * the line it quotes, and a line naming the person's nick mentions them.
 */
import { createAdapter, type IrcAdapter } from '../../../src/bridges/irc/index.js';
import type { InboundEvent, LinkTarget, NetworkName } from '../../../src/bridges/types.js';
import type {
  ContractHarness,
  ContractPerson,
  ContractWorld,
  SeenPost,
} from '../../contracts/adapter-harness.js';
import { findNgircd, startNgircd, type NgircdPeer } from '../../peers/ngircd.js';
import { eventually } from '../eventually.js';
import { RawIrcClient, type SeenMessage } from '../irc-client.js';
import { asRelay, bridged, membersOf, NICK, plain, SUFFIX, topicOf } from './irc-lines.js';
import { namer, recorder } from './recorder.js';

export function ircContract(mode: 'relay' | 'puppet'): ContractHarness {
  return {
    title: `IRC (ngircd, ${mode} mode)`,
    ...(findNgircd() === undefined &&
      process.env.CI !== 'true' && { unavailable: 'ngircd is not installed' }),
    start: () => startIrc(mode),
  };
}

async function startIrc(mode: 'relay' | 'puppet'): Promise<ContractWorld> {
  const peer = await startNgircd();
  const { events, healths, drops, components } = recorder();
  const adapter = createAdapter(
    {
      networks: {
        test: {
          host: '127.0.0.1',
          port: peer.port,
          tls: false,
          nick: 'mcbot',
          mode,
          puppet: { suffix: SUFFIX },
          flood: { burst: 10, delayMs: 200 },
          // Fixed and long enough for the person to be back in the channels first.
          reconnect: { minMs: 3_000, maxMs: 3_000 },
        },
      },
    },
    'irc' as NetworkName,
  )(components) as IrcAdapter;
  await adapter.start();
  const person = new IrcPerson(peer, events, await RawIrcClient.connect(peer.port, NICK));
  const name = namer('#c');
  return {
    adapter,
    events,
    healths,
    drops,
    person,
    personLimits: {
      type: 'ngircd offers no IRCv3 message-tags, so nobody sends +typing there',
    },
    capabilityLimits: {
      typing: 'ngircd offers no IRCv3 message-tags: a puppet cannot send +typing there',
    },
    openTarget: async (label) => {
      const channel = name(label);
      await person.enter(channel);
      const from = person.client.lines.length;
      const target = await adapter.resolveTarget({ network: 'test', channel });
      await person.client.waitForLine(
        (l, i) => i >= from && l.command === 'JOIN' && l.nick !== NICK && l.params[0] === channel,
      );
      // The person (op, having made the channel) lets anyone set the topic, the bot included.
      await person.allowTopics(channel);
      return target;
    },
    connection: {
      cut: () => peer.kill(),
      restore: async () => {
        await peer.restart();
        await person.reconnect();
      },
    },
    async stop() {
      await adapter.stop();
      await person.client.quit();
      await peer.stop();
    },
  };
}

interface Line {
  readonly at: number;
  readonly channel: string;
  readonly nick: string;
  readonly text: string;
  /** For the person's own lines: the id the adapter reported. */
  readonly id?: string;
}

class IrcPerson implements ContractPerson {
  readonly id = NICK;
  readonly name = NICK;
  /** What earlier connections of the person received, and what the person said. */
  private readonly past: SeenMessage[] = [];
  private readonly own: Line[] = [];
  private readonly channels: string[] = [];

  constructor(
    private readonly peer: NgircdPeer,
    private readonly events: readonly InboundEvent[],
    public client: RawIrcClient,
  ) {}

  async enter(channel: string): Promise<void> {
    this.channels.push(channel);
    await this.client.join(channel);
  }

  async allowTopics(channel: string): Promise<void> {
    const from = this.client.lines.length;
    this.client.send(`MODE ${channel} -t`);
    this.client.send(`MODE ${channel}`);
    // RPL_CHANNELMODEIS answers the query, after the change (the server keeps the order).
    await this.client.waitForLine((l, i) => i >= from && l.command === '324');
  }

  async setTopic(target: LinkTarget, topic: string): Promise<void> {
    this.client.send(`TOPIC ${String(target['channel'])} :${topic}`);
  }

  async topic(target: LinkTarget): Promise<string> {
    return topicOf(this.client.lines, String(target['channel']));
  }

  async leaveAndReturn(target: LinkTarget): Promise<void> {
    const channel = String(target['channel']);
    const from = this.client.lines.length;
    this.client.send(`PART ${channel}`);
    await this.client.waitForLine(
      (l, i) => i >= from && l.command === 'PART' && l.nick === NICK && l.params[0] === channel,
    );
    await this.client.join(channel);
  }

  async members(target: LinkTarget): Promise<readonly string[]> {
    return membersOf(this.client.lines, String(target['channel']));
  }

  async reconnect(): Promise<void> {
    this.past.push(...this.client.messages);
    this.client = await RawIrcClient.connect(this.peer.port, NICK);
    for (const channel of this.channels) await this.client.join(channel);
  }

  async post(target: LinkTarget, text: string) {
    const channel = String(target['channel']);
    const at = Date.now();
    const from = this.events.length;
    this.client.say(channel, text);
    // IRC has no ids: the person's line is known by the one the adapter gave it.
    const event = await eventually(
      () =>
        this.events
          .slice(from)
          .find((e) => e.kind === 'message' && e.sender.externalId === NICK && e.text === text),
      { what: `the adapter to hear "${text}"` },
    );
    const id = (event as { externalId: string }).externalId;
    this.own.push({ at, channel, nick: NICK, text, id });
    return { id };
  }

  async read(target: LinkTarget): Promise<readonly SeenPost[]> {
    const channel = String(target['channel']).toLowerCase();
    const heard = [...this.past, ...this.client.messages]
      .filter((m) => m.target.toLowerCase() === channel && m.command === 'PRIVMSG')
      .map((m): Line => ({ at: m.at, channel, nick: m.nick, text: asRelay(m.nick, m.text) }));
    const lines = [...this.own.filter((l) => l.channel === channel), ...heard].sort(
      (a, b) => a.at - b.at,
    );
    const posts: (SeenPost & { reactions: string[] })[] = [];
    for (const line of lines) {
      if (line.nick === NICK) {
        posts.push({
          id: line.id,
          author: NICK,
          text: line.text,
          reactions: [],
          mentions: [],
          files: [],
        });
        continue;
      }
      // `* bob reacted 👍 to alice: "words…"`, and its removal `* bob took back 👍 from …`.
      const reaction = /^\* \S+ (reacted|took back) (\S+) (?:to|from) (\S+): "(.*?)…?"$/u.exec(
        plain(line.text),
      );
      if (reaction) {
        const [, verb, emoji, nick, words] = reaction.map((x) => x ?? '');
        const on = posts.findLast((p) => p.author === nick && p.text.startsWith(words ?? ''));
        const at = on?.reactions.indexOf(emoji ?? '') ?? -1;
        if (verb === 'reacted') on?.reactions.push(emoji ?? '');
        else if (at >= 0) on?.reactions.splice(at, 1);
        continue;
      }
      posts.push(bridged(line.text, posts));
    }
    return posts;
  }
}
