/**
 * Which target an inbound action came from, for actions whose core event does not say so
 * (edits, deletes, reactions, role and topic changes carry no origin of their own). The inbound path notes the
 * action before submitting it; the fan-out of the resulting core event takes the note and
 * skips that target, so a reaction made on Discord is not reflected back onto Discord.
 */
import type { ChannelId, MessageId, Role, UserId } from '../../core/types.js';
import type { TargetKey } from '../../mapping/types.js';

/** An action on a message: its edit, deletion, or someone's reaction to it. */
export interface MessageActionKey {
  readonly kind: 'edit' | 'delete' | 'react' | 'unreact';
  readonly message: MessageId;
  readonly user?: UserId;
  readonly emoji?: string;
}

/** A person's role in a channel being set to `role`. */
export interface RoleActionKey {
  readonly kind: 'role';
  readonly channel: ChannelId;
  readonly user: UserId;
  readonly role: Role;
}

/** A channel's topic being set to `topic` (runtime/inbound-topic.ts). */
export interface TopicActionKey {
  readonly kind: 'topic';
  readonly channel: ChannelId;
  readonly topic: string;
}

export type ActionKey = MessageActionKey | RoleActionKey | TopicActionKey;

function keyOf(k: ActionKey): string {
  const parts =
    k.kind === 'role'
      ? [k.kind, k.channel, k.user, k.role]
      : k.kind === 'topic'
        ? [k.kind, k.channel, k.topic]
        : [k.kind, k.message, k.user ?? '', k.emoji ?? ''];
  return parts.join('\u0000');
}

export class InboundOrigins {
  private readonly notes = new Map<string, { network: string; targetKey: TargetKey }[]>();

  /** Notes that `action` is being submitted on behalf of `target`; returns the un-noter. */
  note(action: ActionKey, target: { network: string; targetKey: TargetKey }): () => void {
    const key = keyOf(action);
    const list = this.notes.get(key) ?? [];
    list.push(target);
    this.notes.set(key, list);
    return () => {
      const current = this.notes.get(key);
      if (!current) return;
      const at = current.indexOf(target);
      if (at >= 0) current.splice(at, 1);
      if (current.length === 0) this.notes.delete(key);
    };
  }

  /** The target a core event's action came from, if the inbound path is submitting it. */
  originOf(action: ActionKey): { network: string; targetKey: TargetKey } | undefined {
    return this.notes.get(keyOf(action))?.[0];
  }

  /** Backfilled messages being submitted, by their origin's externalId. */
  private readonly backfilled = new Set<string>();

  /**
   * Notes that the message of origin `externalId` is backfill (dated by its original time, so
   * marked imported) that the fan-out still carries, unlike an import; returns the un-noter.
   */
  noteBackfill(externalId: string): () => void {
    this.backfilled.add(externalId);
    return () => void this.backfilled.delete(externalId);
  }

  isBackfill(externalId: string): boolean {
    return this.backfilled.has(externalId);
  }
}
