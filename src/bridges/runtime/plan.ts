/**
 * What the router stores in the outbox: a reference to core state, not a ready-made network
 * call. The text, the sender's name and the external ids an edit or reply needs are looked up
 * when the delivery goes out, so an edit enqueued before the original was sent (or before a
 * restart) still finds the ids the original's send recorded.
 */
import type { MessageId, Origin, Role, UserId } from '../../core/types.js';
import type { TargetKey } from '../../mapping/types.js';

export type PlannedAction =
  /** `replay`: imported history posted by `import --replay-to`, its date in the text. */
  | { readonly kind: 'send'; readonly message: MessageId; readonly replay?: true }
  | { readonly kind: 'edit'; readonly message: MessageId }
  | { readonly kind: 'delete'; readonly message: MessageId }
  | {
      readonly kind: 'react' | 'unreact';
      readonly message: MessageId;
      readonly user: UserId;
      readonly emoji: string;
    }
  | { readonly kind: 'join'; readonly user: UserId }
  | { readonly kind: 'leave'; readonly user: UserId }
  | { readonly kind: 'role'; readonly user: UserId; readonly role: Role }
  /** The topic itself, as the core had it when the change was fanned out. */
  | { readonly kind: 'topic'; readonly topic: string };

const KINDS = new Set([
  ...['send', 'edit', 'delete', 'react', 'unreact', 'join', 'leave', 'role', 'topic'],
]);

/** Reads an outbox row's action back; undefined for a row this version cannot interpret. */
export function parsePlannedAction(value: unknown): PlannedAction | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const kind = (value as { kind?: unknown }).kind;
  return typeof kind === 'string' && KINDS.has(kind) ? (value as PlannedAction) : undefined;
}

/**
 * A bridged message's `origin.externalId` names the target it came from and its id there:
 * `<targetKey>#<externalMessageId>`. Target keys percent-encode `#`, so the first `#` splits.
 * Every gateway that replicates the message can thus skip that target, even after a restart.
 */
export function encodeMessageOrigin(targetKey: TargetKey, externalId: string): string {
  return `${targetKey}#${externalId}`;
}

/** The target a message came from, when it came in through a bridge. */
export function originTarget(
  origin: Origin | undefined,
): { network: string; targetKey: TargetKey } | undefined {
  if (!origin) return undefined;
  const cut = origin.externalId.indexOf('#');
  if (cut <= 0) return undefined;
  return { network: origin.network, targetKey: origin.externalId.slice(0, cut) as TargetKey };
}
