/**
 * Live replication over gossipsub: publishes this node's own entries on their channel's topic
 * (in append order), follows the topics of the channels the node follows, leaves the topics of
 * channels its users have left, and validates every incoming entry through the node before
 * gossipsub forwards it.
 */
import type { CoreLogger } from '../options.js';
import type { EntryEnvelope, EntryId, Unsubscribe } from '../types.js';
import { seal } from '../log.js';
import { encodeEntryRun, type SealedEnvelope } from '../wire.js';
import type { Host } from './host.js';
import { LeftChannels, type GossipNode } from './left-channels.js';
import { PrivateGossip, type PrivateGossipDeps } from './private-gossip.js';
import { LOG_TOPIC, channelTopic, topicOfEntry } from './topics.js';
import type { Verdict } from './validator.js';
import type { PeerId } from '@libp2p/interface';

export type EntryValidate = (peer: PeerId, topic: string, data: Uint8Array) => Promise<Verdict>;
/** Tells the message-id function the id of bytes about to be published (validator.ts). */
export type NotePublished = (data: Uint8Array, id: EntryId) => void;

export class Gossip {
  private readonly subscribed = new Set<string>();
  private readonly unsubscribers: Unsubscribe[] = [];
  private readonly left: LeftChannels;
  /** Publishing is chained so peers receive one author's entries in seq order. */
  private publishing: Promise<void> = Promise.resolve();
  /** Publishes queued or running per topic: such a topic is not left until they are done. */
  private readonly inFlight = new Map<string, number>();
  /** Topics kept only for such a publish: refreshed once it is done. */
  private readonly leaving = new Set<string>();
  /**
   * Local entries not yet published, per author and topic. Authors sign only the newest entry
   * of a batch (and the last before a topic switch), so entries go out as runs that end with a
   * signed one: a receiver can verify each message on its own.
   */
  private readonly unsignedRuns = new Map<string, SealedEnvelope[]>();
  /** Content of non-public channels: left out when publishing, fetched when receiving. */
  private readonly privacy: PrivateGossip;

  constructor(
    private readonly host: Host,
    private readonly node: GossipNode,
    validate: EntryValidate,
    private readonly log: CoreLogger,
    privacy: PrivateGossipDeps,
    private readonly notePublished: NotePublished = () => {},
  ) {
    this.left = new LeftChannels(node);
    this.privacy = new PrivateGossip(validate, privacy);
  }

  start(): void {
    this.follow(LOG_TOPIC);
    this.left.scan(this.node.followedChannels());
    this.refreshTopics();
    this.unsubscribers.push(
      this.node.on('entry', (event) => {
        const { entry } = event.envelope;
        const topic = topicOfEntry(entry);
        const channel = entry.tx.channel;
        const wanted = channel === undefined || !this.left.has(channel);
        if (wanted && !this.subscribed.has(topic)) this.refreshTopics();
        if (event.local) this.collect(topic, wanted, event.envelope);
      }),
      this.node.on('channel', () => this.refreshTopics()),
      this.node.on('membership', (event) => {
        this.left.changed(event.channel, event.user, event.role);
        this.refreshTopics();
      }),
    );
  }

  async stop(): Promise<void> {
    for (const off of this.unsubscribers.splice(0)) off();
    await this.publishing;
    for (const topic of [...this.subscribed]) this.unfollow(topic);
  }

  topics(): string[] {
    return [...this.subscribed];
  }

  /**
   * Subscribes to the topics of every channel the node follows now, and unsubscribes from
   * those of channels it has left, except while one of its own entries waits to go out there.
   */
  refreshTopics(): void {
    const wanted = new Set([LOG_TOPIC]);
    for (const channel of this.node.followedChannels()) {
      if (!this.left.has(channel)) wanted.add(channelTopic(channel));
    }
    for (const topic of wanted) this.follow(topic);
    for (const topic of [...this.subscribed]) {
      if (wanted.has(topic)) continue;
      if (this.awaitsPublish(topic)) this.leaving.add(topic);
      else this.unfollow(topic);
    }
  }

  /** Subscribes to a topic (idempotent) with the entry validator. */
  follow(topic: string): void {
    if (this.subscribed.has(topic)) return;
    const pubsub = this.host.services.pubsub;
    pubsub.topicValidators.set(topic, async (peer, message) => {
      return (await this.privacy.validate(peer, topic, message.data)) as never;
    });
    pubsub.subscribe(topic);
    this.subscribed.add(topic);
  }

  /** Unsubscribes; without its validator, a message still in flight is no longer ingested. */
  private unfollow(topic: string): void {
    this.leaving.delete(topic);
    this.host.services.pubsub.topicValidators.delete(topic);
    this.host.services.pubsub.unsubscribe(topic);
    this.subscribed.delete(topic);
  }

  private awaitsPublish(topic: string): boolean {
    if ((this.inFlight.get(topic) ?? 0) > 0) return true;
    for (const key of this.unsignedRuns.keys()) if (key.endsWith(` ${topic}`)) return true;
    return false;
  }

  /** Adds a local entry to its run and publishes the run once it ends with a signed entry. */
  private collect(topic: string, wanted: boolean, envelope: EntryEnvelope): void {
    const key = `${envelope.entry.author} ${topic}`;
    const run = this.unsignedRuns.get(key) ?? [];
    run.push({ sealed: seal(envelope.entry), contents: this.privacy.publishable(envelope) });
    if (envelope.entry.sig === undefined) {
      this.unsignedRuns.set(key, run);
      return;
    }
    this.unsignedRuns.delete(key);
    const data = encodeEntryRun(run);
    // The run ends with the entry just signed: its id is the message's.
    this.notePublished(data, run.at(-1)!.sealed.id);
    this.publish(topic, wanted, data);
  }

  /**
   * Queues a publish. Gossipsub sends to the topic's subscribers whether or not this node
   * subscribes, so the topic of a channel the node has left is not joined again for it.
   */
  private publish(topic: string, wanted: boolean, data: Uint8Array): void {
    if (wanted) this.follow(topic);
    this.inFlight.set(topic, (this.inFlight.get(topic) ?? 0) + 1);
    this.publishing = this.publishing.then(async () => {
      try {
        await this.host.services.pubsub.publish(topic, data);
      } catch (err) {
        this.log.warn({ topic, err: (err as Error).message }, 'gossip: publish failed');
      }
      const remaining = (this.inFlight.get(topic) ?? 1) - 1;
      if (remaining > 0) {
        this.inFlight.set(topic, remaining);
        return;
      }
      this.inFlight.delete(topic);
      // The last entry of a leave went out: the topic may go now (not once stop() began).
      if (this.leaving.delete(topic) && this.unsubscribers.length > 0) this.refreshTopics();
    });
  }
}
