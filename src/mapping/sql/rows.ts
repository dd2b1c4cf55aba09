/**
 * Row -> record conversion shared by both dialects. PostgreSQL returns BIGINT as text, SQLite
 * as a number: `num` accepts both so the records look the same whichever store made them.
 */
import type { ChannelId, MessageId, UserId } from '../../core/types.js';
import type {
  Delivery,
  DeliveryId,
  DeliveryState,
  ExternalMessageId,
  Identity,
  IdentityKind,
  Link,
  LinkId,
  LinkTarget,
  MessageDirection,
  MessageMapping,
  NetworkName,
  TargetKey,
} from '../types.js';
import type { SqlRow } from './db.js';

export function num(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' || typeof v === 'bigint') return Number(v);
  throw new TypeError(`expected a number column, got ${typeof v}`);
}

export function str(v: unknown): string {
  if (typeof v === 'string') return v;
  throw new TypeError(`expected a text column, got ${typeof v}`);
}

function strOrNull(v: unknown): string | null {
  return v === null || v === undefined ? null : str(v);
}

export function toIdentity(r: SqlRow): Identity {
  return {
    network: str(r.network) as NetworkName,
    externalId: str(r.external_id),
    userId: str(r.user_id) as UserId,
    kind: str(r.kind) as IdentityKind,
    displayName: strOrNull(r.display_name),
    avatar: strOrNull(r.avatar),
    createdAt: num(r.created_at),
    updatedAt: num(r.updated_at),
  };
}

export function toLink(r: SqlRow): Link {
  return {
    id: str(r.id) as LinkId,
    channel: str(r.channel) as ChannelId,
    network: str(r.network) as NetworkName,
    target: JSON.parse(str(r.target)) as LinkTarget,
    targetKey: str(r.target_key) as TargetKey,
    createdAt: num(r.created_at),
  };
}

export function toMessageMapping(r: SqlRow): MessageMapping {
  return {
    network: str(r.network) as NetworkName,
    targetKey: str(r.target_key) as TargetKey,
    externalId: str(r.external_id) as ExternalMessageId,
    messageId: str(r.message_id) as MessageId,
    channel: str(r.channel) as ChannelId,
    direction: str(r.direction) as MessageDirection,
    createdAt: num(r.created_at),
  };
}

export function toDelivery(r: SqlRow): Delivery {
  return {
    id: str(r.id) as DeliveryId,
    idempotencyKey: str(r.idempotency_key),
    linkId: str(r.link_id) as LinkId,
    network: str(r.network) as NetworkName,
    targetKey: str(r.target_key) as TargetKey,
    channel: str(r.channel) as ChannelId,
    sequence: num(r.sequence),
    action: JSON.parse(str(r.action)) as unknown,
    state: str(r.state) as DeliveryState,
    attempts: num(r.attempts),
    nextAttemptAt: num(r.next_attempt_at),
    lastError: strOrNull(r.last_error),
    externalIds: JSON.parse(str(r.external_ids)) as ExternalMessageId[],
    createdAt: num(r.created_at),
    updatedAt: num(r.updated_at),
  };
}
