/**
 * What the adapter contract (./adapter.ts) needs from each network: its adapter started against
 * the real peer or fake, and a "person" with their own client on that network who posts, edits,
 * deletes and reacts, and reads back what the bridge posted. The suite knows nothing else of a
 * network: every difference lives in the harness, as data or behind these methods.
 */
import type {
  AdapterCapabilities,
  AdapterHealth,
  BridgeAdapter,
  DeletingAdapter,
  DropKind,
  DropReason,
  EditingAdapter,
  InboundEvent,
  LinkTarget,
  MembershipAdapter,
  ReactingAdapter,
  TopicAdapter,
  TypingAdapter,
} from '../../src/bridges/types.js';

/** An adapter with whichever optional interfaces its capabilities promise. */
export type ContractAdapter = BridgeAdapter &
  Partial<
    Pick<EditingAdapter, 'edit'> &
      Pick<DeletingAdapter, 'delete'> &
      Pick<ReactingAdapter, 'react'> &
      Pick<TopicAdapter, 'setTopic'> &
      Pick<MembershipAdapter, 'membership'> &
      Pick<TypingAdapter, 'setTyping'>
  >;

/** One call of the adapter's `reportDrop`: something it saw or was asked and did not carry. */
export interface ReportedDrop {
  readonly kind: DropKind;
  readonly reason?: DropReason;
  readonly detail?: string;
}

/** How a client shows the bridge's own bot among the people typing (Discord's only way). */
export const BRIDGE_BOT = 'the bridge bot';

/** One post as the person's client shows it. */
export interface SeenPost {
  /**
   * The post's id as the adapter names it (Matrix event id, Discord `message` or
   * `thread/message`, Slack ts). Absent where a person cannot tell one (IRC lines of the bridge).
   */
  readonly id?: string;
  /** The name shown as the author (a webhook name, a ghost's display name, `<nick>` on IRC). */
  readonly author: string;
  /** The current text as shown, without the author label (edits applied where the network edits). */
  readonly text: string;
  /** The id of the post this one answers, where the network shows replies. */
  readonly replyTo?: string;
  /** The id of the thread's root post, where the post is in a thread. */
  readonly threadRoot?: string;
  /** Emoji (Unicode) others than the person currently show on this post. */
  readonly reactions: readonly string[];
  /** Ids (as the adapter names people) of whom the network says this post mentions. */
  readonly mentions: readonly string[];
  /** Files shown in the post, as the network hosts them. */
  readonly files: readonly SeenFile[];
}

/** A file in a post: its name, and its bytes as the person's client downloads them. */
export interface SeenFile {
  readonly name: string;
  download(): Promise<Uint8Array>;
}

/** A post the person made: `id` is the id the adapter reports for it inbound. */
export interface Posted {
  readonly id: string;
}

/** Someone on the network with their own client. Optional methods: what the network lets them do. */
export interface ContractPerson {
  /** The person's id as the adapter reports it (`sender.externalId`) and as mentions name them. */
  readonly id: string;
  /** Their name, as a Multichat username would be written in a mention. */
  readonly name: string;
  post(target: LinkTarget, text: string): Promise<Posted>;
  edit?(target: LinkTarget, post: Posted, text: string): Promise<void>;
  remove?(target: LinkTarget, post: Posted): Promise<void>;
  react?(target: LinkTarget, post: Posted, emoji: string, added: boolean): Promise<void>;
  /** Everything in `target` as the person's client shows it now, oldest first. */
  read(target: LinkTarget): Promise<readonly SeenPost[]>;
  /** The person changes the target's topic (they have the right there: op, room admin…). */
  setTopic?(target: LinkTarget, topic: string): Promise<void>;
  /** The topic the person's client shows for the target. Needed where `capabilities.topic`. */
  topic?(target: LinkTarget): Promise<string>;
  /** The person leaves the target and then comes back: resolves once they are back in. */
  leaveAndReturn?(target: LinkTarget): Promise<void>;
  /** Names the person's client lists as members of the target. Needed where `membership`. */
  members?(target: LinkTarget): Promise<readonly string[]>;
  /** The person starts typing in the target (where the network tells others so). */
  type?(target: LinkTarget): Promise<void>;
  /**
   * Names the person's client shows typing in the target now (`BRIDGE_BOT` for the bridge's
   * bot). Needed where `capabilities.typing`.
   */
  typing?(target: LinkTarget): Promise<readonly string[]>;
}

/** One network's adapter and peer, started. */
export interface ContractWorld {
  readonly adapter: ContractAdapter;
  /** Everything the adapter handed to `emit`, in order. */
  readonly events: InboundEvent[];
  /** Every health the adapter reported through `reportHealth`, in order. */
  readonly healths: AdapterHealth[];
  /** Every drop the adapter reported through `reportDrop`, in order (none is expected). */
  readonly drops: ReportedDrop[];
  readonly person: ContractPerson;
  /**
   * Why the person lacks an optional ability here, by method name (`type`: the server offers no
   * typing tags), shown as the skip reason of the cases that need it.
   */
  readonly personLimits?: Partial<Record<keyof ContractPerson, string>>;
  /**
   * Capabilities the adapter declares that this peer cannot honour (ngircd has no message-tags
   * for IRC typing), with why: their cases skip with that reason.
   */
  readonly capabilityLimits?: Partial<Record<keyof AdapterCapabilities, string>>;
  /** A fresh target both the adapter and the person are in; resolved as inbound events carry it. */
  openTarget(label: string): Promise<LinkTarget>;
  /**
   * The adapter's connection to the network, where it keeps one (absent for a receiver the
   * network calls, such as Slack's HTTP Events API: the reconnect case then skips).
   */
  readonly connection?: ContractConnection;
  stop(): Promise<void>;
}

export interface ContractConnection {
  /** The network drops the adapter's connection (a server stopped, a socket cut). */
  cut(): Promise<void>;
  /** The network is back (restarted, reconnected); the person is back in every opened target. */
  restore(): Promise<void>;
}

/** The names of the contract's cases, for `knownFailures`. */
export type ContractCase =
  | 'send'
  | 'edit'
  | 'delete'
  | 'react'
  | 'unreact'
  | 'unknown emoji'
  | 'reply'
  | 'thread'
  | 'long message'
  | 'long code'
  | 'part size'
  | 'mention'
  | 'attachment'
  | 'echo suppression'
  | 'reconnect'
  | 'rate limit'
  | 'inbound message'
  | 'inbound edit'
  | 'inbound delete'
  | 'inbound reaction'
  | 'topic'
  | 'inbound topic'
  | 'membership'
  | 'inbound membership'
  | 'typing'
  | 'inbound typing';

export interface ContractHarness {
  /** For the suite's title only: the suite never branches on it. */
  readonly title: string;
  /** A reason to skip the whole suite (the peer is not installed here), or undefined. */
  readonly unavailable?: string;
  start(): Promise<ContractWorld>;
  /**
   * Cases this adapter fails because of a known adapter bug or a documented gap, with the reason
   * (named in the report): they run as `it.fails`, so a fix shows up as a failure to update.
   */
  readonly knownFailures?: Partial<Record<ContractCase, string>>;
}
