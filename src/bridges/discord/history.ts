/**
 * Discord history for `multichat import discord`, without a gateway connection: the bot token's
 * REST client only (no WebSocket session, so nothing live is consumed), the same page reader as
 * live backfill (./backfill.ts) and the same translation as live messages. Rate limits are
 * waited out however long Discord asks (an import is not in a hurry), and the bot's own user and
 * application are read first so its own messages are recognised.
 */
import { DiscordAPIError, Routes, type APIApplication, type APIUser } from 'discord.js';
import type { AdapterLogger, BackfillPage, InboundEvent, LinkTarget } from '../types.js';
import { UrlFetcher } from '../net/index.js';
import { DiscordBackfill } from './backfill.js';
import { inboundCache } from './cache.js';
import { createClient } from './client.js';
import { readConfig } from './config.js';
import { DiscordHistoryAccessError } from './errors.js';
import { Inbound } from './inbound.js';
import { OwnDeletes } from './own-deletes.js';
import { Webhooks } from './webhooks.js';

const IMPORT_RATE_LIMIT_WAIT_MS = 3_600_000;

export interface DiscordHistory {
  /** One page after `cursor` (a message id), oldest first; `times` hold each event's time. */
  page(target: LinkTarget, cursor: string | undefined, limit: number): Promise<BackfillPage>;
  close(): Promise<void>;
}

/**
 * @throws DiscordHistoryAccessError when the token is refused (401) — the message says so.
 */
export async function openDiscordHistory(
  section: unknown,
  logger: AdapterLogger,
): Promise<DiscordHistory> {
  const config = readConfig({
    ...(section as Record<string, unknown>),
    maxRateLimitWaitMs: IMPORT_RATE_LIMIT_WAIT_MS,
  });
  const client = createClient(config);
  const rest = client.rest;
  rest.setToken(config.token);
  let me: APIUser;
  let app: APIApplication;
  try {
    me = (await rest.get(Routes.user())) as APIUser;
    app = (await rest.get(Routes.oauth2CurrentApplication())) as APIApplication;
  } catch (error) {
    await client.destroy();
    if (error instanceof DiscordAPIError && error.status === 401)
      throw new DiscordHistoryAccessError('(any)', 401, error);
    throw error;
  }
  const webhooks = new Webhooks(rest, config.useWebhooks, config.webhookName, () => ({
    applicationId: app.id,
    botId: me.id,
  }));
  const cache = { ...inboundCache(client, new Set()), botId: () => me.id };
  const history = new DiscordBackfill({
    rest,
    inbound: (emit: (event: InboundEvent) => Promise<void>) =>
      new Inbound({
        emit,
        webhooks,
        config,
        logger,
        cache,
        media: { fetcher: new UrlFetcher(config.media), cdnUrl: config.cdnUrl },
        ownDeletes: new OwnDeletes(),
      }),
    guildOf: () => undefined,
    logger,
  });
  return {
    page: (target, cursor, limit) => history.page(target, cursor, limit),
    close: () => client.destroy(),
  };
}
