/**
 * The Multichat core contract: ids, resources, transactions, log entries, intents and the node
 * facade that the gateway, the P2P layer and the bridge router use. Type-only: no runtime code.
 *
 * Model (DESIGN §3): every change of state is a signed transaction that consumes resources (by
 * id, the nullifier) and creates immutable, content-addressed resources. Each signing key appends
 * only to its own hash-chained log. Message text lives beside the log, addressed by its hash, so
 * it can be deleted (expiry, redaction) while every chain still verifies.
 */

declare const brand: unique symbol;
/** A nominal string type: same runtime value, not interchangeable at compile time. */
export type Brand<T, B extends string> = T & { readonly [brand]: B };

/** Text form of an Ed25519 public key (base64url of the 32 raw bytes). One log per address. */
export type Address = Brand<string, 'Address'>;
/** base64url SHA-256 of a resource's canonical CBOR encoding. */
export type ResourceId = Brand<string, 'ResourceId'>;
/** base64url SHA-256 of a log entry's signed bytes (its canonical CBOR without the signature). */
export type EntryId = Brand<string, 'EntryId'>;
/** base64url SHA-256 of message content bytes. */
export type ContentHash = Brand<string, 'ContentHash'>;
/** Stable id of a person: the address of a native user, or a derived id for a bridged one. */
export type UserId = Brand<string, 'UserId'>;
/** Stable id of a channel, fixed at creation. */
export type ChannelId = Brand<string, 'ChannelId'>;
/** A message is addressed by the id of the resource that created it. */
export type MessageId = ResourceId;

export type Role = 'banned' | 'member' | 'moderator' | 'admin';
export type PresenceStatus = 'online' | 'away' | 'offline';
export type ChannelVisibility = 'public' | 'private' | 'direct';

/** Where a bridged person or message came from. */
export interface Origin {
  readonly network: string;
  readonly externalId: string;
  /**
   * History imported from the network after the fact (a Slack export, a backfill by
   * `multichat import`): the message's `createdAt` is then the original time, a claim of the
   * importing node that may lie in the past (docs/protocol.md, "Imported history"), and the
   * message reads among the channel's messages by that time. Absent on live messages.
   */
  readonly imported?: true;
}

/** Hybrid logical clock: wall milliseconds plus a counter for events in the same millisecond. */
export interface Hlc {
  readonly wall: number;
  readonly counter: number;
}

/** SHA-256 of a blob's bytes, 64 lowercase hex digits: the blob's address (the API's `hash`). */
export type BlobHash = Brand<string, 'BlobHash'>;

/**
 * A file of a message. Since 0.4 the bytes are a blob of the node (`hash`), stored beside the
 * log like message text and deleted with it; `url` is a plain link (messages from before 0.4, or
 * a file that could not be fetched and is kept as a link). At least one of the two is present.
 */
export interface Attachment {
  readonly hash?: BlobHash;
  readonly url?: string;
  readonly name: string;
  readonly mimeType?: string;
  /** Bytes. */
  readonly size?: number;
  /** Pixels, for images and video where known. */
  readonly width?: number;
  readonly height?: number;
}

/** A blob as the blob store holds it. */
export interface BlobInfo {
  readonly hash: BlobHash;
  readonly size: number;
  /** As the uploader declared it (HTTP Content-Type, a network's file type), when it did. */
  readonly mimeType?: string;
  /** The file name its latest uploader gave (a message may name it otherwise). */
  readonly name?: string;
  /** Pixels, read from the header of a PNG, JPEG, GIF or WebP image when the bytes were put. */
  readonly width?: number;
  readonly height?: number;
}

/**
 * Files of messages (DESIGN §3, "content apart from the chain"): content-addressed bytes in the
 * data directory (mode 0600), streamed in and out, deleted once no live message references them.
 */
export interface BlobStore {
  /**
   * Streams `source` into the store, hashing as it goes. Refuses (BlobTooLargeError) past
   * `maxBytes`, and (BlobHashMismatchError) when `expectedHash` is given and differs; nothing
   * partial is left behind. Storing bytes already held is a no-op returning the same info.
   */
  put(
    source: AsyncIterable<Uint8Array> | Uint8Array,
    options?: {
      maxBytes?: number;
      expectedHash?: BlobHash;
      /** Recorded with the blob (the first one declared is kept). */
      mimeType?: string;
      /** A local user who uploaded it: may read it before any message references it. */
      uploader?: UserId;
      /** The file name the uploader gave. */
      name?: string;
    },
  ): Promise<BlobInfo>;
  /** True when the bytes are on this node's disk. */
  has(hash: BlobHash): boolean;
  /** What the store recorded about a blob it holds; undefined when it does not hold it. */
  describe(hash: BlobHash): BlobInfo | undefined;
  /** True when `user` put these bytes here (the API lets an uploader read its own upload). */
  uploadedBy(hash: BlobHash, user: UserId): boolean;
  /**
   * The local bytes, streamed; undefined when this node does not hold them. A sealed blob of an
   * encrypted channel is opened for a member (its plaintext; BlobTamperedError from the stream
   * when it does not open), and is its ciphertext on a node that holds no key.
   */
  open(hash: BlobHash): { readonly size: number; stream(): AsyncIterable<Uint8Array> } | undefined;
  /** The bytes as stored (a sealed blob's ciphertext): what peers are served. */
  openStored(
    hash: BlobHash,
  ): { readonly size: number; stream(): AsyncIterable<Uint8Array> } | undefined;
  /**
   * The bytes from this node, or else fetched from peers through the registered remote source
   * (verified by hash, then stored); undefined when nobody had them before `signal` aborted.
   */
  fetch(
    hash: BlobHash,
    options?: { signal?: AbortSignal },
  ): Promise<{ readonly size: number; stream(): AsyncIterable<Uint8Array> } | undefined>;
  /** Channels with a live (not deleted) message referencing `hash`: who may read it. */
  channelsReferencing(hash: BlobHash): ChannelId[];
  /** The P2P layer registers how to ask peers for a blob (bytes are verified by the store). */
  setRemoteSource(source: BlobRemoteSource | undefined): void;
}

/** Asks peers for a blob's bytes; resolves undefined when none had them. */
export type BlobRemoteSource = (
  hash: BlobHash,
  signal: AbortSignal,
) => Promise<AsyncIterable<Uint8Array> | undefined>;

// ---------------------------------------------------------------------------------------------
// Resources. Each `data` shape is encoded canonically; `undefined` fields are omitted.
// ---------------------------------------------------------------------------------------------

export interface UserProfileData {
  readonly userId: UserId;
  readonly username: string;
  /** Present for native users: the key that may update this profile. */
  readonly publicKey?: Address;
  /** Present for bridged users: the gateway address that signs for them. */
  readonly controller?: Address;
  readonly origin?: Origin;
  readonly avatar?: string;
  /**
   * X25519 public key (base64url, 32 bytes) that encrypted channels seal chain keys to: a native
   * user's own, or for a bridged user the key of the gateway that bridges them. Optional: profiles
   * written before encrypted channels lack it (docs/protocol.md, "Encrypted channels").
   */
  readonly boxKey?: string;
  /**
   * Chosen by the author when it creates the resource, so that creating the same value again
   * (after it was replaced or consumed) yields a new resource id. Optional: older entries lack it.
   */
  readonly nonce?: string;
}

export interface ChannelSettings {
  readonly encrypted: boolean;
  readonly retentionSeconds?: number;
  readonly visibility: ChannelVisibility;
}

export interface ChannelData {
  readonly channelId: ChannelId;
  readonly name: string;
  readonly topic?: string;
  readonly creator: UserId;
  readonly settings: ChannelSettings;
  /**
   * Set when the channel resource replaces an older one (a topic change), so setting a topic
   * back to an earlier value makes a new resource, not the one that change consumed.
   */
  readonly nonce?: string;
}

export interface ChannelAccessData {
  readonly channel: ChannelId;
  readonly user: UserId;
  readonly role: Role;
  /** Who granted it (the user themself for a join). */
  readonly grantedBy: UserId;
  /**
   * Chosen by the author when it creates the resource, so that creating the same value again
   * (after it was replaced or consumed) yields a new resource id. Optional: older entries lack it.
   */
  readonly nonce?: string;
}

export interface PermissionsData {
  readonly user: UserId;
  readonly flags: readonly PermissionFlag[];
}
export type PermissionFlag = 'sendMessage' | 'createChannel' | 'manageProfile' | 'manageChannel';

export interface MessageData {
  readonly channel: ChannelId;
  readonly sender: UserId;
  readonly contentHash: ContentHash;
  /** Byte length of the content, so size rules hold even after the content is deleted. */
  readonly contentLength: number;
  readonly format: 'markdown';
  /** Author's clock, ms since epoch. */
  readonly createdAt: number;
  readonly expiresAt?: number;
  readonly replyTo?: MessageId;
  readonly threadRoot?: MessageId;
  readonly attachments?: readonly Attachment[];
  /** People the text mentions, by id (never by display name); optional, absent when none. */
  readonly mentions?: readonly UserId[];
  readonly origin?: Origin;
  /** Makes every message a distinct resource (ids are content addresses). */
  readonly nonce: string;
}

export interface EditData {
  readonly message: MessageId;
  readonly channel: ChannelId;
  readonly editor: UserId;
  readonly contentHash: ContentHash;
  readonly contentLength: number;
  readonly editedAt: number;
  readonly nonce: string;
}

export interface RedactionData {
  readonly message: MessageId;
  readonly channel: ChannelId;
  readonly redactor: UserId;
  readonly reason?: string;
  /** 'expiry' when a sweeper retires an expired message; 'user' for a delete. */
  readonly cause: 'user' | 'expiry';
}

export interface ReactionData {
  readonly message: MessageId;
  readonly channel: ChannelId;
  readonly user: UserId;
  readonly emoji: string;
  /**
   * Chosen by the author when it creates the resource, so that creating the same value again
   * (after it was replaced or consumed) yields a new resource id. Optional: older entries lack it.
   */
  readonly nonce?: string;
}

export interface PresenceData {
  readonly user: UserId;
  readonly status: PresenceStatus;
  readonly text?: string;
  /** ms since epoch after which the presence is no longer believed. */
  readonly expiresAt: number;
}

/**
 * A sender's chain key of an encrypted channel, sealed to each member's box key (one box each).
 * A chain shared with many members is split over several resources (`part`), same chain.
 */
export interface KeyShareData {
  readonly channel: ChannelId;
  readonly sender: UserId;
  /** Chain id: random, base64url. */
  readonly chain: string;
  readonly part: number;
  readonly boxes: readonly { readonly to: string; readonly e: string; readonly c: string }[];
}

export interface ResourceDataByKind {
  userProfile: UserProfileData;
  channel: ChannelData;
  channelAccess: ChannelAccessData;
  permissions: PermissionsData;
  message: MessageData;
  edit: EditData;
  redaction: RedactionData;
  reaction: ReactionData;
  presence: PresenceData;
  keyShare: KeyShareData;
}
export type ResourceKind = keyof ResourceDataByKind;

export type Resource<K extends ResourceKind = ResourceKind> = {
  [P in K]: { readonly kind: P; readonly data: ResourceDataByKind[P] };
}[K];

// ---------------------------------------------------------------------------------------------
// Transactions and log entries
// ---------------------------------------------------------------------------------------------

export type IntentKind = Intent['kind'];

export interface Transaction {
  /** The intent this transaction completes (for metrics and readable history). */
  readonly intent: IntentKind;
  /** The user on whose behalf it is made (the signer itself, or a profile it controls). */
  readonly actor: UserId;
  /** Resource ids consumed (nullifiers). */
  readonly consumes: readonly ResourceId[];
  readonly creates: readonly Resource[];
  /** The channel this transaction touches, if any. */
  readonly channel?: ChannelId;
  /** Channel heads the author had seen: the causal dependencies of this entry. */
  readonly deps: readonly EntryId[];
}

/** The signed part of an entry. */
export interface UnsignedEntry {
  readonly author: Address;
  readonly seq: number;
  readonly prev: EntryId | null;
  readonly hlc: Hlc;
  readonly tx: Transaction;
}

export interface LogEntry extends UnsignedEntry {
  /**
   * Ed25519 signature over the canonical encoding of the unsigned entry. Only the newest entry
   * of each batch an author appends carries one: through the `prev` links it authenticates every
   * unsigned entry before it, so a burst costs one signature instead of one per entry.
   */
  readonly sig?: Uint8Array;
}

/** An entry as it travels between peers: the entry plus the content its resources point to. */
export interface EntryEnvelope {
  readonly entry: LogEntry;
  /** content hash -> bytes; omitted for content that was deleted (expired or redacted). */
  readonly contents: ReadonlyMap<ContentHash, Uint8Array>;
}

/**
 * An entry ready for the sync protocol: its place in its author's log and its wire envelope
 * (`encodeEnvelope` bytes), built from the stored bytes without decoding them.
 */
export interface WireEntry {
  readonly id: EntryId;
  readonly author: Address;
  readonly seq: number;
  readonly hlc: Hlc;
  readonly bytes: Uint8Array;
  /** The channel its transaction touches: whether a peer may read its content (§10). */
  readonly channel?: ChannelId;
}

/**
 * A sync server's challenge to a peer that wants a private channel's content: a fresh nonce and
 * both peer ids, so an answer is good for one stream between these two peers only.
 */
export interface MembershipChallenge {
  readonly nonce: Uint8Array;
  /** Peer id of the node that asked (the sync server). */
  readonly server: string;
  /** Peer id of the node that answers (the sync client). */
  readonly client: string;
}

/** One key's answer to a membership challenge: its signature of the challenge bytes. */
export interface MembershipProof {
  readonly key: Address;
  readonly sig: Uint8Array;
}

/** Highest seq known per author. */
export type Frontier = ReadonlyMap<Address, number>;

// ---------------------------------------------------------------------------------------------
// Intents: partial transactions the node completes or refuses with a reason.
// ---------------------------------------------------------------------------------------------

export type Intent =
  | {
      kind: 'createChannel';
      name: string;
      topic?: string;
      encrypted?: boolean;
      retentionSeconds?: number;
      visibility?: ChannelVisibility;
    }
  | { kind: 'joinChannel'; channel: ChannelId }
  | { kind: 'leaveChannel'; channel: ChannelId }
  /** Replaces the channel's topic (an empty one clears it); channel admins only (channelLogic). */
  | { kind: 'setTopic'; channel: ChannelId; topic: string }
  | { kind: 'setRole'; channel: ChannelId; user: UserId; role: Role }
  | {
      kind: 'sendMessage';
      channel: ChannelId;
      /** May be empty when the message has attachments. */
      text: string;
      /** An emote (`/me waves`): the text is the action, shown with the sender's name. */
      emote?: boolean;
      replyTo?: MessageId;
      threadRoot?: MessageId;
      expiresInSeconds?: number;
      attachments?: Attachment[];
      mentions?: UserId[];
      origin?: Origin;
      /**
       * The original time (ms) of an imported message: taken only with `origin.imported` by a
       * bridged sender, never later than the entry's clock allows (messageLogic).
       */
      createdAt?: number;
    }
  /** `emote` absent: the edit keeps the message's (the node fills it in). */
  | { kind: 'editMessage'; message: MessageId; text: string; emote?: boolean }
  | { kind: 'redactMessage'; message: MessageId; reason?: string }
  | { kind: 'react'; message: MessageId; emoji: string }
  | { kind: 'unreact'; message: MessageId; emoji: string }
  | { kind: 'updateProfile'; username?: string; avatar?: string }
  | { kind: 'setPresence'; status: PresenceStatus; text?: string };

export type IntentOf<K extends IntentKind> = Extract<Intent, { kind: K }>;

// ---------------------------------------------------------------------------------------------
// Read models (what the HTTP API and bridges show)
// ---------------------------------------------------------------------------------------------

export interface UserView {
  readonly id: UserId;
  readonly username: string;
  readonly avatar?: string;
  readonly origin?: Origin;
  /** True when this node holds the user's key or controls the profile. */
  readonly local: boolean;
}

export interface ChannelView {
  readonly id: ChannelId;
  readonly name: string;
  readonly topic?: string;
  readonly encrypted: boolean;
  readonly retentionSeconds?: number;
  readonly visibility: ChannelVisibility;
  readonly creator: UserId;
  readonly memberCount: number;
}

export interface MemberView {
  readonly user: UserView;
  readonly role: Role;
}

export interface MessageView {
  readonly id: MessageId;
  readonly channel: ChannelId;
  readonly sender: Pick<UserView, 'id' | 'username' | 'origin'>;
  /** Current text (after edits); null once expired or redacted. */
  readonly text: string | null;
  /** The text is an emote (`/me`); absent otherwise. */
  readonly emote?: true;
  readonly createdAt: string;
  readonly editedAt?: string;
  readonly replyTo?: MessageId;
  readonly threadRoot?: MessageId;
  readonly expiresAt?: string;
  readonly deleted: boolean;
  readonly reactions: Readonly<Record<string, readonly UserId[]>>;
  readonly attachments?: readonly Attachment[];
  readonly mentions?: readonly UserId[];
  readonly origin?: Origin;
  /** The log entry that created it (for bridges: idempotency and loop checks). */
  readonly entry: EntryId;
  readonly author: Address;
}

export interface PresenceView {
  readonly user: UserId;
  readonly status: PresenceStatus;
  readonly text?: string;
  readonly expiresAt: string;
}

export interface ListMessagesQuery {
  /** Return messages strictly before this message in channel order. */
  readonly before?: MessageId;
  /** Return messages strictly after this message in channel order. */
  readonly after?: MessageId;
  /** Default 50, at most 500. */
  readonly limit?: number;
}

// ---------------------------------------------------------------------------------------------
// Events the node emits (the SSE stream, the router and the P2P layer subscribe)
// ---------------------------------------------------------------------------------------------

export type NodeEvent =
  | { type: 'message'; message: MessageView; local: boolean }
  | { type: 'edit'; message: MessageView; local: boolean }
  | {
      type: 'delete';
      channel: ChannelId;
      message: MessageId;
      cause: 'user' | 'expiry';
      by: UserId;
      local: boolean;
    }
  | {
      type: 'reaction';
      channel: ChannelId;
      message: MessageId;
      user: UserId;
      emoji: string;
      added: boolean;
      local: boolean;
    }
  | { type: 'membership'; channel: ChannelId; user: UserId; role: Role | null; local: boolean }
  | { type: 'channel'; channel: ChannelView; local: boolean }
  | { type: 'profile'; user: UserView; local: boolean }
  /** `signed` is present for announcements made or received here, for the P2P layer to gossip. */
  | { type: 'presence'; presence: PresenceView; local: boolean; signed?: SignedPresence }
  | {
      type: 'notification';
      user: UserId;
      reason: 'mention' | 'reply' | 'direct';
      message: MessageView;
    }
  /** A new entry was appended to the local store (own or remote): P2P gossips own ones. */
  | { type: 'entry'; envelope: EntryEnvelope; local: boolean };

export type NodeEventType = NodeEvent['type'];
export type NodeEventOf<T extends NodeEventType> = Extract<NodeEvent, { type: T }>;

/** Result of offering remote entries to the node. */
export interface IngestResult {
  readonly accepted: number;
  readonly duplicates: number;
  /** Held until their causal dependencies or earlier log entries arrive. */
  readonly pending: number;
  readonly rejected: readonly { entry: EntryId; reason: string }[];
  /** Ids of the entries this call applied, in the order applied. */
  readonly applied: readonly EntryId[];
}

/** How `ingest` treats a call. */
export interface IngestOptions {
  /**
   * A catch-up: entries are applied at once but committed together with later ones (within
   * half a second), and the call does not wait for the commit. Events still follow the commit.
   */
  readonly bulk?: boolean;
}

/** A presence announcement as it travels: signed by its author, never appended to a log. */
export interface SignedPresence {
  readonly author: Address;
  readonly presence: PresenceData;
  readonly sig: Uint8Array;
}

// ---------------------------------------------------------------------------------------------
// The node facade
// ---------------------------------------------------------------------------------------------

export type Unsubscribe = () => void;

/**
 * A Multichat node: the only object outside `src/core` talks to. Every write goes through an
 * intent; reads come from the node's materialised state. All methods are safe to call
 * concurrently; writes are applied in call order.
 */
export interface MultichatNode {
  /** The node's own address (the gateway key). */
  readonly address: Address;
  /** Files of messages: content-addressed, deleted with the last message that references them. */
  readonly blobs: BlobStore;

  start(): Promise<void>;
  /** Finishes in-flight writes, stops timers and closes the store. */
  stop(): Promise<void>;

  /** Creates a native user whose key the node holds; returns it with a fresh API token. */
  createLocalUser(username: string): Promise<{ user: UserView; token: string }>;
  /** The user a bearer token belongs to, or undefined. */
  userForToken(token: string): UserView | undefined;
  /** The native users this node holds the keys of (not bridged people), in creation order. */
  listLocalUsers(): UserView[];
  /** A new API token for a native user; every older token of theirs stops working at once. */
  reissueToken(user: UserId): Promise<string>;
  /** Deletes every API token of a native user; returns how many. NotFoundError for others. */
  revokeTokens(user: UserId): Promise<number>;
  /**
   * Returns the profile this node controls for a person of another network, creating or
   * updating it (username, avatar) as needed.
   */
  ensureBridgedUser(
    origin: Origin,
    profile: { username: string; avatar?: string },
  ): Promise<UserView>;

  /**
   * Completes the intent into a transaction signed for `actor`, validates it against every
   * resource logic, appends it and applies it. Throws IntentRejectedError (with `rule`) when a
   * logic refuses, NotFoundError when a referenced object does not exist.
   */
  submit(actor: UserId, intent: Intent, options?: SubmitOptions): Promise<SubmitResult>;

  /**
   * Commits the writes of `submit(…, { bulk: true })` made so far, and throws the error of any
   * of their commits that failed since the last call (their results named nothing durable).
   */
  commitWrites(): Promise<void>;

  /** Offers entries received from peers; verifies chain, signature and logics. */
  ingest(envelopes: readonly EntryEnvelope[], options?: IngestOptions): Promise<IngestResult>;
  /** Accepts a presence announcement received from a peer (verified, expiring). */
  ingestPresence(presence: SignedPresence): boolean;

  getUser(id: UserId): UserView | undefined;
  findUserByName(username: string): UserView | undefined;
  getChannel(id: ChannelId): ChannelView | undefined;
  /** The channel with this name; AmbiguousNameError (409) when several channels have it. */
  findChannelByName(name: string): ChannelView | undefined;
  /** Every channel with this name: names are unique per node, not across the network. */
  findChannelsByName(name: string): ChannelView[];
  /** For each user given, the other users whose names look alike (docs/protocol.md, "Names"). */
  lookalikesOf(users: readonly UserId[]): Map<UserId, { id: UserId; username: string }[]>;
  listChannels(): ChannelView[];
  listMembers(channel: ChannelId): MemberView[];
  roleOf(channel: ChannelId, user: UserId): Role | undefined;
  getMessage(id: MessageId): MessageView | undefined;
  /** Oldest first, in channel order. In an encrypted channel, plaintext where this node holds the key. */
  listMessages(channel: ChannelId, query?: ListMessagesQuery): MessageView[];
  /**
   * Whether this node can read the channel's content: always for an unencrypted channel; for an
   * encrypted one, when a user this node holds the key of, or bridges, is a current member.
   */
  canRead(channel: ChannelId): boolean;
  listPresence(): PresenceView[];

  /** Channels this node follows (has state for). */
  followedChannels(): ChannelId[];
  /** Highest seq stored per author (all authors, or those that wrote in these channels). */
  frontier(channels?: readonly ChannelId[]): Frontier;
  /** Entries of `author` with seq > `afterSeq`, in seq order, at most `limit`. */
  entriesAfter(author: Address, afterSeq: number, limit: number): EntryEnvelope[];
  /** Like `entriesAfter`, already encoded for the wire (the sync server's bulk read). */
  wireEntriesAfter(author: Address, afterSeq: number, limit: number): WireEntry[];
  /** Entries by id (for fetching missing causal dependencies). */
  getEntries(ids: readonly EntryId[]): EntryEnvelope[];
  /**
   * Keys this node holds that sign for a current member (not banned) of a non-public channel:
   * the keys it proves to peers to receive that channel's content (docs/protocol.md).
   */
  memberKeys(): Address[];
  /** Signs a peer's membership challenge with every key of `memberKeys()`. */
  signMembershipChallenge(challenge: MembershipChallenge): MembershipProof[];
  /** Non-public channels in which a user that one of `keys` signs for is a current member. */
  channelsReadableBy(keys: ReadonlySet<Address>): Set<ChannelId>;
  /**
   * The HLC of the oldest current membership in `channel` (any role but banned) of a member whose
   * signing key is among `keys`; undefined when there is none. In an encrypted channel nothing
   * sent before it was shared with that member (a role change since moves it later).
   */
  membershipSince(channel: ChannelId, keys: ReadonlySet<Address>): Hlc | undefined;
  /** Current heads per channel (entries no later entry depends on). */
  channelHeads(channel: ChannelId): EntryId[];

  on<T extends NodeEventType>(type: T, listener: (event: NodeEventOf<T>) => void): Unsubscribe;

  /** Counters for /metrics. */
  metrics(): NodeMetrics;
}

export interface SubmitOptions {
  /**
   * A bulk write (a history import): the promise settles once the entry is written into the
   * open transaction, not once it is committed; the transaction commits after many such writes
   * (or any other write), and `commitWrites()` commits it at once. For writers that make their
   * own records durable only after `commitWrites()` resolves.
   */
  readonly bulk?: boolean;
}

export interface SubmitResult {
  readonly entry: EntryId;
  /** The principal resource created (the message, the channel, the reaction…), if any. */
  readonly created?: ResourceId;
  readonly message?: MessageView;
  readonly channel?: ChannelView;
}

export interface NodeMetrics {
  readonly transactions: Readonly<Record<string, number>>;
  readonly rejections: Readonly<Record<string, number>>;
  /** Entries per author log. */
  readonly logSizes: Readonly<Record<string, number>>;
  readonly entries: number;
  readonly pending: number;
}
