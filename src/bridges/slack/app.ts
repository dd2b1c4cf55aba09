/**
 * Builds the bolt `App` with the receiver the config asks for, after `auth.test` told us who
 * the bot is (so bolt does no I/O of its own in its constructor):
 * - Socket Mode: a `SocketModeReceiver` on the app-level token; `apps.connections.open` goes to
 *   the configured Web API base like every other call.
 * - HTTP: bolt's `HTTPReceiver` on `/slack/events`: it refuses (401) a request whose
 *   `X-Slack-Signature` does not match or whose timestamp is more than 5 minutes old, before
 *   anything is parsed, and answers the `url_verification` challenge.
 * Events are acknowledged by bolt before any listener runs, which keeps within Slack's 3 s.
 */
import {
  App,
  HTTPReceiver,
  LogLevel,
  SocketModeReceiver,
  type Logger,
  type webApi,
} from '@slack/bolt';
import type { AdapterLogger } from '../types.js';
import type { SlackConfig } from './config.js';
import type { SelfIds } from './inbound.js';

/** Web API client options shared by our own client and bolt's. */
export function clientOptions(config: SlackConfig, logger: Logger): webApi.WebClientOptions {
  return {
    slackApiUrl: config.apiUrl,
    logger,
    // A 429 comes back to the router with Retry-After instead of being waited out here.
    rejectRateLimitedCalls: true,
    // Network failures: a few quick tries; the router's outbox retries beyond that.
    retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 1_000 },
  };
}

export interface BuiltApp {
  readonly app: App;
  /** Socket Mode's client (health events), absent in HTTP mode. */
  readonly socket?: SocketModeReceiver['client'];
}

/**
 * @param stamp called synchronously as each Events API delivery arrives (see `ArrivalOrder`);
 *   its value reaches listeners as `context.arrival`.
 */
export function buildApp(
  config: SlackConfig,
  self: SelfIds,
  logger: Logger,
  stamp: () => number,
): BuiltApp {
  const options = clientOptions(config, logger);
  if (config.mode === 'socket') {
    const receiver = new SocketModeReceiver({
      appToken: config.appToken ?? '',
      logger,
      clientPingTimeout: config.clientPingTimeoutMs,
      // Only the base URL: apps.connections.open keeps socket-mode's own patient retries (a
      // client that gives up while reconnecting stays down) and waits out its Tier 1 limit.
      installerOptions: { clientOptions: { slackApiUrl: config.apiUrl } },
      customPropertiesExtractor: (args: { type?: string }) =>
        args.type === 'events_api' ? { arrival: stamp() } : {},
    });
    const app = new App({
      token: config.botToken,
      botId: self.botId,
      botUserId: self.botUserId,
      receiver,
      socketMode: true,
      logger,
      ignoreSelf: false,
      convoStore: false,
      clientOptions: options,
    });
    return { app, socket: receiver.client };
  }
  const receiver = new HTTPReceiver({
    signingSecret: config.signingSecret ?? '',
    endpoints: ['/slack/events'],
    port: config.listen.port,
    logger,
    // Events are JSON; slash commands and interactions are form-encoded.
    customPropertiesExtractor: (req) =>
      String(req.headers['content-type'] ?? '').includes('json') ? { arrival: stamp() } : {},
  });
  const app = new App({
    token: config.botToken,
    botId: self.botId,
    botUserId: self.botUserId,
    receiver,
    logger,
    ignoreSelf: false,
    convoStore: false,
    clientOptions: options,
  });
  return { app };
}

/** bolt's logger interface over the adapter's pino subset (bolt's chatter goes to debug). */
export function boltLogger(logger: AdapterLogger): Logger {
  let level = LogLevel.INFO;
  const text = (msg: unknown[]) =>
    msg.map((m) => (m instanceof Error ? m.message : String(m))).join(' ');
  return {
    debug: (...msg: unknown[]) => logger.debug({ sdk: 'bolt' }, text(msg)),
    info: (...msg: unknown[]) => logger.debug({ sdk: 'bolt' }, text(msg)),
    warn: (...msg: unknown[]) => logger.warn({ sdk: 'bolt' }, text(msg)),
    error: (...msg: unknown[]) => logger.error({ sdk: 'bolt' }, text(msg)),
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}
