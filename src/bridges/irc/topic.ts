/**
 * Sets a channel's topic with the bot's TOPIC. IRC allows it to an op, or to anyone in a
 * channel without `+t`; rather than track channel modes the bot just tries and waits for the
 * server's answer: its own TOPIC coming back (set) or 482 ERR_CHANOPRIVSNEEDED (refused, a
 * permanent failure the runtime logs and counts). No answer in time is a transient failure.
 * The echo of the bot's own TOPIC is also reported inbound; the router recognises it as the
 * topic it set (runtime/topics.ts).
 */
import { DeliveryError } from '../errors.js';
import type { DeliveryResult } from '../types.js';
import type { IrcConnection } from './connection.js';
import { IrcTopicError } from './errors.js';
import type { TopicEvent } from './events.js';
import { ircLower } from './nick.js';

interface IrcErrorEvent {
  readonly error?: string;
  readonly channel?: string;
  readonly reason?: string;
}

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

export class IrcTopics {
  /** One TOPIC in flight per channel (lowered); later ones wait for it. */
  private readonly waiting = new Map<string, Waiter>();
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    private readonly bot: IrcConnection,
    private readonly timeoutMs = 10_000,
  ) {
    bot.client.on('topic', (e: TopicEvent) => {
      if (e.nick && ircLower(e.nick) === ircLower(bot.nick)) this.settle(e.channel);
    });
    bot.client.on('irc error', (e: IrcErrorEvent) => {
      if (e.error === 'chanop_privs_needed' && e.channel) {
        this.settle(e.channel, new IrcTopicError(e.channel, e.reason ?? 'not channel operator'));
      }
    });
  }

  /** @throws IrcTopicError (permanent) when refused; DeliveryError when unanswered. */
  set(channel: string, topic: string): Promise<DeliveryResult> {
    const key = ircLower(channel);
    const run = (this.queues.get(key) ?? Promise.resolve())
      .catch(() => undefined)
      .then(() => this.setNow(channel, topic));
    this.queues.set(key, run);
    return run;
  }

  private async setNow(channel: string, topic: string): Promise<DeliveryResult> {
    await this.bot.join(channel);
    // A topic is one line on IRC: line breaks of a Multichat topic become spaces.
    const line = topic.replace(/[\r\n]+/g, ' ');
    const key = ircLower(channel);
    let timer: NodeJS.Timeout | undefined;
    const answered = new Promise<void>((resolve, reject) => {
      this.waiting.set(key, { resolve, reject });
      timer = setTimeout(() => {
        this.waiting.delete(key);
        reject(new DeliveryError(`no answer to TOPIC ${channel} within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
    });
    answered.catch(() => undefined); // awaited below; a refusal during the write is not lost
    try {
      await this.bot.write([`TOPIC ${channel} :${line}`]);
      await answered;
    } finally {
      clearTimeout(timer);
      this.waiting.delete(key);
    }
    return { externalIds: [] };
  }

  private settle(channel: string, error?: Error): void {
    const waiter = this.waiting.get(ircLower(channel));
    if (!waiter) return;
    this.waiting.delete(ircLower(channel));
    if (error) waiter.reject(error);
    else waiter.resolve();
  }
}
