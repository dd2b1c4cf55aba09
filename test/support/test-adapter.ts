/**
 * An in-memory bridge adapter for router tests, and the fake "network" it talks to. The network
 * outlives adapter instances (as a real chat service outlives a gateway process) and
 * de-duplicates sends by idempotency key, as Matrix txnIds and Discord nonces do. The adapter
 * can be told to fail, to answer like an HTTP 429 with Retry-After, to "crash" between a send
 * reaching the network and its acknowledgement, and to echo its own posts back as inbound
 * events (what Matrix and Discord do), so the router's loop prevention is exercised.
 */
import { DeliveryError, RateLimitedError } from '../../src/bridges/errors.js';
import { targetKeyOf } from '../../src/mapping/index.js';
import type {
  AdapterCapabilities,
  AdapterComponents,
  AdapterHealth,
  BridgeAdapter,
  DeleteAction,
  DeletingAdapter,
  DeliveryResult,
  EditAction,
  EditingAdapter,
  ExternalMessageId,
  ExternalUserId,
  InboundEvent,
  LinkTarget,
  MembershipAction,
  MembershipAdapter,
  NetworkName,
  PresenceAdapter,
  PresenceUpdate,
  ReactingAdapter,
  ReactionAction,
  RoleAction,
  RoleAdapter,
  SendAction,
  TopicAction,
  TopicAdapter,
  TypingAdapter,
  TypingUpdate,
} from '../../src/bridges/types.js';

/** One message as the fake network holds it. */
export interface Post {
  readonly id: ExternalMessageId;
  /** The target key (`targetKeyOf(adapter name, target)`). */
  readonly target: string;
  text: string;
  /** The last send or edit said the text is an emote (`isEmote`). */
  isEmote?: boolean;
  readonly sender: string;
  readonly idempotencyKey?: string;
  readonly replyTo?: ExternalMessageId;
  readonly threadRoot?: ExternalMessageId;
  /** The quote a network without replies was asked to show (`SendAction.replyQuote`). */
  readonly replyQuote?: { readonly name: string; readonly text: string };
  /** Virtual time of the post (the adapter's clock). */
  readonly at: number;
  deleted: boolean;
  edits: number;
  readonly reactions: Set<string>;
}

/** A record of every attempt that reached the adapter, in order, with how it ended. */
export interface NetworkCall {
  readonly kind: string;
  readonly target: string;
  readonly at: number;
  readonly idempotencyKey: string;
  readonly outcome: 'ok' | 'fail' | 'rateLimit' | 'crash';
}

export class TestNetwork {
  readonly posts: Post[] = [];
  readonly calls: NetworkCall[] = [];
  private readonly byKey = new Map<string, ExternalMessageId[]>();
  private next = 1;

  constructor(readonly prefix = 'x') {}

  /** Posts a message; a repeated idempotency key returns the first post's ids, posting nothing. */
  post(
    input: Omit<Post, 'id' | 'deleted' | 'edits' | 'reactions'>,
    parts = 1,
  ): ExternalMessageId[] {
    const key = input.idempotencyKey;
    const seen = key === undefined ? undefined : this.byKey.get(key);
    if (seen) return seen;
    const ids: ExternalMessageId[] = [];
    for (let i = 0; i < parts; i++) {
      const id = `${this.prefix}${this.next++}` as ExternalMessageId;
      this.posts.push({ ...input, id, deleted: false, edits: 0, reactions: new Set() });
      ids.push(id);
    }
    if (key !== undefined) this.byKey.set(key, ids);
    return ids;
  }

  find(id: ExternalMessageId): Post | undefined {
    return this.posts.find((p) => p.id === id);
  }

  /** Live posts at `target` (a target key), oldest first. */
  at(target: string): Post[] {
    return this.posts.filter((p) => p.target === target && !p.deleted);
  }
}

export interface TestAdapterOptions {
  readonly name: string;
  readonly network: TestNetwork;
  readonly capabilities?: Partial<AdapterCapabilities>;
  /**
   * Emit every post back as an inbound message without any echo marker (worst case), and every
   * topic the adapter sets back as an inbound topic change by the bot (what networks do).
   */
  readonly echo?: boolean;
}

type Fault =
  | { kind: 'fail'; permanent: boolean }
  | { kind: 'rateLimit'; retryAfterMs: number }
  | { kind: 'crash' };

export interface TestAdapter
  extends
    EditingAdapter,
    DeletingAdapter,
    ReactingAdapter,
    MembershipAdapter,
    PresenceAdapter,
    RoleAdapter,
    TopicAdapter,
    TypingAdapter {
  /** The next `times` actions fail (transient unless `permanent`). */
  failNext(times: number, permanent?: boolean): void;
  /** The next action is refused like an HTTP 429 with `Retry-After`. */
  rateLimitNext(retryAfterMs: number): void;
  /** The next send reaches the network, then never acknowledges (a crash before the ack). */
  crashNextSend(): void;
  /** Someone on the network posts at `target`; the adapter reports it. */
  receive(
    target: LinkTarget,
    user: string,
    text: string,
    extra?: Partial<Pick<Post, 'replyTo' | 'threadRoot'>>,
  ): Promise<ExternalMessageId>;
  /** Emits any inbound event as is. */
  inject(event: InboundEvent): Promise<void>;
  readonly memberships: MembershipAction[];
  /** Role actions received (only carried when `capabilities.roles`). */
  readonly roles: RoleAction[];
  /** Presence updates received (only when `capabilities.presence`). */
  readonly presences: PresenceUpdate[];
  /** Topic actions received (only carried when `capabilities.topic`). */
  readonly topics: TopicAction[];
  /** Typing updates received (only when `capabilities.typing`). */
  readonly typings: TypingUpdate[];
  setHealth(health: AdapterHealth): void;
}

const baseCapabilities: AdapterCapabilities = {
  markup: 'markdown',
  maxMessageLength: 4000,
  edits: true,
  deletes: true,
  reactions: true,
  threads: true,
  replies: true,
  presence: false,
  membership: false,
  attachments: false,
  rateLimit: { messagesPerSecond: 0, burst: 1 },
  idempotentSends: true,
};

/** `createTestAdapter(options)(components)`, like every real adapter; `network` is `options.name`. */
export function createTestAdapter(options: TestAdapterOptions) {
  const build = (components: AdapterComponents): TestAdapter => {
    const { network } = options;
    const keyOf = (target: LinkTarget): string => targetKeyOf(options.name as NetworkName, target);
    const faults: Fault[] = [];
    let health: AdapterHealth = { state: 'stopped' };
    const memberships: MembershipAction[] = [];
    const roles: RoleAction[] = [];
    const presences: PresenceUpdate[] = [];
    const typings: TypingUpdate[] = [];
    const topics: TopicAction[] = [];
    const capabilities = { ...baseCapabilities, ...options.capabilities };

    const setHealth = (h: AdapterHealth) => {
      health = h;
      components.reportHealth(h);
    };

    /** Records the attempt and applies a queued fault; a crash is left to the send path. */
    const attempt = (kind: string, target: LinkTarget, key: string): 'crash' | undefined => {
      const f = faults.shift();
      const outcome = f?.kind ?? 'ok';
      network.calls.push({
        kind,
        target: keyOf(target),
        at: components.clock.now(),
        idempotencyKey: key,
        outcome,
      });
      if (f?.kind === 'fail') throw new DeliveryError('test failure', { permanent: f.permanent });
      if (f?.kind === 'rateLimit') throw new RateLimitedError(f.retryAfterMs);
      return f ? 'crash' : undefined;
    };

    const edit = (action: EditAction | DeleteAction, apply: (p: Post) => void): DeliveryResult => {
      attempt(action.kind, action.target, action.idempotencyKey);
      for (const id of action.externalIds) {
        const post = network.find(id);
        if (!post) throw new DeliveryError(`no message ${id}`, { permanent: true });
        apply(post);
      }
      return { externalIds: [] };
    };

    const adapter: TestAdapter = {
      name: options.name as NetworkName,
      capabilities,
      memberships,
      roles,
      presences,
      async setPresence(update) {
        presences.push(update);
      },
      typings,
      async setTyping(update) {
        typings.push(update);
      },
      async start() {
        setHealth({ state: 'connected' });
      },
      async stop() {
        setHealth({ state: 'stopped' });
      },
      health: () => health,
      setHealth,
      async send(action: SendAction) {
        const crash = attempt('send', action.target, action.idempotencyKey) === 'crash';
        const parts = Math.max(1, Math.ceil(action.text.length / capabilities.maxMessageLength));
        const ids = network.post(
          {
            target: keyOf(action.target),
            text: action.text,
            sender: action.sender.name,
            idempotencyKey: action.idempotencyKey,
            at: components.clock.now(),
            ...(action.replyTo && { replyTo: action.replyTo }),
            ...(action.threadRoot && { threadRoot: action.threadRoot }),
            ...(action.replyQuote && { replyQuote: action.replyQuote }),
            ...(action.isEmote && { isEmote: true }),
          },
          parts,
        );
        if (options.echo) {
          for (const id of ids) {
            void components.emit({
              kind: 'message',
              target: action.target,
              externalId: id,
              sender: {
                externalId: 'bridge-bot' as ExternalUserId,
                displayName: action.sender.name,
              },
              text: action.text,
            });
          }
        }
        if (crash) return new Promise<DeliveryResult>(() => undefined);
        return { externalIds: ids };
      },
      async edit(action) {
        return edit(action, (p) => {
          p.text = action.text;
          p.isEmote = action.isEmote === true;
          p.edits += 1;
        });
      },
      async delete(action) {
        return edit(action, (p) => {
          p.deleted = true;
        });
      },
      async react(action: ReactionAction) {
        attempt(action.kind, action.target, action.idempotencyKey);
        const post = network.find(action.externalId);
        if (!post) throw new DeliveryError(`no message ${action.externalId}`, { permanent: true });
        const key = `${action.sender.name}:${action.emoji}`;
        if (action.kind === 'react') post.reactions.add(key);
        else post.reactions.delete(key);
        return { externalIds: [] };
      },
      async membership(action) {
        attempt(action.kind, action.target, action.idempotencyKey);
        memberships.push(action);
        return { externalIds: [] };
      },
      topics,
      async setTopic(action) {
        attempt(action.kind, action.target, action.idempotencyKey);
        topics.push(action);
        if (options.echo) {
          void components.emit({
            kind: 'topic',
            target: action.target,
            sender: { externalId: 'bridge-bot' as ExternalUserId, displayName: 'bridge-bot' },
            topic: action.topic,
          });
        }
        return { externalIds: [] };
      },
      async setRole(action) {
        attempt(action.kind, action.target, action.idempotencyKey);
        roles.push(action);
        return { externalIds: [] };
      },
      failNext(times, permanent = false) {
        for (let i = 0; i < times; i++) faults.push({ kind: 'fail', permanent });
      },
      rateLimitNext(retryAfterMs) {
        faults.push({ kind: 'rateLimit', retryAfterMs });
      },
      crashNextSend() {
        faults.push({ kind: 'crash' });
      },
      async receive(target, user, text, extra = {}) {
        const [id] = network.post({
          target: keyOf(target),
          text,
          sender: user,
          at: components.clock.now(),
          ...extra,
        });
        await components.emit({
          kind: 'message',
          target,
          externalId: id as ExternalMessageId,
          sender: { externalId: user as ExternalUserId, displayName: user },
          text,
          ...extra,
        });
        return id as ExternalMessageId;
      },
      inject: (event) => components.emit(event),
    };
    return adapter satisfies BridgeAdapter;
  };
  return Object.assign(build, { network: options.name as NetworkName });
}
