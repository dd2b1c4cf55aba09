/**
 * The mapping store contract (DESIGN §6): what the bridge router remembers about the outside
 * world so that edits, replies, deletes and reactions keep working across restarts, and so that
 * deliveries to other networks survive a crash. Type-only: no runtime code.
 *
 * Two implementations pass one shared contract suite (`test/contracts/mapping-store.ts`):
 * SQLite (`src/mapping/sqlite/`, the embedded default) and PostgreSQL (`src/mapping/postgres/`).
 * Every method returns a Promise, even where SQLite could answer synchronously, so callers are
 * written once for both.
 *
 * Times are milliseconds since the epoch (numbers), taken from the store's clock unless a method
 * takes `now` explicitly.
 */
import type { Brand, ChannelId, MessageId, UserId } from '../core/types.js';
import type { MessageMappingConflictError } from './errors.js';

/** A link's id, chosen by the store at creation (opaque text). */
export type LinkId = Brand<string, 'LinkId'>;
/** An outbox delivery's id, chosen by the store at enqueue (opaque text). */
export type DeliveryId = Brand<string, 'DeliveryId'>;
/** A message id as the external network knows it (Discord snowflake, Matrix event id, …). */
export type ExternalMessageId = Brand<string, 'ExternalMessageId'>;
/**
 * Stable text key of one external target, derived from `(network, target)` by
 * `targetKeyOf()` in `src/mapping/target-key.ts`; unique per network. Key order inside `target`
 * does not matter.
 */
export type TargetKey = Brand<string, 'TargetKey'>;

/**
 * Name of a bridge as configured and as stored in links: 'irc', 'matrix', 'discord', 'slack'.
 * One adapter per name; an adapter that serves several servers (IRC networks) tells them apart
 * inside its `LinkTarget` (`{network: 'libera', channel: '#proj'}`). The one definition: the
 * bridge contract (`src/bridges/types.ts`) re-exports it. Branded so that a free string (a
 * channel name, an external id) cannot be passed where a network is meant; a name from outside
 * becomes one only through the registry's `isKnownNetwork` guard or a cast at a boundary.
 */
export type NetworkName = Brand<string, 'NetworkName'>;

/**
 * Where on a network a link points, as the adapter understands it: `{network:'libera',
 * channel:'#proj'}` for IRC, `{room:'!abc:hs'}` for Matrix, `{channel:'123…'}` for Discord.
 */
export type LinkTarget = Readonly<Record<string, string>>;

// ---------------------------------------------------------------------------------------------
// Identities: (network, externalId) <-> Multichat user
// ---------------------------------------------------------------------------------------------

/**
 * How an external identity belongs to its profile:
 * - `native`: the person's own account on that network (they post from it);
 * - `ghost`: a Matrix user the gateway created to speak for them (appservice namespace);
 * - `puppet`: an IRC nick the gateway uses for them (may change on a nick collision).
 * Ghosts and puppets are recorded so that a mention of one (a pill to the ghost, the puppet's
 * nick) is a mention of the person it stands for, and so outbound mentions can use them.
 */
export type IdentityKind = 'native' | 'ghost' | 'puppet';

/** One person of another network and the Multichat profile that stands for them. */
export interface Identity {
  readonly network: NetworkName;
  readonly externalId: string;
  readonly userId: UserId;
  readonly kind: IdentityKind;
  /** Cached display name, so the router can tell when a profile update is due. */
  readonly displayName: string | null;
  /** Cached avatar URL. */
  readonly avatar: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface IdentityInput {
  readonly network: NetworkName;
  readonly externalId: string;
  readonly userId: UserId;
  /** `undefined` keeps the stored kind; a new row defaults to `native`. */
  readonly kind?: IdentityKind;
  /** `undefined` keeps the cached value; `null` clears it. */
  readonly displayName?: string | null;
  readonly avatar?: string | null;
}

/**
 * `(network, externalId)` is unique (one profile per external id, whatever its kind); a user
 * may have several identities, on one network or several (a native account and a ghost).
 */
export interface IdentityRepo {
  /** The identity, hence the profile, of `(network, externalId)`. */
  get(network: NetworkName, externalId: string): Promise<Identity | undefined>;
  /** Every identity of a user, oldest first; only those on `network` when given. */
  listByUser(userId: UserId, network?: NetworkName): Promise<Identity[]>;
  /**
   * The identities of several users on one network in one round trip (outbound mentions),
   * oldest first; users without one are absent.
   */
  listByUsers(userIds: readonly UserId[], network: NetworkName): Promise<Identity[]>;
  /** Creates or updates the identity of `(network, externalId)`; returns the stored row. */
  upsert(input: IdentityInput): Promise<Identity>;
  /** Forgets `(network, externalId)` (an IRC puppet's old nick); true when a row was removed. */
  remove(network: NetworkName, externalId: string): Promise<boolean>;
}

// ---------------------------------------------------------------------------------------------
// Account linking: one-time codes and the audit of who linked what
// ---------------------------------------------------------------------------------------------

/**
 * A one-time code that joins a second network identity to a profile ("one person, many
 * networks"). Only the code's hash is stored: a database dump cannot be used to link anything.
 */
export interface LinkCode {
  /** Hex SHA-256 of the normalised code. */
  readonly codeHash: string;
  /** The profile the identity that redeems the code will belong to. */
  readonly userId: UserId;
  /** Where the code was asked for: `api`, or a network name (in-chat `/multichat link`). */
  readonly issuedVia: string;
  /** The external id that asked for it in chat; null for the API. */
  readonly issuedBy: string | null;
  readonly createdAt: number;
  readonly expiresAt: number;
  /** When it was redeemed; null while unused. */
  readonly usedAt: number | null;
}

export interface LinkCodeInput {
  readonly codeHash: string;
  readonly userId: UserId;
  readonly issuedVia: string;
  readonly issuedBy?: string | null;
  readonly expiresAt: number;
}

/** What an attempt to redeem a code found; only `redeemed` carries the (now used) code. */
export type LinkCodeClaim =
  | { readonly outcome: 'redeemed'; readonly code: LinkCode }
  | { readonly outcome: 'unknown' | 'expired' | 'used' };

export interface LinkCodeRepo {
  /** Stores a new code; a hash collision (never expected) throws. */
  create(input: LinkCodeInput): Promise<LinkCode>;
  /**
   * Marks the code used if it exists, is unused and `now < expiresAt`, in one statement, so two
   * concurrent redemptions cannot both succeed; otherwise says why not.
   */
  claim(codeHash: string, now: number): Promise<LinkCodeClaim>;
  /** Deletes codes that expired before `before`; returns how many. */
  pruneExpired(before: number): Promise<number>;
}

/** `link`: an identity was joined to a profile; `unlink`: it was taken off again. */
export type AccountAuditAction = 'link' | 'unlink';

/** One audit row: who linked (or unlinked) which identity to which profile, and when. */
export interface AccountAuditEntry {
  readonly id: string;
  readonly action: AccountAuditAction;
  readonly userId: UserId;
  readonly network: NetworkName;
  readonly externalId: string;
  /** Who did it: `network:externalId` of the person who redeemed, or `user:<id>` (API). */
  readonly actor: string;
  readonly at: number;
}

export type AccountAuditInput = Omit<AccountAuditEntry, 'id' | 'at'>;

export interface AccountAuditRepo {
  /** Appends a row (at = the store's clock). */
  record(input: AccountAuditInput): Promise<AccountAuditEntry>;
  /** A profile's rows, oldest first. */
  listByUser(userId: UserId): Promise<AccountAuditEntry[]>;
}

// ---------------------------------------------------------------------------------------------
// Links: Multichat channel <-> external targets (N-way)
// ---------------------------------------------------------------------------------------------

export interface Link {
  readonly id: LinkId;
  readonly channel: ChannelId;
  readonly network: NetworkName;
  readonly target: LinkTarget;
  readonly targetKey: TargetKey;
  readonly createdAt: number;
}

export interface LinkInput {
  readonly channel: ChannelId;
  readonly network: NetworkName;
  readonly target: LinkTarget;
}

/**
 * A channel may link to many networks and to several targets on one network; a target
 * `(network, targetKey)` links to at most one channel.
 */
export interface LinkRepo {
  /** Throws LinkExistsError when `(network, target)` is already linked (to any channel). */
  create(input: LinkInput): Promise<Link>;
  /**
   * Removes the link. Deliveries still pending or sending for it become 'dead' with reason
   * 'link deleted' (they would otherwise block or retry forever); message mappings stay, so a
   * re-link finds its history. Throws LinkNotFoundError.
   */
  delete(id: LinkId): Promise<void>;
  get(id: LinkId): Promise<Link | undefined>;
  /** All links, oldest first. */
  list(): Promise<Link[]>;
  /** Links of one channel, oldest first. */
  listByChannel(channel: ChannelId): Promise<Link[]>;
  findByTarget(network: NetworkName, targetKey: TargetKey): Promise<Link | undefined>;
}

// ---------------------------------------------------------------------------------------------
// Messages: external message ids <-> Multichat message
// ---------------------------------------------------------------------------------------------

/** 'inbound': the external message came first; 'outbound': we created it by bridging. */
export type MessageDirection = 'inbound' | 'outbound';

export interface MessageMapping {
  readonly network: NetworkName;
  readonly targetKey: TargetKey;
  readonly externalId: ExternalMessageId;
  readonly messageId: MessageId;
  readonly channel: ChannelId;
  readonly direction: MessageDirection;
  readonly createdAt: number;
}

export type MessageMappingInput = Omit<MessageMapping, 'createdAt'>;

/**
 * `(network, targetKey, externalId)` is unique. One Multichat message maps to many external ids:
 * one or more per target (an IRC line split yields several).
 */
export interface MessageRepo {
  /**
   * Records a mapping. Recording the same mapping again is a no-op returning the stored row;
   * the same external id for a different message throws MessageMappingConflictError.
   */
  put(input: MessageMappingInput): Promise<MessageMapping>;
  /**
   * Records many mappings in one transaction (a history import's batch: one commit, not one
   * each), each as `put` would, except that one conflicting with a stored mapping is left out
   * and returned instead of thrown, so it does not undo the others.
   */
  putMany(inputs: readonly MessageMappingInput[]): Promise<MessageMappingConflictError[]>;
  getByExternal(
    network: NetworkName,
    targetKey: TargetKey,
    externalId: ExternalMessageId,
  ): Promise<MessageMapping | undefined>;
  /**
   * The mappings of many external ids of one target at once (a history import's chunk: one
   * query, not one per id). Ids not mapped are absent from the map; duplicates are read once.
   */
  getManyByExternal(
    network: NetworkName,
    targetKey: TargetKey,
    externalIds: readonly ExternalMessageId[],
  ): Promise<Map<ExternalMessageId, MessageMapping>>;
  /** Every external copy of a message, oldest first; only one target's when given. */
  listByMessage(
    messageId: MessageId,
    target?: { readonly network: NetworkName; readonly targetKey: TargetKey },
  ): Promise<MessageMapping[]>;
  /** Forgets a message's mappings (retention); returns how many rows were removed. */
  deleteByMessage(messageId: MessageId): Promise<number>;
}

// ---------------------------------------------------------------------------------------------
// Outbox: deliveries of core events to external targets
// ---------------------------------------------------------------------------------------------

export type DeliveryState = 'pending' | 'sending' | 'sent' | 'dead';

/**
 * What to do at the target. Opaque to the store; must survive JSON.stringify/parse unchanged
 * (plain objects, arrays, strings, finite numbers, booleans, null).
 */
export type DeliveryAction = unknown;

export interface Delivery {
  readonly id: DeliveryId;
  /** Unique across the outbox: the router's de-duplication key (e.g. `${entryId}:${linkId}`). */
  readonly idempotencyKey: string;
  readonly linkId: LinkId;
  readonly network: NetworkName;
  readonly targetKey: TargetKey;
  readonly channel: ChannelId;
  /** Assigned at enqueue, strictly increasing per `(network, targetKey)`, starting at 1. */
  readonly sequence: number;
  readonly action: DeliveryAction;
  readonly state: DeliveryState;
  /** Number of markSending calls so far. */
  readonly attempts: number;
  readonly nextAttemptAt: number;
  readonly lastError: string | null;
  /** External ids the send created; empty until 'sent'. */
  readonly externalIds: ExternalMessageId[];
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface DeliveryInput {
  readonly idempotencyKey: string;
  readonly linkId: LinkId;
  readonly network: NetworkName;
  readonly targetKey: TargetKey;
  readonly channel: ChannelId;
  readonly action: DeliveryAction;
  /** Default: now (due at once). */
  readonly nextAttemptAt?: number;
}

/**
 * The outbox keeps per-target order: a target's deliveries go out in `sequence` order, and a
 * delivery waiting for a retry holds back the ones behind it (head-of-line blocking per target,
 * never across targets). 'sent' and 'dead' are final states: marking them again throws
 * DeliveryStateError. Unknown ids throw DeliveryNotFoundError.
 */
export interface OutboxRepo {
  /**
   * Enqueues deliveries in one transaction, assigning sequences in input order. A delivery whose
   * `idempotencyKey` exists already (stored before, or earlier in this batch) is not added again:
   * the stored row takes its place in the result. Returns one row per input, in input order.
   */
  enqueue(deliveries: readonly DeliveryInput[]): Promise<Delivery[]>;
  /**
   * For each target, its oldest deliveries that are neither 'sent' nor 'dead', in sequence
   * order: at most `limitPerTarget` (default 1) and stopping at the first with
   * `nextAttemptAt > now`. A target whose head is not due yields nothing. 'sending' rows are
   * returned too — after a crash they are the ones whose fate is unknown — so a live router must
   * skip what it has in flight (or pass `leaseUntil` to markSending). Targets come oldest head
   * first (by the head's createdAt).
   */
  nextDue(now: number, limitPerTarget?: number): Promise<Delivery[]>;
  /**
   * Records an attempt before the network send (attempts + 1, state 'sending'). With
   * `leaseUntil`, nextAttemptAt becomes that time so nextDue hides it while in flight; without,
   * nextAttemptAt is unchanged.
   */
  markSending(id: DeliveryId, leaseUntil?: number): Promise<Delivery>;
  /**
   * Records success and the external ids created. `mappings` are written in the same
   * transaction (as MessageRepo.put would), so a crash cannot keep one without the other.
   */
  markSent(
    id: DeliveryId,
    externalIds: readonly ExternalMessageId[],
    mappings?: readonly MessageMappingInput[],
  ): Promise<Delivery>;
  /** Back to 'pending', due again at `nextAttemptAt`; keeps blocking the target until then. */
  markRetry(id: DeliveryId, error: string, nextAttemptAt: number): Promise<Delivery>;
  /** Gives up: 'dead' with `reason` as lastError. Unblocks the target. */
  markDead(id: DeliveryId, reason: string): Promise<Delivery>;
  get(id: DeliveryId): Promise<Delivery | undefined>;
  getByKey(idempotencyKey: string): Promise<Delivery | undefined>;
  /** Dead deliveries, newest first, at most `limit` (default 100). */
  listDead(limit?: number): Promise<Delivery[]>;
  /** Counts per state; every state present (0 when none). */
  countByState(): Promise<Record<DeliveryState, number>>;
  /** Deletes 'sent' deliveries last updated before `before`; returns how many. */
  pruneSent(before: number): Promise<number>;
  /** Undelivered deliveries for operators, oldest first, a page at a time (sql/outbox-admin.ts). */
  list(query?: OutboxQuery): Promise<OutboxPage>;
  /** Undelivered deliveries counted per link and state, each with its latest error. */
  summary(): Promise<OutboxSummaryRow[]>;
  /**
   * An operator's retry: a 'dead' or 'pending' delivery becomes 'pending', due at once, with its
   * attempts back to 0 (its sequence is kept, so it goes before later ones of its target).
   * 'sending' and 'sent' throw DeliveryStateError.
   */
  requeue(id: DeliveryId): Promise<Delivery>;
  /** An operator's discard: deletes a 'pending' or 'dead' delivery; others throw DeliveryStateError. */
  discard(id: DeliveryId): Promise<void>;
}

/** The states an operator sees: everything not delivered yet or given up on. */
export type UndeliveredState = Exclude<DeliveryState, 'sent'>;

export interface OutboxQuery {
  /** Default: every undelivered state. */
  readonly states?: readonly UndeliveredState[];
  readonly network?: NetworkName;
  readonly linkId?: LinkId;
  /** Default 50, at most 500. */
  readonly limit?: number;
  /** The `next` of the previous page. */
  readonly after?: string;
}

export interface OutboxPage {
  readonly items: Delivery[];
  /** Pass as `after` for the next page; absent on the last page. */
  readonly next?: string;
}

export interface OutboxSummaryRow {
  readonly linkId: LinkId;
  readonly network: NetworkName;
  readonly state: UndeliveredState;
  readonly count: number;
  /** When the oldest of them was queued. */
  readonly oldestAt: number;
  /** The most recent error recorded on one of them, if any. */
  readonly lastError: string | null;
}

// ---------------------------------------------------------------------------------------------
// One read for one inbound event
// ---------------------------------------------------------------------------------------------

/**
 * What the router reads for one inbound event, answered in one round trip (one statement):
 * the link of the event's target, the message mappings of the external ids it names (its own,
 * for the loop guard; a reply's or thread root's), the identities of the people it names (the
 * sender, mentioned people) and whether our outbox issued the echo key it carries.
 */
export interface InboundLookupQuery {
  readonly network: NetworkName;
  /** The event's target; absent for network-wide events (profile, presence). */
  readonly targetKey?: TargetKey;
  /** External message ids at `(network, targetKey)`; ignored without `targetKey`. */
  readonly externalIds?: readonly ExternalMessageId[];
  /** External user ids of people on `network`. */
  readonly people?: readonly string[];
  /** An outbox idempotency key to look for. */
  readonly idempotencyKey?: string;
}

export interface InboundLookup {
  readonly link: Link | undefined;
  /** The mappings found, by external id (ids without a mapping are absent). */
  readonly messages: ReadonlyMap<ExternalMessageId, MessageMapping>;
  /** The identities found, by external user id. */
  readonly identities: ReadonlyMap<string, Identity>;
  /** True when an outbox delivery has the queried `idempotencyKey`. */
  readonly keyIssued: boolean;
}

// ---------------------------------------------------------------------------------------------
// Cursors and the store itself
// ---------------------------------------------------------------------------------------------

/** Per-network resume points (a sync token, a last-seen id), opaque text. */
export interface CursorRepo {
  get(network: NetworkName, key: string): Promise<string | undefined>;
  set(network: NetworkName, key: string, value: string): Promise<void>;
}

/**
 * Small facts an adapter keeps across restarts that the message map cannot hold (the root of a
 * Discord thread started without a message, the id of a reaction line), by network, kind and
 * key. A value is replaced by a later `set`; `delete` says whether there was one. Text holds no
 * NUL character (`set` throws MemoTextError: PostgreSQL text cannot store it).
 */
export interface MemoRepo {
  get(network: NetworkName, kind: string, key: string): Promise<string | undefined>;
  set(network: NetworkName, kind: string, key: string, value: string): Promise<void>;
  delete(network: NetworkName, kind: string, key: string): Promise<boolean>;
}

/**
 * The store. Construction does no I/O; `init()` opens the database and applies pending
 * migrations; any other call before `init()` or after `close()` throws StoreClosedError.
 * Methods are safe to call concurrently; writes that must be atomic are single transactions.
 */
export interface MappingStore {
  readonly kind: 'sqlite' | 'postgres';
  readonly identities: IdentityRepo;
  readonly links: LinkRepo;
  readonly messages: MessageRepo;
  readonly outbox: OutboxRepo;
  readonly cursors: CursorRepo;
  /** Adapters' small facts kept across restarts. */
  readonly memos: MemoRepo;
  /** One-time account-link codes (stored hashed). */
  readonly linkCodes: LinkCodeRepo;
  /** Who linked which identity to which profile, and when. */
  readonly accountAudit: AccountAuditRepo;
  /** Everything one inbound event needs from the store, in one round trip (see the query). */
  lookupInbound(query: InboundLookupQuery): Promise<InboundLookup>;
  /** Opens the database and runs migrations. Throws SchemaTooNewError if the database is ahead. */
  init(): Promise<void>;
  /** Waits for running statements, then closes. Idempotent. */
  close(): Promise<void>;
}

/** Options shared by both implementations. */
export interface MappingStoreOptions {
  /** Clock for createdAt/updatedAt and default nextAttemptAt; default Date.now. */
  readonly now?: () => number;
}

export type MappingStoreConfig =
  | ({ readonly kind: 'sqlite'; readonly path: string } & MappingStoreOptions)
  | ({
      readonly kind: 'postgres';
      readonly url: string;
      readonly poolSize?: number;
    } & MappingStoreOptions);

/** Builds a store (not yet initialised) from config. */
export type MappingStoreFactory = (config: MappingStoreConfig) => Promise<MappingStore>;
