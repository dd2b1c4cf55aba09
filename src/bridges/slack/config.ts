/**
 * The adapter's view of `bridges.slack`. The gateway validates the section with its schema
 * (`src/gateway/config/bridges/slack.ts`) first; `readConfig` fills defaults and refuses what
 * would break the adapter, so the adapter also works when built directly (tests).
 */
import { FetchPolicyError, readFetchPolicy, type FetchPolicyOptions } from '../net/index.js';
import { SlackConfigError } from './errors.js';

export type SlackMode = 'socket' | 'http';

export interface SlackConfig {
  /** `xoxb-` bot token: every Web API call. */
  readonly botToken: string;
  /** Events API (mode http): verifies `X-Slack-Signature`. */
  readonly signingSecret: string | undefined;
  /** Socket Mode: `xapp-` app-level token with `connections:write`. */
  readonly appToken: string | undefined;
  readonly mode: SlackMode;
  /** Web API base, ending in `/` (bolt appends the method name). */
  readonly apiUrl: string;
  /** Where the Events API receiver listens (mode http); requests arrive on `/slack/events`. */
  readonly listen: { readonly host: string; readonly port: number };
  /** The slash command the adapter answers. */
  readonly slashCommand: string;
  /** Attachments larger than this are carried as links in the text. */
  readonly maxAttachmentBytes: number;
  /**
   * How attachments are fetched before upload (`src/bridges/net`): the gateway's top-level
   * `media:` section, handed in by the bridge runtime. The older `allowPrivateAttachmentUrls:
   * true` still means `allowPrivateAddresses: true`.
   */
  readonly media: FetchPolicyOptions;
  /**
   * Socket Mode: how long a ping may go unanswered, and the pause before a reconnect (the
   * socket-mode client uses one value for both).
   */
  readonly clientPingTimeoutMs: number;
  /** How long `start()` waits for the connection before reporting the state as health. */
  readonly startTimeoutMs: number;
}

export function readConfig(raw: unknown): SlackConfig {
  const c = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const botToken = c['botToken'];
  if (typeof botToken !== 'string' || botToken === '') {
    throw new SlackConfigError('botToken', 'a bot token (xoxb-…) is required');
  }
  const mode = c['mode'] ?? 'socket';
  if (mode !== 'socket' && mode !== 'http') {
    throw new SlackConfigError('mode', `expected socket or http, got ${String(mode)}`);
  }
  const appToken = optStr(c['appToken']);
  const signingSecret = optStr(c['signingSecret']);
  if (mode === 'socket' && !appToken) {
    throw new SlackConfigError('appToken', 'is required when mode is socket (an xapp- token)');
  }
  if (mode === 'http' && !signingSecret) {
    throw new SlackConfigError('signingSecret', 'is required when mode is http');
  }
  const listen = (
    typeof c['listen'] === 'object' && c['listen'] !== null ? c['listen'] : {}
  ) as Record<string, unknown>;
  const apiUrl = optStr(c['apiUrl']) ?? 'https://slack.com/api/';
  const slashCommand = optStr(c['slashCommand']) ?? '/multichat';
  return {
    botToken,
    signingSecret,
    appToken,
    mode,
    apiUrl: apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/`,
    listen: { host: optStr(listen['host']) ?? '127.0.0.1', port: num(listen['port'], 3000) },
    slashCommand: slashCommand.startsWith('/') ? slashCommand : `/${slashCommand}`,
    maxAttachmentBytes: num(c['maxAttachmentBytes'], 20 * 1024 * 1024),
    media: readMedia(c['media'], c['allowPrivateAttachmentUrls'] === true),
    clientPingTimeoutMs: num(c['clientPingTimeoutMs'], 5_000),
    startTimeoutMs: num(c['startTimeoutMs'], 30_000),
  };
}

const optStr = (v: unknown): string | undefined =>
  typeof v === 'string' && v !== '' ? v : undefined;
const num = (v: unknown, d: number): number =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : d;

function readMedia(raw: unknown, allowPrivate: boolean): FetchPolicyOptions {
  try {
    const media = readFetchPolicy(raw);
    return allowPrivate ? { ...media, allowPrivateAddresses: true } : media;
  } catch (error) {
    if (error instanceof FetchPolicyError) throw new SlackConfigError(error.setting, error.message);
    throw error;
  }
}
