/**
 * Inbound event → core. For each event: find the link of its target (events from unlinked
 * places are ignored), drop our own echoes, make sure the sender has a profile the gateway
 * controls (with `origin`) and is a member of the channel, translate external ids through the
 * message map, submit the intent, and record the new message's mapping. Events of one target
 * are handled one after another, in emit order. Role changes are submitted by the gateway's own
 * profile, which is admin of the channels it created for links (and of no other channel).
 */
import { IntentRejectedError } from '../../core/errors.js';
import type { Intent, MessageId, Role, UserId, UserView } from '../../core/types.js';
import type { ExternalMessageId, Link, TargetKey } from '../../mapping/types.js';
import { targetKeyOf } from '../../mapping/index.js';
import { describe } from '../errors.js';
import type { ExternalSender, InboundEvent, InboundMessage, NetworkName } from '../types.js';
import type { RuntimeContext } from './context.js';
import { parseFromNetwork } from './convert.js';
import { GATEWAY_ORIGIN } from './links.js';
import { checkInbound } from './loop-guard.js';
import type { ActionKey } from './origins.js';
import { encodeMessageOrigin } from './plan.js';

export class InboundHandler {
  private readonly queues = new Map<string, Promise<void>>();

  constructor(
    private readonly ctx: RuntimeContext,
    private readonly inFlight: (network: string, targetKey: TargetKey) => Promise<void> | undefined,
  ) {}

  /** The `emit` given to the adapter of `network`: serial per target, never rejects. */
  emitterFor(network: NetworkName): (event: InboundEvent) => Promise<void> {
    return (event) => {
      const queue =
        'target' in event
          ? `${network} ${targetKeyOf(network, event.target)}`
          : `${network} @${event.sender.externalId}`;
      const run = (this.queues.get(queue) ?? Promise.resolve())
        .then(() => this.handle(network, event))
        .catch((error: unknown) => {
          this.ctx.logger.warn(
            { err: describe(error), network, kind: event.kind },
            'inbound event not bridged',
          );
        });
      this.queues.set(queue, run);
      void run.then(() => {
        if (this.queues.get(queue) === run) this.queues.delete(queue);
      });
      return run;
    };
  }

  private async handle(network: NetworkName, event: InboundEvent): Promise<void> {
    if (event.kind === 'profile') {
      await this.ensureUser(network, event.sender);
      return;
    }
    if (event.kind === 'presence') {
      const user = await this.ensureUser(network, event.sender);
      const text = event.text !== undefined ? { text: event.text } : {};
      await this.ctx.node.submit(user.id, { kind: 'setPresence', status: event.status, ...text });
      return;
    }
    const targetKey = targetKeyOf(network, event.target);
    const link = await this.ctx.store.links.findByTarget(network, targetKey);
    if (!link) return;
    const verdict = await checkInbound(
      { store: this.ctx.store, inFlight: this.inFlight },
      network,
      targetKey,
      event,
    );
    if (verdict.drop) {
      this.ctx.logger.debug(
        { network, kind: event.kind, reason: verdict.reason },
        'inbound dropped',
      );
      return;
    }
    if (event.kind === 'topic') return; // the core has no topic intent yet
    if (event.kind === 'delete' && !event.sender) {
      await this.deleteAsSender(network, link, event.externalId);
      return;
    }
    const user = await this.ensureUser(network, event.sender!);
    if (event.kind === 'role') {
      await this.role(network, link, user.id, event.role);
      return;
    }
    if (event.kind === 'leave') {
      if (this.ctx.node.roleOf(link.channel, user.id) === 'member') {
        await this.ctx.node.submit(user.id, { kind: 'leaveChannel', channel: link.channel });
      }
      return;
    }
    if (!(await this.ensureMember(link, user.id))) return;
    if (event.kind === 'join') return;
    if (event.kind === 'message') {
      await this.message(network, link, user.id, event);
      return;
    }
    const message = await this.messageOf(link, event.externalId);
    if (!message) return; // a message we never saw: nothing to change
    const origin = { network, targetKey: link.targetKey };
    if (event.kind === 'edit') {
      const text = await parseFromNetwork(this.ctx, event.text, this.markup(network), network);
      await this.noted({ kind: 'edit', message, user: user.id }, origin, user.id, {
        kind: 'editMessage',
        message,
        text,
      });
    } else if (event.kind === 'delete') {
      await this.noted({ kind: 'delete', message, user: user.id }, origin, user.id, {
        kind: 'redactMessage',
        message,
      });
    } else {
      const kind = event.added ? 'react' : 'unreact';
      await this.noted({ kind, message, user: user.id, emoji: event.emoji }, origin, user.id, {
        kind,
        message,
        emoji: event.emoji,
      });
    }
  }

  /**
   * A delete that names no deleter: redact as the message's own sender, which only works for a
   * person this gateway bridged (the core refuses anyone else, and the refusal is logged).
   */
  private async deleteAsSender(network: NetworkName, link: Link, externalId: ExternalMessageId) {
    const message = await this.messageOf(link, externalId);
    const sender = message && this.ctx.node.getMessage(message)?.sender.id;
    if (!message || !sender) return;
    const origin = { network, targetKey: link.targetKey };
    await this.noted({ kind: 'delete', message, user: sender }, origin, sender, {
      kind: 'redactMessage',
      message,
    });
  }

  private async message(
    network: NetworkName,
    link: Link,
    user: UserId,
    event: InboundMessage,
  ): Promise<void> {
    let text = await parseFromNetwork(this.ctx, event.text, this.markup(network), network);
    if (event.isEmote) text = `_${text}_`;
    const replyTo = event.replyTo && (await this.messageOf(link, event.replyTo));
    const threadRoot = event.threadRoot && (await this.messageOf(link, event.threadRoot));
    const intent: Intent = {
      kind: 'sendMessage',
      channel: link.channel,
      text,
      origin: { network, externalId: encodeMessageOrigin(link.targetKey, event.externalId) },
      ...(replyTo && { replyTo }),
      ...(threadRoot && { threadRoot }),
      ...(event.attachments &&
        event.attachments.length > 0 && { attachments: [...event.attachments] }),
    };
    const result = await this.ctx.node.submit(user, intent);
    if (!result.created) return;
    await this.ctx.store.messages.put({
      network,
      targetKey: link.targetKey,
      externalId: event.externalId,
      messageId: result.created,
      channel: link.channel,
      direction: 'inbound',
    });
  }

  /**
   * Gives `user` the role the network reported, as the gateway's own profile. A person new to
   * the channel joins first (except to be banned). When the gateway is not admin of the channel
   * (a channel a person created and linked), the core refuses: logged and dropped, since the
   * network's role change cannot be carried without the rights to make it.
   */
  private async role(network: NetworkName, link: Link, user: UserId, role: Role): Promise<void> {
    const channel = link.channel;
    const current = this.ctx.node.roleOf(channel, user);
    if (current === role) return;
    if (current === undefined && role !== 'banned') {
      if (!(await this.ensureMember(link, user))) return;
      if (role === 'member') return; // joining made them one
    }
    const gateway = await this.ctx.node.ensureBridgedUser(GATEWAY_ORIGIN, { username: 'gateway' });
    const origin = { network, targetKey: link.targetKey };
    try {
      await this.noted({ kind: 'role', channel, user, role }, origin, gateway.id, {
        kind: 'setRole',
        channel,
        user,
        role,
      });
    } catch (error) {
      if (!(error instanceof IntentRejectedError)) throw error;
      this.ctx.logger.warn(
        { network, channel, user, role, rule: error.rule, reason: error.message },
        'role change not bridged: the gateway profile is not admin of this channel ' +
          '(only channels the gateway created for links take roles from networks)',
      );
    }
  }

  /** Submits an action whose core event must not be reflected back to `origin`. */
  private async noted(
    key: ActionKey,
    origin: { network: string; targetKey: TargetKey },
    user: UserId,
    intent: Intent,
  ): Promise<void> {
    const unnote = this.ctx.origins.note(key, origin);
    try {
      await this.ctx.node.submit(user, intent);
    } finally {
      unnote();
    }
  }

  private async messageOf(
    link: Link,
    externalId: ExternalMessageId,
  ): Promise<MessageId | undefined> {
    return (await this.ctx.store.messages.getByExternal(link.network, link.targetKey, externalId))
      ?.messageId;
  }

  /** The profile the gateway controls for this person, created or renamed as needed. */
  private async ensureUser(network: NetworkName, sender: ExternalSender): Promise<UserView> {
    const origin = { network, externalId: sender.externalId };
    const avatar = sender.avatarUrl !== undefined ? { avatar: sender.avatarUrl } : {};
    const user = await this.ctx.node.ensureBridgedUser(origin, {
      username: sender.displayName,
      ...avatar,
    });
    const known = await this.ctx.store.identities.get(network, sender.externalId);
    if (
      !known ||
      known.displayName !== sender.displayName ||
      known.avatar !== (sender.avatarUrl ?? null)
    ) {
      await this.ctx.store.identities.upsert({
        network,
        externalId: sender.externalId,
        userId: user.id,
        displayName: sender.displayName,
        avatar: sender.avatarUrl ?? null,
      });
    }
    return user;
  }

  /** Joins the person to the channel if needed; false when they may not take part (banned). */
  private async ensureMember(link: Link, user: UserId): Promise<boolean> {
    const role = this.ctx.node.roleOf(link.channel, user);
    if (role === 'banned') return false;
    if (role !== undefined) return true;
    try {
      await this.ctx.node.submit(user, { kind: 'joinChannel', channel: link.channel });
      return true;
    } catch (error) {
      if (error instanceof IntentRejectedError) {
        this.ctx.logger.warn(
          { channel: link.channel, rule: error.rule },
          'bridged person may not join',
        );
        return false;
      }
      throw error;
    }
  }

  private markup(network: string) {
    const slot = this.ctx.adapters.get(network);
    return slot ? slot.adapter.capabilities.markup : 'markdown';
  }
}
