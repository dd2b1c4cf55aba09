/**
 * One webhook per channel, created once and reused: the adapter looks for a webhook of its own
 * application (and name) in the channel before creating one, so a restart reuses the webhook it
 * made before. Threads use their parent's webhook with `thread_id`. The ids of our webhooks are
 * remembered so messages they post are recognised as our own and never bridged back.
 */
import { Routes, type REST } from 'discord.js';
import { apiCode, UNKNOWN_WEBHOOK } from './rate-limit.js';

export interface WebhookCredentials {
  readonly id: string;
  readonly token: string;
}

interface ApiWebhook {
  readonly id: string;
  readonly name: string | null;
  readonly token?: string;
  readonly application_id: string | null;
  readonly user?: { readonly id: string };
}

export class Webhooks {
  private readonly byChannel = new Map<string, Promise<WebhookCredentials>>();
  /** Channels where creating a webhook was refused (no Manage Webhooks). */
  private readonly refused = new Set<string>();
  /** Webhook id → ours? (answers of `GET /webhooks/:id`, and every webhook we use). */
  private readonly owners = new Map<string, Promise<boolean>>();

  constructor(
    private readonly rest: REST,
    /** False when configured off (`useWebhooks: false`): everything goes as the bot. */
    private readonly enabled: boolean,
    private readonly name: string,
    /** Our application id and bot user id, known after READY. */
    private readonly self: () => { applicationId: string; botId: string },
  ) {}

  /** The webhook of `channelId`, found or created. Concurrent callers share one lookup. */
  forChannel(channelId: string): Promise<WebhookCredentials> {
    let found = this.byChannel.get(channelId);
    if (!found) {
      found = this.findOrCreate(channelId);
      this.byChannel.set(channelId, found);
      found.catch(() => this.byChannel.delete(channelId));
    }
    return found;
  }

  /** True when messages in `channelId` go through a webhook (not off, not refused there). */
  usable(channelId: string): boolean {
    return this.enabled && !this.refused.has(channelId);
  }

  /** Discord refused to let us manage webhooks in `channelId`: use the bot there from now on. */
  refuse(channelId: string): void {
    this.refused.add(channelId);
  }

  /**
   * Runs `call` with the channel's webhook. When Discord no longer knows the webhook (a moderator
   * deleted it), a new one is made and `call` runs once more.
   */
  async call<T>(channelId: string, call: (hook: WebhookCredentials) => Promise<T>): Promise<T> {
    const hook = await this.forChannel(channelId);
    try {
      return await call(hook);
    } catch (error) {
      if (apiCode(error) !== UNKNOWN_WEBHOOK) throw error;
      this.byChannel.delete(channelId);
      return call(await this.forChannel(channelId));
    }
  }

  /** True when webhook `id` belongs to this bot; asks Discord once per unknown webhook. */
  isOurs(id: string): Promise<boolean> {
    let known = this.owners.get(id);
    if (!known) {
      known = (this.rest.get(Routes.webhook(id)) as Promise<ApiWebhook>).then(
        (hook) => this.mine(hook),
        () => false,
      );
      this.owners.set(id, known);
    }
    return known;
  }

  private mine(hook: ApiWebhook): boolean {
    const { applicationId, botId } = this.self();
    return hook.application_id === applicationId || hook.user?.id === botId;
  }

  private async findOrCreate(channelId: string): Promise<WebhookCredentials> {
    const existing = (await this.rest.get(Routes.channelWebhooks(channelId))) as ApiWebhook[];
    const ours = existing.find(
      (h) => this.mine(h) && h.token !== undefined && h.name === this.name,
    );
    const hook =
      ours ??
      ((await this.rest.post(Routes.channelWebhooks(channelId), {
        body: { name: this.name },
      })) as ApiWebhook);
    if (hook.token === undefined) throw new Error(`webhook ${hook.id} came without a token`);
    this.owners.set(hook.id, Promise.resolve(true));
    return { id: hook.id, token: hook.token };
  }
}
