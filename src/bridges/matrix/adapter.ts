/**
 * The Matrix adapter: the gateway as an application service on `matrix-appservice-bridge`.
 * `start()` checks the registration against the config (a mismatch is refused, naming the field),
 * listens for the homeserver's transactions, and probes the homeserver until it answers; an
 * unreachable homeserver is a health state, never a crash.
 */
import { AppServiceRegistration, Bridge, Logger, type AppService } from 'matrix-appservice-bridge';
import { DeliveryError } from '../errors.js';
import { UrlFetcher } from '../net/index.js';
import type {
  AdapterCapabilities,
  AdapterComponents,
  AdapterHealth,
  BackfillAdapter,
  BackfillLimits,
  BackfillPage,
  BridgeAdapter,
  DeleteAction,
  DeletingAdapter,
  DeliveryResult,
  EditAction,
  EditingAdapter,
  ExternalUserId,
  LinkTarget,
  MembershipAction,
  MembershipAdapter,
  NetworkName,
  PresenceAdapter,
  PresenceUpdate,
  ProfileAdapter,
  ReactingAdapter,
  ReactionAction,
  RoleAction,
  RoleAdapter,
  SendAction,
  SenderDisplay,
  TargetResolvingAdapter,
  TargetSchema,
  TopicAction,
  TopicAdapter,
  TypingAdapter,
  TypingUpdate,
  UndecryptableCounts,
} from '../types.js';
import { matrixTargetSchema } from './target.js';
import { MatrixApi } from './api.js';
import { MatrixBackfill, UNDECRYPTED_WHY } from './backfill.js';
import { InboundTranslator } from './inbound.js';
import { Profiles } from './profiles.js';
import type { MatrixAdapterConfig } from './config.js';
import { isOutage, toDeliveryError } from './failures.js';
import { Ghosts } from './ghosts.js';
import { HealthMonitor } from './health.js';
import { AppserviceHost, type RawEvent } from './host.js';
import { AvatarSync } from './avatars.js';
import { MediaUploader } from './media.js';
import { ghostIdentity } from './mentions.js';
import { HomeserverMedia } from './media-download.js';
import { Outbound } from './outbound.js';
import type { RoleChangeEvent } from './power-levels.js';
import { verifyRegistration, type Registration } from './registration.js';
import { Rooms } from './rooms.js';
import { MatrixSession } from './session.js';
import { SealedReactions } from './sealed-reactions.js';
import { MatrixCrypto, type CryptoStats } from './crypto/index.js';

export const matrixCapabilities: AdapterCapabilities = {
  markup: 'matrix-html',
  maxMessageLength: 16_000,
  edits: true,
  deletes: true,
  reactions: true,
  // Ghosts react as themselves: each person's reaction and its removal are their own.
  reactionsPerPerson: true,
  threads: true,
  replies: true,
  presence: true,
  // Typing as the ghost (m.typing); in through the appservice's ephemeral events.
  typing: true,
  membership: true,
  roles: true,
  // m.room.topic as the bot (it needs the state event's power level in the room).
  topic: true,
  attachments: true,
  // Appservice users are exempt from rate limits (`rate_limited: false`); this only keeps a
  // burst from starving the homeserver.
  rateLimit: { messagesPerSecond: 50, burst: 100 },
  idempotentSends: true,
};

let loggingConfigured = false;

export class MatrixAdapter
  implements
    BridgeAdapter,
    EditingAdapter,
    DeletingAdapter,
    ReactingAdapter,
    MembershipAdapter,
    PresenceAdapter,
    ProfileAdapter,
    RoleAdapter,
    TargetResolvingAdapter,
    TopicAdapter,
    TypingAdapter,
    BackfillAdapter
{
  readonly capabilities = matrixCapabilities;
  /** `{room}`: a room id or alias (see ./target.ts). */
  readonly targetSchema: TargetSchema = matrixTargetSchema;
  private readonly roleListeners = new Set<(e: RoleChangeEvent) => void>();
  private session: MatrixSession | undefined;
  /** The bot's end-to-end encryption, when `encryption.enabled` (./crypto/). */
  private crypto: MatrixCrypto | undefined;
  /** History for live backfill and import (./backfill.ts); set by `start()`. */
  private history: MatrixBackfill | undefined;

  private readonly healthMonitor: HealthMonitor;

  constructor(
    readonly name: NetworkName,
    readonly config: MatrixAdapterConfig,
    private readonly components: AdapterComponents,
  ) {
    this.healthMonitor = new HealthMonitor(config.homeserverUrl, components.reportHealth);
    this.backfillLimits = config.backfill;
  }

  readonly backfillLimits: BackfillLimits;

  /** The ghost that speaks for `sender` (the runtime records it; see `BridgeAdapter`). */
  identityFor(sender: SenderDisplay): ExternalUserId | undefined {
    return ghostIdentity(this.config, sender);
  }

  /** The bridge bot's user id. */
  get botUserId(): string {
    return `@${this.config.senderLocalpart}:${this.config.domain}`;
  }

  /** The port the appservice listener is bound to (after `start()`). */
  get port(): number | undefined {
    return this.session?.host.port();
  }

  /** How many inbound files were not carried (encrypted, no usable URI) since the start. */
  get filesNotCarried(): number {
    return this.session?.filesNotCarried ?? 0;
  }

  /** Encrypted events not decrypted on arrival, recovered, given up, waiting (encryption on). */
  get encryptionStats(): CryptoStats | undefined {
    return this.crypto?.stats;
  }

  /** The same counts for /metrics (`multichat_matrix_undecryptable_*`); undefined: encryption off. */
  undecryptable(): UndecryptableCounts | undefined {
    const stats = this.crypto?.stats;
    if (!stats) return undefined;
    const { undecryptable: seen, recovered: decryptedLater, abandoned: givenUp, waiting } = stats;
    const { reshareAsked, reshareNotPossible } = stats;
    return { seen, decryptedLater, givenUp, waiting, reshareAsked, reshareNotPossible };
  }

  /** How many transactions were refused for a wrong `hs_token`. */
  get refusedTransactions(): number {
    return this.session?.host.refused ?? 0;
  }

  /**
   * Verifies the registration, then listens. @throws RegistrationMismatchError or
   * RegistrationFileError (a config problem, not an outage); a down homeserver is a health state.
   */
  async start(): Promise<void> {
    if (this.session) return;
    this.healthMonitor.set({ state: 'connecting' });
    let registration: Registration;
    try {
      registration = await verifyRegistration(this.config);
    } catch (error) {
      this.healthMonitor.set({ state: 'failed', detail: (error as Error).message });
      throw error;
    }
    if (!loggingConfigured) {
      loggingConfigured = true;
      if (!Logger.root.configured) Logger.configure({ console: 'error' });
    }
    const api = new MatrixApi(this.config.homeserverUrl, registration.as_token);
    const host = new AppserviceHost(registration.hs_token);
    const crypto = await this.openCrypto(api);
    if (crypto) {
      host.on('transaction', (body: Record<string, unknown>) => crypto.receive(body));
      // A room turning encryption on is known before the bridge's next send there.
      host.on('event', (e: RawEvent) => crypto.learn(String(e.room_id), String(e.type)));
    }
    const { homeserverUrl } = this.config;
    // One fetcher for everything the adapter reads: avatars (checked) and the homeserver's media.
    const fetcher = new UrlFetcher(this.config.media);
    const homeserverMedia = new HomeserverMedia(homeserverUrl, registration.as_token, fetcher);
    const session = new MatrixSession({
      adapter: this,
      api,
      host,
      media: homeserverMedia,
      emit: (event) => void this.components.emit(event),
      role: (event) => this.roleListeners.forEach((l) => l(event)),
      links: () => this.components.links,
      accounts: () => this.components.accounts,
      logger: this.components.logger,
      ...(this.components.reportDrop && { reportDrop: this.components.reportDrop }),
      ...(this.components.memos && { memos: this.components.memos }),
      ...(crypto && {
        crypto: {
          inbound: crypto.inbound.bind(crypto),
          mustEncrypt: (roomId: string) => crypto.mustEncrypt(roomId),
          encrypt: crypto.encrypt.bind(crypto),
        },
      }),
    });
    const bridge = new Bridge({
      registration: AppServiceRegistration.fromObject(
        registration as unknown as Parameters<typeof AppServiceRegistration.fromObject>[0],
      ),
      homeserverUrl: this.config.homeserverUrl,
      domain: this.config.domain,
      controller: session.controller(),
      disableStores: true,
      suppressEcho: true,
      logRequestOutcome: false,
      queue: { type: 'per_room', perRequest: true },
      // No edit-sender check by the library: it fetches an edit's original before queuing the
      // edit, so a later event of the room could be handled first. The core refuses an edit by
      // anyone but the message's sender (counted as a failed edit): the check added only delay.
      eventValidation: {},
      intentOptions: { clients: { dontCheckPowerLevel: true }, bot: { dontCheckPowerLevel: true } },
    });
    try {
      await bridge.initialise();
      await bridge.listen(
        this.config.listen.port,
        this.config.listen.host,
        64,
        host as unknown as AppService,
      );
    } catch (error) {
      // e.g. the listen port is taken: release the library's timers, report why.
      await bridge.close().catch(() => undefined);
      await host.close();
      await crypto?.close();
      this.healthMonitor.set({ state: 'failed', detail: (error as Error).message });
      throw error;
    }
    const { logger } = this.components;
    // Making the bot's device (above, before we listened) sends us a transaction that fails,
    // so Synapse marks the appservice down and drops to-device messages (room keys) until its
    // backoff retries. A ping (MSC2659) makes it retry now and mark us up.
    if (crypto)
      await api
        .request(
          'POST',
          `/_matrix/client/v1/appservice/${encodeURIComponent(registration.id)}/ping`,
          {
            body: {},
          },
        )
        .catch((error: unknown) =>
          logger.warn({ err: (error as Error).message }, 'matrix: appservice ping failed'),
        );
    const media = new MediaUploader(homeserverUrl, registration.as_token, fetcher);
    const avatars = new AvatarSync({
      upload: (url, userId) => media.avatar(url, userId),
      set: (userId, mxc) => bridge.getIntent(userId).setAvatarUrl(mxc),
      failed: (userId, url, error, retryInMs) =>
        logger.warn(
          { userId, url, err: error.message, ...(retryInMs !== undefined && { retryInMs }) },
          'matrix: avatar not fetched',
        ),
    });
    const ghosts = new Ghosts(bridge, this.config, avatars);
    const rooms = new Rooms(api, ghosts, this.config, this.botUserId, async (roomId) =>
      crypto ? crypto.allows(roomId) : false,
    );
    session.attach(
      bridge,
      ghosts,
      rooms,
      new Outbound({
        api,
        ghosts,
        media,
        botUserId: this.botUserId,
        onFileAsLink: (file, error) =>
          logger.warn(
            { name: file.name, hash: file.hash, err: (error as Error).message },
            'matrix: attachment sent as a link',
          ),
        roomOf: (t) => rooms.roomOf(t),
        ...(crypto && {
          encryption: crypto,
          sealedReactions: new SealedReactions(this.components.memos, logger),
        }),
      }),
    );
    this.history = new MatrixBackfill({
      api,
      roomOf: (t) => rooms.roomOf(t),
      ...(crypto && { decrypt: (event: RawEvent) => crypto.historyEvent(event) }),
      undecrypted: (room, reason, count) => {
        logger.warn({ room, reason, count }, UNDECRYPTED_WHY[reason]);
        for (let i = 0; i < count; i++)
          this.components.reportDrop?.(
            'message',
            reason === 'no-key' ? 'failed' : 'unsupported',
            UNDECRYPTED_WHY[reason],
          );
      },
      // A translator of its own: history's roles and ghost leaves are not news to listeners.
      translator: (emit) =>
        new InboundTranslator({
          naming: this.config,
          homeserverUrl,
          botUserId: this.botUserId,
          profiles: new Profiles(api, homeserverUrl),
          emit,
          openMedia: (mxc) => homeserverMedia.open(mxc),
          fileNotCarried: (reason, name, room) =>
            logger.warn({ reason, name, room }, 'matrix: file not carried (backfill)'),
          role: () => undefined,
          ghostLeft: () => undefined,
          warn: (obj, msg) => logger.warn(obj, msg),
        }),
    });
    this.session = session;
    await this.healthMonitor.start();
  }

  async stop(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    this.healthMonitor.stop();
    if (session) await session.close();
    const crypto = this.crypto;
    this.crypto = undefined;
    // After the session: no transaction feeds it any more; its last state is written.
    await crypto?.close();
  }

  /**
   * The bot's crypto (device, keys, store) when `encryption.enabled`; undefined otherwise.
   * @throws CryptoStoreFileError, CryptoDeviceError (health `failed`: a config problem)
   */
  private async openCrypto(api: MatrixApi): Promise<MatrixCrypto | undefined> {
    const { encryption } = this.config;
    if (!encryption.enabled) return undefined;
    try {
      this.crypto = await MatrixCrypto.open({
        api,
        botUserId: this.botUserId,
        storePath: encryption.store,
        allow: encryption.allow,
        logger: this.components.logger,
        ...(this.components.reportDrop && { reportDrop: this.components.reportDrop }),
      });
    } catch (error) {
      // The homeserver down or failing (5xx) while the device is made is an outage: the
      // runtime's supervisor retries the start. A refusal (4xx) or a bad store file is final.
      const cause = (error as Error).cause;
      const outage = cause instanceof DeliveryError && !cause.permanent;
      this.healthMonitor.set({
        state: outage ? 'reconnecting' : 'failed',
        detail: (error as Error).message,
      });
      throw error;
    }
    return this.crypto;
  }

  health(): AdapterHealth {
    return this.healthMonitor.state;
  }

  /**
   * Role changes seen in linked rooms (`m.room.power_levels`, bans), ghosts' included. Those of
   * real users also reach the router as `role` events; this is for other observers.
   */
  onRoleChange(listener: (event: RoleChangeEvent) => void): () => void {
    this.roleListeners.add(listener);
    return () => this.roleListeners.delete(listener);
  }

  backfill(
    target: LinkTarget,
    cursor: string | undefined,
    limit: number,
    since?: number,
  ): Promise<BackfillPage> {
    const history = this.history;
    if (!history) return Promise.reject(new DeliveryError('the Matrix adapter is not running'));
    return history.page(target, cursor, limit, since);
  }

  send(action: SendAction): Promise<DeliveryResult> {
    return this.run((s) => s.outbound.send(action));
  }

  edit(action: EditAction): Promise<DeliveryResult> {
    return this.run((s) => s.outbound.edit(action));
  }

  delete(action: DeleteAction): Promise<DeliveryResult> {
    return this.run((s) => s.outbound.delete(action));
  }

  react(action: ReactionAction): Promise<DeliveryResult> {
    return this.run((s) => s.outbound.react(action));
  }

  membership(action: MembershipAction): Promise<DeliveryResult> {
    return this.run((s) => s.outbound.membership(action));
  }

  /** Best effort: a failure is logged, never thrown. */
  async setPresence(update: PresenceUpdate): Promise<void> {
    try {
      await this.run((s) => s.presence(update));
    } catch (error) {
      this.components.logger.debug({ err: (error as Error).message }, 'matrix presence not set');
    }
  }

  /** The person's ghost shows their new name and avatar now (best effort, like presence). */
  updateProfile(sender: SenderDisplay): Promise<void> {
    return this.run((s) => s.updateProfile(sender));
  }

  /** Best effort: the ghost types in the room; a failure is the runtime's to count. */
  setTyping(update: TypingUpdate): Promise<void> {
    return this.run((s) => s.typing(update));
  }

  /** `{room: '#alias'}` → `{room: '!id'}` (creating a portal room for our own aliases); joins the bot. */
  resolveTarget(target: LinkTarget): Promise<LinkTarget> {
    return this.run((s) => s.rooms.resolve(target));
  }

  /**
   * The contract's role action: the power level (or ban) of the ghost of the bridged person.
   * The bot needs the power to change power levels in the room; the homeserver's refusal is a
   * permanent DeliveryError.
   */
  async setRole(action: RoleAction): Promise<DeliveryResult> {
    await this.setRoleOf(action.target, { personId: action.sender.id }, action.role);
    return { externalIds: [] };
  }

  /**
   * The room's `m.room.topic` state event, sent as the bot. A bot without the power to send it
   * gets 403 from the homeserver: a permanent DeliveryError (the runtime logs and counts it).
   */
  setTopic(action: TopicAction): Promise<DeliveryResult> {
    return this.run(async (s) => {
      await s.rooms.setTopic(action.target, action.topic);
      return { externalIds: [] };
    });
  }

  /**
   * Sets the Matrix power level for a Multichat role: of the ghost of a Multichat person
   * (`personId`) or of a real Matrix user (`matrixUserId`). A level already right is not
   * written again.
   */
  setRoleOf(
    target: LinkTarget,
    who: { matrixUserId: string } | { personId: string },
    role: RoleChangeEvent['role'],
  ): Promise<void> {
    return this.run((s) => s.rooms.setRole(target, who, role));
  }

  /** Runs an action, turning failures into DeliveryErrors and outages into a health state. */
  private async run<T>(work: (session: MatrixSession) => Promise<T>): Promise<T> {
    const session = this.session;
    if (!session) throw new DeliveryError('the Matrix adapter is not running');
    try {
      const result = await work(session);
      this.healthMonitor.ok();
      return result;
    } catch (error) {
      const failure = toDeliveryError(error);
      if (isOutage(failure)) this.healthMonitor.lost(failure.message);
      throw failure;
    }
  }
}
