/**
 * The bridge adapter contract (DESIGN §5): the only thing an adapter and the router share.
 * Type-only: no runtime code. An adapter imports this file (and `./errors.js` for DeliveryError)
 * and nothing else of the project; the router never branches on a network's name, only on the
 * capabilities an adapter declares as data and the optional interfaces it implements.
 *
 * Shape, after mautrix bridgev2 and js-libp2p:
 * - `createXAdapter(config)(components)` builds an adapter without I/O; `start()` connects.
 * - A small required interface (`BridgeAdapter`: start, stop, send, capabilities, health) plus
 *   optional ones (edits, deletes, reactions, presence, typing, membership, backfill, target
 *   resolution)
 *   detected at run time by the type guards in `./runtime/guards.ts`.
 * - Inbound traffic is one union tagged by `kind` (`InboundEvent`), handed to the injected
 *   `emit`; outbound work is one union tagged by `kind` (`OutboundAction`).
 *
 * Who owns what: the router owns ordering, de-duplication, retries, rate limiting, the mapping
 * store and text conversion; an adapter owns its network connection, splitting a text it cannot
 * send in one piece, and honouring the idempotency key where its network offers one.
 */
import type { Attachment, Brand, PresenceStatus, Role } from '../core/types.js';
import type { Markup, RichText } from './format/index.js';
import type { ExternalMessageId, LinkTarget, NetworkName, TargetKey } from '../mapping/types.js';
import type { z } from 'zod';

export type {
  Attachment,
  ExternalMessageId,
  LinkTarget,
  Markup,
  NetworkName,
  PresenceStatus,
  RichText,
  Role,
  TargetKey,
};

// ---------------------------------------------------------------------------------------------
// Ids
// ---------------------------------------------------------------------------------------------

/** A person as their network knows them (Discord snowflake, Matrix user id, IRC nick…). */
export type ExternalUserId = Brand<string, 'ExternalUserId'>;

// ---------------------------------------------------------------------------------------------
// Capabilities: data, never behaviour
// ---------------------------------------------------------------------------------------------

/** The network's documented send limit; the router's token bucket honours it per adapter. */
export interface RateLimit {
  /** Sustained rate of actions (sends, edits, deletes, reactions) per second. */
  readonly messagesPerSecond: number;
  /** How many actions may go out at once after an idle period. */
  readonly burst: number;
}

export interface AdapterCapabilities {
  /** The markup `send`/`edit` texts arrive in and inbound texts are written in. */
  readonly markup: Markup;
  /** Longest text in characters the network takes in one message (the adapter splits beyond). */
  readonly maxMessageLength: number;
  /** Longest text in UTF-8 bytes, where the network counts bytes (IRC). */
  readonly maxMessageBytes?: number;
  /** Messages can be edited in place (`EditingAdapter`); otherwise edits are not bridged. */
  readonly edits: boolean;
  /** Messages can be deleted (`DeletingAdapter`). */
  readonly deletes: boolean;
  /** Reactions can be added and removed (`ReactingAdapter`). */
  readonly reactions: boolean;
  /**
   * Each bridged person's reaction shows as their own (Matrix ghosts react as themselves; IRC
   * names the person in its reaction line), so every add and removal goes out. Absent means
   * false: one reaction by the bot stands for every bridged reactor of an emoji (Discord,
   * Slack), and the runtime sends its removal only when the last of them took theirs back.
   */
  readonly reactionsPerPerson?: boolean;
  /** `send` honours `threadRoot`; otherwise a thread reply goes out as a plain (reply) message. */
  readonly threads: boolean;
  /**
   * `send` honours `replyTo`. Without it the router passes `replyQuote` instead (the adapter
   * writes it as a quote line), and a reply to a message inside a thread goes into that thread
   * where `threads` is true.
   */
  readonly replies: boolean;
  /** The network shows presence (`PresenceAdapter`). */
  readonly presence: boolean;
  /** Bridged people join and leave visibly (`MembershipAdapter`). */
  readonly membership: boolean;
  /** `send` carries attachments natively; otherwise the router appends their URLs to the text. */
  readonly attachments: boolean;
  readonly rateLimit: RateLimit;
  /**
   * True when the network de-duplicates sends by the idempotency key (Matrix txnId, Discord
   * nonce with enforce_nonce): delivery is then exactly-once across a crash between send and
   * ack; otherwise at-least-once, and the crash window is the send itself.
   */
  readonly idempotentSends: boolean;
  /**
   * A person's channel role can be set on the network (`RoleAdapter`: op, power level). Absent
   * means false: role changes are then not sent there (inbound `role` events work regardless).
   */
  readonly roles?: boolean;
  /**
   * The channel topic can be set on the network (`TopicAdapter`: Matrix `m.room.topic` as the
   * bot, Discord channel topic with Manage Channels, Slack `conversations.setTopic`, IRC `TOPIC`
   * when the bot has ops or the channel is `-t`). Absent means false: topic changes are then
   * not sent there (counted as dropped, `unsupported`); inbound `topic` events work regardless.
   */
  readonly topic?: boolean;
  /**
   * Bridged people's typing can be shown on the network (`TypingAdapter`). Absent means false:
   * typing is then not sent there (inbound `typing` events work regardless). Where the network
   * has no API to show another person typing, an adapter may show the bot typing instead and
   * says so in its guide (Discord).
   */
  readonly typing?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Health
// ---------------------------------------------------------------------------------------------

export type AdapterState = 'connecting' | 'connected' | 'reconnecting' | 'failed' | 'stopped';

/** A connection failure is a health state, never a crash (`detail` says why, for operators). */
export interface AdapterHealth {
  readonly state: AdapterState;
  readonly detail?: string;
}

// ---------------------------------------------------------------------------------------------
// Files
// ---------------------------------------------------------------------------------------------

/** Bytes being read: from a network, a peer or the node's blob store. */
export interface MediaStream {
  /** As the source announced it (Content-Type), when it did. */
  readonly contentType?: string;
  /** Bytes, when known in advance. */
  readonly size?: number;
  readonly body: AsyncIterable<Uint8Array>;
}

/**
 * A file as an adapter offers it inbound. The router reads it with `open` into a blob of the
 * node (bounded by `media.maxBytes`) and the message then references the blob; when `open`
 * rejects or the file is too large, the message still goes, with `url` (when there is one) or
 * a note in its text, and the reason is logged and counted.
 */
export interface InboundAttachment {
  readonly name: string;
  readonly mimeType?: string;
  readonly size?: number;
  readonly width?: number;
  readonly height?: number;
  /** A link a person could follow, used only when the bytes cannot be had; absent when none. */
  readonly url?: string;
  /**
   * Reads the bytes with this network's credentials (Slack bot token, Matrix appservice token
   * for authenticated media, the fresh signed Discord URL), through `src/bridges/net` so size,
   * time and address rules hold. Rejects when they cannot be fetched.
   */
  open(): Promise<MediaStream>;
}

/**
 * A file the router asks an adapter to send. Adapters with `capabilities.attachments` upload it
 * natively (Discord multipart `files[n]`, Slack files v2, Matrix media upload); when the upload
 * of one file fails they post `url` in its place and log why — a file never loses the message.
 * Adapters without that capability never see attachments: the router appends `name: url` lines.
 */
export interface OutboundAttachment {
  /** SHA-256 of the bytes, hex (the blob's address): stable across retries. */
  readonly hash: string;
  readonly name: string;
  readonly mimeType: string;
  readonly size: number;
  readonly width?: number;
  readonly height?: number;
  /** A signed, expiring link to this gateway's media endpoint that serves the same bytes. */
  readonly url: string;
  /** The bytes, from the node's blob store. May be called again on a retry. */
  open(): Promise<MediaStream>;
}

// ---------------------------------------------------------------------------------------------
// Inbound: what an adapter reports through `emit`
// ---------------------------------------------------------------------------------------------

/** A person of the network as the adapter sees them on an event. */
export interface ExternalSender {
  readonly externalId: ExternalUserId;
  readonly displayName: string;
  readonly avatarUrl?: string;
}

interface InboundBase {
  /** Where it happened, in the same shape as the link's target (see `TargetResolvingAdapter`). */
  readonly target: LinkTarget;
  readonly sender: ExternalSender;
}

export interface InboundMessage extends InboundBase {
  readonly kind: 'message';
  readonly externalId: ExternalMessageId;
  /**
   * In the adapter's `capabilities.markup`; mentions in the network's own form. May be empty
   * when the message has attachments (a file without a caption); a sticker the network serves
   * as an image is an attachment, else the text `[sticker: name]`.
   */
  readonly text: string;
  readonly isEmote?: boolean;
  readonly replyTo?: ExternalMessageId;
  readonly threadRoot?: ExternalMessageId;
  readonly attachments?: readonly InboundAttachment[];
  /**
   * Optional: people the adapter knows the message mentions beyond the markup of `text`, as
   * external user ids: Matrix `m.mentions.user_ids`; IRC nicks of the channel's members that
   * occur in the text as a word (the adapter knows who is in the channel). The router resolves
   * them with the text's own mentions (a real user or one of our ghosts/puppets) into the
   * message's `mentions`; an IRC nick listed here that occurs as a word also becomes `@name` in
   * the Markdown text.
   */
  readonly mentions?: readonly ExternalUserId[];
  /**
   * Loop prevention: true when the adapter knows this message is its own (a webhook or ghost
   * it controls, its own nick). The router drops such events.
   */
  readonly self?: boolean;
  /** The idempotency key the network echoes back with our own send (Matrix txnId, nonce). */
  readonly echoKey?: string;
  /**
   * Set by the router's live backfill, never by an adapter: the original time (ms since the
   * epoch) the network gave this missed message. The message is then dated by it (marked
   * `origin.imported`, docs/import.md "Backfilled messages") and still carried to the other links.
   */
  readonly historyTime?: number;
}

export interface InboundEdit extends InboundBase {
  readonly kind: 'edit';
  /** The edited message (its first external id). */
  readonly externalId: ExternalMessageId;
  readonly text: string;
  /** The new text is an emote (Matrix `m.emote` in `m.new_content`): it stays one, as sent. */
  readonly isEmote?: boolean;
  readonly self?: boolean;
}

/**
 * A message was deleted. `sender` is who deleted it where the network says so; networks that
 * do not (Discord's MESSAGE_DELETE) leave it out, and the router redacts as the person who sent
 * the message (a profile this gateway controls), never as anyone else.
 */
export interface InboundDelete extends Omit<InboundBase, 'sender'> {
  readonly kind: 'delete';
  readonly sender?: ExternalSender;
  readonly externalId: ExternalMessageId;
  readonly self?: boolean;
}

export interface InboundReaction extends InboundBase {
  readonly kind: 'reaction';
  /** The message reacted to. */
  readonly externalId: ExternalMessageId;
  /** A Unicode emoji, or the network's `:name:` for a custom one. */
  readonly emoji: string;
  readonly added: boolean;
  readonly self?: boolean;
}

/** A person joined the target (kind 'join') or left it ('leave'). */
export interface InboundJoin extends InboundBase {
  readonly kind: 'join';
  readonly self?: boolean;
}

export interface InboundLeave extends InboundBase {
  readonly kind: 'leave';
  readonly self?: boolean;
}

export type InboundMembership = InboundJoin | InboundLeave;

export interface InboundTopic extends InboundBase {
  readonly kind: 'topic';
  readonly topic: string;
}

/**
 * A person's role in the target changed on the network (IRC op, Matrix power level, a mapped
 * Discord role). `role` is the whole new role, not a delta: losing op is `member`. Changes of
 * the adapter's own puppets or ghosts are not reported (they are the router's own doing).
 */
export interface InboundRole extends InboundBase {
  readonly kind: 'role';
  readonly role: Role;
}

/** A person's name or avatar changed (network-wide, so no target). */
export interface InboundProfile {
  readonly kind: 'profile';
  readonly sender: ExternalSender;
}

export interface InboundPresence {
  readonly kind: 'presence';
  readonly sender: ExternalSender;
  readonly status: PresenceStatus;
  readonly text?: string;
}

/**
 * A person started (`active`) or stopped typing at the target. Ephemeral: never stored in the
 * log nor queued; the router passes it straight to the other targets of the linked channel
 * whose adapters show typing. Networks that only say "started" (Discord's TYPING_START, IRC's
 * `+typing=active`) need not send `active: false`: receivers let a typing notice expire.
 */
export interface InboundTyping extends InboundBase {
  readonly kind: 'typing';
  readonly active: boolean;
  /** Loop prevention: our own ghost, puppet or bot typing. The router ignores it. */
  readonly self?: boolean;
}

export type InboundEvent =
  | InboundMessage
  | InboundEdit
  | InboundDelete
  | InboundReaction
  | InboundMembership
  | InboundTopic
  | InboundRole
  | InboundProfile
  | InboundPresence
  | InboundTyping;

export type InboundKind = InboundEvent['kind'];

/**
 * What kind of event was not carried (`multichat_bridge_dropped_total`'s `kind` label): an
 * inbound kind, an outbound action kind, `typing`, or `other` (a network event with no
 * counterpart in this contract, e.g. a Discord system message).
 */
export type DropKind = InboundKind | OutboundAction['kind'] | 'typing' | 'other';

/**
 * Why an event was not carried (a closed set: the metric's `reason` label). `unlinked`: at a
 * target no link covers. `unsupported`: the receiving network cannot take this kind.
 * `not_configured`: linked to a network this gateway runs no adapter for. `unknown_message`:
 * about a message never bridged (or never delivered to that target). `unknown_user`: the
 * person is unknown to the node. `message_gone`: deleted before its delivery. `banned`: the
 * sender is banned from the channel. `not_admin`: a role or topic change that needs channel
 * rights nobody involved has. `failed`: the core or the store refused it. `adapter`: the
 * adapter could not carry it. `overload`: shed because the inbound hold was full (the mapping
 * store down or the core behind: runtime/inbound-hold.ts).
 */
export type DropReason =
  | 'unlinked'
  | 'unsupported'
  | 'not_configured'
  | 'unknown_message'
  | 'unknown_user'
  | 'message_gone'
  | 'banned'
  | 'not_admin'
  | 'failed'
  | 'adapter'
  | 'overload';

// ---------------------------------------------------------------------------------------------
// Outbound: what the router asks an adapter to do
// ---------------------------------------------------------------------------------------------

/** How the bridged person should appear (webhook name/avatar, puppet nick, `<nick>` prefix). */
export interface SenderDisplay {
  /** Stable opaque id of the Multichat person (a puppet connection or ghost key). */
  readonly id: string;
  readonly name: string;
  readonly avatarUrl?: string;
  /**
   * The person's own account on the target network, when they linked it there (account
   * linking): the adapter must never make a ghost or puppet speak for them on this network.
   * Matrix and IRC post such a message through their bot, naming the person; networks that show
   * a name per message anyway (Discord, Slack) may ignore it. The runtime does not send joins,
   * leaves, roles or reactions of such a person to that network (they are there themselves).
   */
  readonly native?: ExternalUserId;
}

interface OutboundBase {
  readonly target: LinkTarget;
  readonly targetKey: TargetKey;
  /**
   * Unique per delivery and the same on every retry of it: pass it to the network where it
   * de-duplicates (txnId, nonce) so a retry after a crash never posts twice.
   */
  readonly idempotencyKey: string;
  readonly sender: SenderDisplay;
}

export interface SendAction extends OutboundBase {
  readonly kind: 'send';
  /**
   * Already converted to `capabilities.markup`, mentions included; may exceed the limit. Empty
   * when the message is only files.
   */
  readonly text: string;
  /** The same text as a rich model (e.g. Matrix renders both body and formatted_body). */
  readonly rich: RichText;
  readonly isEmote?: boolean;
  readonly replyTo?: ExternalMessageId;
  /**
   * Set instead of `replyTo` for adapters without `capabilities.replies` when the message
   * answers another one that is not carried as a thread reply: the adapter writes it as a quote
   * line before the text (`> name: first line…`), so the reply is not lost.
   */
  readonly replyQuote?: ReplyQuote;
  readonly threadRoot?: ExternalMessageId;
  readonly attachments?: readonly OutboundAttachment[];
}

/** Who wrote the message a reply answers, and its first line (plain text, already shortened). */
export interface ReplyQuote {
  readonly name: string;
  readonly text: string;
}

/**
 * An edit of a message the adapter sent. It carries what the send carried around the text
 * (reply, emote, thread), so the edited message looks like the sent one: a reply line or quote
 * stays, an emote stays an emote.
 *
 * Long edits (the rule every adapter follows, docs/architecture.md "Long messages"): the new
 * text is split as a send would split it. Part i replaces the original's part i; parts the
 * original had but the new text does not are deleted; parts beyond the original's count are
 * posted as new messages after it (in its thread) and returned in `DeliveryResult.externalIds`,
 * which the runtime adds to the message, so later edits and deletes reach them.
 */
export interface EditAction extends OutboundBase {
  readonly kind: 'edit';
  /** Every external id the original send created at this target, first one first. */
  readonly externalIds: readonly ExternalMessageId[];
  readonly text: string;
  readonly rich: RichText;
  /** As on the send: the message answered (first external id at this target). */
  readonly replyTo?: ExternalMessageId;
  /** As on the send, for adapters without `capabilities.replies`. */
  readonly replyQuote?: ReplyQuote;
  /** As on the send: the thread the message is in (for parts posted after it). */
  readonly threadRoot?: ExternalMessageId;
  /** The message is an emote (`/me`); the edit keeps it one. */
  readonly isEmote?: boolean;
}

export interface DeleteAction extends OutboundBase {
  readonly kind: 'delete';
  readonly externalIds: readonly ExternalMessageId[];
}

export interface ReactionAction extends OutboundBase {
  readonly kind: 'react' | 'unreact';
  /** The message's first external id at this target. */
  readonly externalId: ExternalMessageId;
  readonly emoji: string;
}

export interface MembershipAction extends OutboundBase {
  readonly kind: 'join' | 'leave';
}

/**
 * `capabilities.roles`: give `sender` (the bridged person whose role changed, not who changed
 * it) this role in the target. `member` takes elevated rights away; adapters treat a role the
 * person already holds there as done.
 */
export interface RoleAction extends OutboundBase {
  readonly kind: 'role';
  readonly role: Role;
}

/**
 * `capabilities.topic`: set the target's topic to `topic` (empty clears it), as the adapter's
 * bot or app. `sender` is the gateway's own profile: the core event of a topic change does not
 * say who made it. The adapter must not report its own change back as an inbound `topic`
 * event where it can tell (the router also drops an inbound topic equal to the one it last
 * set at that target, so an echo never loops).
 */
export interface TopicAction extends OutboundBase {
  readonly kind: 'topic';
  readonly topic: string;
}

export type OutboundAction =
  | SendAction
  | EditAction
  | DeleteAction
  | ReactionAction
  | MembershipAction
  | RoleAction
  | TopicAction;

export type OutboundKind = OutboundAction['kind'];

/**
 * What a successful action created. `send` returns one id per message posted (several when the
 * text was split); edits, deletes and reactions may return none.
 * Failures throw `DeliveryError` (from `./errors.js`) with `permanent` and `retryAfterMs`.
 */
export interface DeliveryResult {
  readonly externalIds: readonly ExternalMessageId[];
  /**
   * The IRC puppet nick the sender spoke as, when a puppet (not the bot) carried the action.
   * Puppet nicks are not deterministic (a collision adds a suffix, a rename follows the person),
   * so the adapter reports the nick in use with each result; the runtime records it as the
   * person's `puppet` identity (replacing an older one), so a later `nick:` addressing the
   * puppet is a mention of the person and outbound mentions of them use this nick.
   */
  readonly puppet?: ExternalUserId;
}

/** A presence change of a bridged person; best effort, never queued. */
export interface PresenceUpdate {
  readonly sender: SenderDisplay;
  readonly status: PresenceStatus;
  readonly text?: string;
}

// ---------------------------------------------------------------------------------------------
// The adapter
// ---------------------------------------------------------------------------------------------

/** The subset of pino's logger an adapter may use. */
export interface AdapterLogger {
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
}

/** What the router injects into an adapter: only what it needs, nothing of the store. */
export interface AdapterComponents {
  readonly logger: AdapterLogger;
  /**
   * Hands an inbound event to the router. Resolves once the router has handled it (written to
   * the core and the mapping store, or dropped as an echo); never rejects. Adapters that must
   * acknowledge quickly (Slack's 3 s) need not await it; events of one target must be emitted
   * in the network's order, since the router handles them in emit order per target.
   */
  emit(event: InboundEvent): Promise<void>;
  /**
   * Tells the runtime the adapter's health changed (it logs it and, on `connected`, wakes the
   * delivery worker for what was held while the network was down). Call it on every change;
   * `health()` must return the same value from then on.
   */
  reportHealth(health: AdapterHealth): void;
  readonly clock: { now(): number };
  /**
   * The runtime's link management, for in-network admin commands (Discord and Slack
   * `/multichat`, Matrix `!mc` and portal rooms). The runtime always passes it; when absent
   * (an adapter built alone in a test) those commands answer that link management is off.
   */
  readonly links?: LinkControl;
  /**
   * The runtime's account linking for this adapter's network (in-chat `/multichat link [CODE]`,
   * `!multichat link CODE`). The runtime always passes it; when absent the commands answer
   * that account linking is off.
   */
  readonly accounts?: AccountLinkControl;
  /**
   * Tells the runtime the adapter saw a network event it will not emit, or took an action it
   * could not perform in any form (a sticker, a system message type): counted and logged as
   * `multichat_bridge_dropped_total{reason}` (default `adapter`). Never call it for a
   * degradation the adapter did perform (a file sent as a link).
   */
  readonly reportDrop?: (kind: DropKind, reason?: DropReason, detail?: string) => void;
  /**
   * Small facts the adapter must keep across restarts that the message map cannot hold (the
   * root of a thread started without a message, the id of a reaction line), kept in the mapping
   * store under the adapter's network. The runtime always passes it; when absent (an adapter
   * built alone in a test) the adapter keeps them in memory only.
   */
  readonly memos?: AdapterMemos;
}

/** `AdapterComponents.memos`: text by kind and key (no NUL characters: PostgreSQL refuses them). */
export interface AdapterMemos {
  get(kind: string, key: string): Promise<string | undefined>;
  set(kind: string, key: string, value: string): Promise<void>;
  /** True when there was one. */
  delete(kind: string, key: string): Promise<boolean>;
}

/** The required interface of every adapter. */
export interface BridgeAdapter {
  readonly name: NetworkName;
  readonly capabilities: AdapterCapabilities;
  /** Connects; resolves when connected or when the failure is a health state. No throw on I/O. */
  start(): Promise<void>;
  /** Disconnects and releases timers; idempotent. */
  stop(): Promise<void>;
  /**
   * Posts a message. Blocks until the network acknowledged it (or refused it).
   * @throws DeliveryError (`permanent`, `retryAfterMs`) — anything else counts as transient.
   */
  send(action: SendAction): Promise<DeliveryResult>;
  /** The current health, read synchronously (readiness, the delivery worker); see `reportHealth`. */
  health(): AdapterHealth;
  /**
   * Optional, data only (no I/O, no side effect): the network user the adapter makes speak for
   * `sender` when that id follows from the person alone, i.e. a Matrix ghost user id. The
   * runtime records it as the person's `ghost` identity once an action of theirs reached the
   * network (the ghost exists then), so a pill to the ghost is a mention of the person and an
   * outbound mention of them becomes a pill to it. Adapters without ghosts leave it out;
   * non-deterministic identities (IRC puppet nicks) come back in `DeliveryResult.puppet`.
   */
  identityFor?(sender: SenderDisplay): ExternalUserId | undefined;
  /**
   * The shape of this network's link targets, as data (`src/bridges/<network>/target.ts`),
   * narrowed by the adapter's config where it must be (IRC: a configured network name). The
   * link manager checks every new target with it before resolving or storing it, and answers
   * `InvalidLinkTargetError` naming the field. Absent (test fakes): any non-empty string fields.
   */
  readonly targetSchema?: TargetSchema;
  /**
   * Optional, data only: encrypted events not decryptable when they arrived (Matrix with
   * encryption on), for /metrics. Absent or undefined: the adapter decrypts nothing.
   */
  undecryptable?(): UndecryptableCounts | undefined;
}

/** `BridgeAdapter.undecryptable`: counts since start, and the events waiting for a key now. */
export interface UndecryptableCounts {
  /** Events that could not be decrypted on arrival. */
  readonly seen: number;
  /** Of those, decrypted later (their key came) and bridged. */
  readonly decryptedLater: number;
  /** Of those, given up (too old, or too many waiting); also counted as dropped. */
  readonly givenUp: number;
  /** Waiting for their key now. */
  readonly waiting: number;
  /** Senders asked to re-share a lost room key; and lost keys that could not be asked for. */
  readonly reshareAsked?: number;
  readonly reshareNotPossible?: number;
}

/**
 * A link target schema: a zod schema whose output is the network's typed target (`z.infer`).
 * Targets are stored and carried as the network-agnostic `LinkTarget`; an adapter reads them
 * through its own narrowing function (`ircTarget(target)`, `matrixTarget(target)`…), the one
 * place where the untyped record becomes its typed target.
 */
export type TargetSchema<T extends LinkTarget = LinkTarget> = z.ZodType<T>;

/** `capabilities.edits`: edits a message it posted (all parts, when it was split). */
export interface EditingAdapter extends BridgeAdapter {
  edit(action: EditAction): Promise<DeliveryResult>;
}

/** `capabilities.deletes`. */
export interface DeletingAdapter extends BridgeAdapter {
  delete(action: DeleteAction): Promise<DeliveryResult>;
}

/** `capabilities.reactions`: `action.kind` says add ('react') or remove ('unreact'). */
export interface ReactingAdapter extends BridgeAdapter {
  react(action: ReactionAction): Promise<DeliveryResult>;
}

/** `capabilities.membership`: a bridged person joins or leaves the target visibly (puppets). */
export interface MembershipAdapter extends BridgeAdapter {
  membership(action: MembershipAction): Promise<DeliveryResult>;
}

/**
 * `capabilities.roles`: sets a bridged person's role in the target.
 * @throws DeliveryError, `permanent` when the network will not allow it (no op, no power).
 */
export interface RoleAdapter extends BridgeAdapter {
  setRole(action: RoleAction): Promise<DeliveryResult>;
}

/**
 * A bridged person typing at a target, or stopping; best effort, never queued nor retried (a
 * late typing notice is worse than none). Adapters let it expire on their own after a while
 * when no `active: false` follows.
 */
export interface TypingUpdate {
  readonly target: LinkTarget;
  readonly targetKey: TargetKey;
  readonly sender: SenderDisplay;
  readonly active: boolean;
}

/** `capabilities.typing`. Failures may throw; the router logs them and moves on. */
export interface TypingAdapter extends BridgeAdapter {
  setTyping(update: TypingUpdate): Promise<void>;
}

/**
 * `capabilities.topic`: sets the target's topic.
 * @throws DeliveryError, `permanent` when the network refuses (no Manage Channels, no ops on a
 * `+t` channel, missing scope): the runtime then logs it and counts the action as dropped.
 */
export interface TopicAdapter extends BridgeAdapter {
  setTopic(action: TopicAction): Promise<DeliveryResult>;
}

/** `capabilities.presence`. */
export interface PresenceAdapter extends BridgeAdapter {
  setPresence(update: PresenceUpdate): Promise<void>;
}

/**
 * Optional: a bridged person's name or avatar changed (an inbound `profile` event, or the person
 * changed it in Multichat), told at once, best effort, never queued. The adapter updates what it
 * keeps per person and already made: a Matrix ghost's display name and avatar, an IRC puppet's
 * nick. It creates nothing new for it. Networks that name the sender on every message (Discord
 * webhooks, Slack) need not implement it: the next message shows the new name and icon.
 */
export interface ProfileAdapter extends BridgeAdapter {
  updateProfile(sender: SenderDisplay): Promise<void>;
}

/** History the network kept while the gateway was down, oldest first. */
export interface BackfillPage {
  readonly events: readonly InboundEvent[];
  /** Resume point for the next call (stored by the router as a cursor); absent when done. */
  readonly cursor?: string;
  /** The original time (ms since the epoch) of each event, where the network gives it. */
  readonly times?: readonly (number | undefined)[];
}

/** `bridges.<net>.backfill`: how far live backfill reaches back after a (re)connect. */
export interface BackfillLimits {
  readonly maxAgeHours: number;
  /** Per link and reconnect; 0 turns live backfill off. */
  readonly maxMessages: number;
}

export interface BackfillAdapter extends BridgeAdapter {
  /** Live backfill limits from the adapter's config section (absent: 24 h, 1,000 messages). */
  readonly backfillLimits?: BackfillLimits;
  /**
   * Events at `target` after `cursor` (from the start of what is kept when absent), oldest
   * first. A cursor is the `externalId` of a message the adapter emitted (or a page's
   * `cursor`); one it cannot read counts as absent. `since` (ms since epoch) skips anything
   * older. Messages carry their final text.
   * @throws DeliveryError with `permanent` when the token may not read the history.
   */
  backfill(
    target: LinkTarget,
    cursor: string | undefined,
    limit: number,
    since?: number,
  ): Promise<BackfillPage>;
}

/**
 * Turns an operator-written target into the form inbound events carry (a Matrix alias into a
 * room id, a Slack channel name into an id), so one target has one `TargetKey`.
 * @throws DeliveryError with `permanent` when the target does not exist.
 */
export interface TargetResolvingAdapter extends BridgeAdapter {
  resolveTarget(target: LinkTarget): Promise<LinkTarget>;
}

/** A link as the runtime's link manager shows it to adapters. */
export interface LinkInfo {
  readonly id: string;
  /** The Multichat channel id. */
  readonly channel: string;
  readonly channelName?: string;
  readonly network: string;
  readonly target: LinkTarget;
}

/**
 * Link management the runtime lends to adapters with in-network admin commands (Discord and
 * Slack slash commands, Matrix `!mc`). Errors are the runtime's named errors (link exists, no
 * such channel, bad target): their messages are written to be shown to the person.
 */
export interface LinkControl {
  list(): Promise<readonly LinkInfo[]>;
  /**
   * `channel` is a Multichat channel id or name (created when missing). An end-to-end encrypted
   * channel is refused (InvalidLinkError on field `allowEncrypted`, a message to show as is):
   * bridging it lets the gateway operator read it, a consent in-network commands never give;
   * the operator links it through the API, the CLI or the config (README, "API notes").
   */
  create(request: { channel: string; network: string; target: LinkTarget }): Promise<LinkInfo>;
  remove(id: string): Promise<void>;
}

/** A one-time account-link code, to be shown only to the person who asked for it. */
export interface IssuedLinkCode {
  /** What the person types on the other network, e.g. `7KQ2X-9PDMB`. */
  readonly code: string;
  /** Milliseconds since the epoch; 10 minutes after issue. */
  readonly expiresAt: number;
}

/**
 * Account linking ("one person, many networks") that the runtime lends to adapters, bound to
 * the adapter's network. A person asks for a code on one network (or through the API) and
 * enters it on another within 10 minutes; that second identity then belongs to the code's
 * profile. Failures (wrong, expired or used code) reject with the runtime's named errors, whose
 * messages are written to be shown to the person; nothing is changed then.
 */
export interface AccountLinkControl {
  /** A code for the profile that stands for `person` here (answer it privately). */
  issueCode(person: ExternalSender): Promise<IssuedLinkCode>;
  /** Joins `person` to the code's profile; resolves with that profile's name. */
  redeemCode(person: ExternalSender, code: string): Promise<{ readonly profileName: string }>;
}

/**
 * `createXAdapter(config, name)` returns this; calling it does no I/O. `network` is the name the
 * adapter it builds will carry, so the runtime can bind `emit` and `reportHealth` to it before
 * building (the runtime refuses an adapter whose `name` differs).
 */
export interface AdapterBuilder {
  (components: AdapterComponents): BridgeAdapter;
  readonly network: NetworkName;
}

/**
 * What each `src/bridges/<network>/index.ts` exports. `config` is that bridge's section of the
 * gateway config, already validated by the schema in `src/bridges/<network>/config.ts`.
 */
export interface BridgeModule {
  createAdapter(config: unknown, name: NetworkName): AdapterBuilder;
  /**
   * The link target shape of this network before any config is known (IRC cannot check the
   * network name here; its adapter's `targetSchema` does). For tools and docs.
   */
  readonly targetSchema?: TargetSchema;
}
