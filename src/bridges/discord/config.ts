/**
 * The adapter's view of `bridges.discord`. The gateway validates the section with its schema
 * (`src/gateway/config/bridges/discord.ts`) before the adapter sees it; `readConfig` only fills
 * defaults and refuses what would break the adapter, so it also works when built directly.
 */
import { DiscordConfigError } from './errors.js';

/** Multichat channel roles a Discord role can map to. */
export type MappedRole = 'member' | 'moderator' | 'admin';

export interface DiscordConfig {
  readonly token: string;
  /** REST base; the gateway URL is whatever its `GET /v10/gateway/bot` answers. */
  readonly apiUrl: string;
  /** Name of the webhook the adapter creates (once) in each linked channel. */
  readonly webhookName: string;
  /** Post through webhooks (each bridged person with their own name and avatar); else as the bot. */
  readonly useWebhooks: boolean;
  /** Bridge member join/leave; needs the privileged Server Members intent. */
  readonly memberEvents: boolean;
  /** Discord role id or name → Multichat role. */
  readonly roles: Readonly<Record<string, MappedRole>>;
  /** Attachments above this size are carried as links in the text, not as attachments. */
  readonly maxAttachmentBytes: number;
  /** A rate-limit wait longer than this is handed back to the router as `retryAfterMs`. */
  readonly maxRateLimitWaitMs: number;
  /** Register `/multichat link|unlink|links` in every guild. */
  readonly slashCommand: boolean;
  /** How long `start()` waits for READY before reporting the failure as health. */
  readonly readyTimeoutMs: number;
}

const ROLES = new Set<string>(['member', 'moderator', 'admin']);

export function readConfig(raw: unknown): DiscordConfig {
  const c = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const token = c['token'];
  if (typeof token !== 'string' || token === '')
    throw new DiscordConfigError('token', 'a bot token is required');
  const roles: Record<string, MappedRole> = {};
  const rawRoles = (c['roles'] ?? {}) as Record<string, unknown>;
  for (const [key, value] of Object.entries(rawRoles)) {
    if (typeof value !== 'string' || !ROLES.has(value)) {
      throw new DiscordConfigError(
        `roles.${key}`,
        `expected member, moderator or admin, got ${String(value)}`,
      );
    }
    roles[key] = value as MappedRole;
  }
  return {
    token,
    apiUrl: str(c['apiUrl'], 'https://discord.com/api').replace(/\/+$/, ''),
    webhookName: str(c['webhookName'], 'Multichat'),
    useWebhooks: bool(c['useWebhooks'], true),
    memberEvents: bool(c['memberEvents'], true),
    roles,
    maxAttachmentBytes: num(c['maxAttachmentBytes'], 25 * 1024 * 1024),
    maxRateLimitWaitMs: num(c['maxRateLimitWaitMs'], 10_000),
    slashCommand: bool(c['slashCommand'], true),
    readyTimeoutMs: num(c['readyTimeoutMs'], 30_000),
  };
}

const str = (v: unknown, d: string): string => (typeof v === 'string' && v !== '' ? v : d);
const bool = (v: unknown, d: boolean): boolean => (typeof v === 'boolean' ? v : d);
const num = (v: unknown, d: number): number =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : d;
