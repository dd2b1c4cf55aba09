/**
 * Live replication over gossipsub: publishes this node's own entries on their channel's topic
 * (in append order), follows the topics of the channels the node follows, and validates every
 * incoming entry through the node before gossipsub forwards it.
 */
import type { CoreLogger } from '../options.js';
import type { EntryEnvelope, Unsubscribe } from '../types.js';
import { seal } from '../log.js';
import { encodeEntryRun, type SealedEnvelope } from '../wire.js';
import type { Host } from './host.js';
import { LOG_TOPIC, channelTopic, topicOfEntry } from './topics.js';
import type { SyncNode } from './types.js';
import type { Verdict } from './validator.js';
import type { PeerId } from '@libp2p/interface';

export type EntryValidate = (peer: PeerId, topic: string, data: Uint8Array) => Promise<Verdict>;

export class Gossip {
  private readonly subscribed = new Set<string>();
  private readonly unsubscribers: Unsubscribe[] = [];
  /** Publishing is chained so peers receive one author's entries in seq order. */
  private publishing: Promise<void> = Promise.resolve();
  /**
   * Local entries not yet published, per author and topic. Authors sign only the newest entry
   * of a batch (and the last before a topic switch), so entries go out as runs that end with a
   * signed one: a receiver can verify each message on its own.
   */
  private readonly unsignedRuns = new Map<string, SealedEnvelope[]>();

  constructor(
    private readonly host: Host,
    private readonly node: SyncNode,
    private readonly validate: EntryValidate,
    private readonly log: CoreLogger,
  ) {}

  start(): void {
    this.follow(LOG_TOPIC);
    this.refreshTopics();
    this.unsubscribers.push(
      this.node.on('entry', (event) => {
        const topic = topicOfEntry(event.envelope.entry);
        if (!this.subscribed.has(topic)) this.refreshTopics();
        if (event.local) this.collect(topic, event.envelope);
      }),
      this.node.on('channel', () => this.refreshTopics()),
      this.node.on('membership', () => this.refreshTopics()),
    );
  }

  async stop(): Promise<void> {
    for (const off of this.unsubscribers.splice(0)) off();
    await this.publishing;
    for (const topic of this.subscribed) {
      this.host.services.pubsub.topicValidators.delete(topic);
      this.host.services.pubsub.unsubscribe(topic);
    }
    this.subscribed.clear();
  }

  topics(): string[] {
    return [...this.subscribed];
  }

  /** Subscribes to the topics of every channel the node follows now. */
  refreshTopics(): void {
    for (const channel of this.node.followedChannels()) this.follow(channelTopic(channel));
  }

  /** Subscribes to a topic (idempotent) with the entry validator. */
  follow(topic: string): void {
    if (this.subscribed.has(topic)) return;
    const pubsub = this.host.services.pubsub;
    pubsub.topicValidators.set(topic, async (peer, message) => {
      return (await this.validate(peer, topic, message.data)) as never;
    });
    pubsub.subscribe(topic);
    this.subscribed.add(topic);
  }

  /** Adds a local entry to its run and publishes the run once it ends with a signed entry. */
  private collect(topic: string, envelope: EntryEnvelope): void {
    const key = `${envelope.entry.author} ${topic}`;
    const run = this.unsignedRuns.get(key) ?? [];
    run.push({ sealed: seal(envelope.entry), contents: envelope.contents });
    if (envelope.entry.sig === undefined) {
      this.unsignedRuns.set(key, run);
      return;
    }
    this.unsignedRuns.delete(key);
    this.publish(topic, encodeEntryRun(run));
  }

  private publish(topic: string, data: Uint8Array): void {
    this.follow(topic);
    this.publishing = this.publishing.then(async () => {
      try {
        await this.host.services.pubsub.publish(topic, data);
      } catch (err) {
        this.log.warn({ topic, err: (err as Error).message }, 'gossip: publish failed');
      }
    });
  }
}
