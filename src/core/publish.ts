/**
 * Turns applied changes into NodeEvents, after the commit that made them durable: the SSE
 * stream, the bridge router and the P2P layer never hear of state that a crash could undo.
 */
import type { EventHub } from './events.js';
import type { SealedEntry } from './log.js';
import { maySignFor } from './logics/authority.js';
import type { NodeInternals } from './internals.js';
import { notificationsFor } from './notifications.js';
import { presenceSignatureValid, toPresenceView, validPresenceData } from './presence.js';
import type { Change } from './state/change.js';
import type {
  ContentHash,
  MessageId,
  MessageView,
  PresenceData,
  SignedPresence,
  UserId,
} from './types.js';

export class EventPublisher {
  constructor(
    private readonly q: NodeInternals,
    private readonly hub: EventHub,
  ) {}

  publish(
    sealed: SealedEntry,
    contents: ReadonlyMap<ContentHash, Uint8Array>,
    changes: readonly Change[],
    local: boolean,
  ): void {
    if (this.hub.has('entry')) {
      this.hub.emit({ type: 'entry', envelope: { entry: sealed.entry, contents }, local });
    }
    this.changes(changes, local, contents);
  }

  /**
   * Emits the events of applied changes. Views are built only for event types somebody listens
   * to: a node catching up on a large backlog with no subscriber spends nothing on them.
   */
  changes(
    changes: readonly Change[],
    local: boolean,
    contents: ReadonlyMap<ContentHash, Uint8Array> = new Map(),
  ): void {
    const { views, projections } = this.q;
    for (const change of changes) {
      switch (change.kind) {
        case 'message': {
          if (!this.hub.has('message') && !this.hub.has('notification')) break;
          const message = views.message(change.row, { fresh: true, contents });
          this.hub.emit({ type: 'message', message, local });
          if (this.hub.has('notification')) this.notify(message);
          break;
        }
        case 'edit': {
          const message = this.message(change.message);
          if (message) this.hub.emit({ type: 'edit', message, local });
          break;
        }
        case 'delete':
          this.hub.emit({
            type: 'delete',
            channel: change.channel,
            message: change.message,
            cause: 'user',
            by: change.by,
            local,
          });
          break;
        case 'reaction':
          this.hub.emit({ type: 'reaction', ...change, local });
          break;
        case 'membership':
          this.hub.emit({
            type: 'membership',
            channel: change.channel,
            user: change.user,
            role: change.role,
            local,
          });
          break;
        case 'channel': {
          const row = projections.channel.get(change.channel);
          if (row) this.hub.emit({ type: 'channel', channel: views.channel(row as never), local });
          break;
        }
        case 'profile': {
          const user = views.userById(change.user);
          if (user) this.hub.emit({ type: 'profile', user, local });
          break;
        }
      }
    }
  }

  expired(channel: string, message: MessageId, by: UserId): void {
    this.hub.emit({
      type: 'delete',
      channel: channel as never,
      message,
      cause: 'expiry',
      by,
      local: true,
    });
  }

  presence(data: PresenceData, local: boolean, signed?: SignedPresence): void {
    this.hub.emit({
      type: 'presence',
      presence: toPresenceView(data),
      local,
      ...(signed && { signed }),
    });
  }

  acceptablePresence(signed: SignedPresence): boolean {
    return (
      validPresenceData(signed.presence) &&
      signed.presence.expiresAt > this.q.now() &&
      maySignFor(signed.author, signed.presence.user, this.q.state) &&
      presenceSignatureValid(signed)
    );
  }

  private message(id: MessageId) {
    const row = this.q.projections.message.get(id);
    return row ? this.q.views.message(row as never) : undefined;
  }

  private notify(message: MessageView): void {
    const { projections, state } = this.q;
    const channel = state.channel(message.channel);
    const direct = channel?.settings.visibility === 'direct';
    // Most messages mention nobody and reply to nothing: skip the lookups for them.
    if (!direct && !message.replyTo && !message.mentions?.length && !message.text?.includes('@')) {
      return;
    }
    const targets = notificationsFor(message, direct, {
      userIdByName: (name) =>
        (projections.profileByName.get(name) as { user_id: UserId } | undefined)?.user_id,
      isMember: (user) => {
        const role = state.role(message.channel, user);
        return role !== undefined && role !== 'banned';
      },
      senderOf: (replied) => state.message(replied as MessageId)?.data.sender,
      members: () =>
        (projections.members.all(message.channel) as { user_id: UserId; role: string }[])
          .filter((m) => m.role !== 'banned')
          .map((m) => m.user_id),
    });
    for (const { user, reason } of targets) {
      this.hub.emit({ type: 'notification', user, reason, message });
    }
  }
}
