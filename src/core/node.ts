/**
 * The Multichat node: ties the store, the solver, the logics and the logs together behind the
 * MultichatNode facade. Local intents and remote entries go through the same validation and the
 * same applyEntry, so a node never holds state its peers would refuse.
 */
import { ConflictError, IntentRejectedError, NotFoundError, ValidationError } from './errors.js';
import { EventHub } from './events.js';
import { HybridClock } from './hlc.js';
import {
  keyPairFromSeed,
  loadOrCreateNodeKey,
  generateKeyPair,
  sign,
  type KeyPair,
} from './identity.js';
import { completeIntent, type Completion } from './intents.js';
import { createUnsignedEntry, type SealedEntry } from './log.js';
import { BatchSigner, type LocalAppend } from './batch-signer.js';
import { bridgedUserId, checkTransaction } from './logics/index.js';
import { profileSigner } from './logics/authority.js';
import { sanitizeUsername } from './logics/profile.js';
import { checkLocalNames, checkNewUsername } from './local-names.js';
import { defaultLimits, silentLogger, type NodeOptions } from './options.js';
import { PresenceTable, signPresence } from './presence.js';
import { applyEntry } from './state/apply.js';
import type { Change } from './state/change.js';
import type { NodeInternals } from './internals.js';
import { createStateView } from './state/view.js';
import { uniqueNonce } from './resources.js';
import { newSecretToken } from './secret-token.js';
import { openCoreDatabase, GroupCommit } from './store/database.js';
import { LocalStore } from './store/local-store.js';
import { LogStore } from './store/log-store.js';
import { prepareProjections, type ProfileRow } from './store/projections.js';
import { ResourceStore } from './store/state-store.js';
import { Ingestor } from './ingest.js';
import { EventPublisher } from './publish.js';
import { ExpirySweeper } from './expiry.js';
import { BlobFiles } from './blobs/blob-files.js';
import { BlobRows } from './blobs/blob-rows.js';
import { CoreBlobStore } from './blobs/blob-store.js';
import type {
  Address,
  ChannelId,
  ContentHash,
  EntryEnvelope,
  EntryId,
  Hlc,
  IngestOptions,
  Intent,
  IntentOf,
  MembershipChallenge,
  MembershipProof,
  MessageView,
  MultichatNode,
  NodeEventOf,
  NodeEventType,
  Origin,
  Resource,
  SignedPresence,
  SubmitOptions,
  SubmitResult,
  Transaction,
  UserId,
  UserView,
} from './types.js';
import type { TxContext } from './logics/types.js';
import { CoreQueries } from './queries.js';
import { membershipChallengeBytes } from './p2p/membership.js';
import { verifyStoredLogs } from './store/verify-on-load.js';
import { verifyStoreInBackground } from './store/background-verify.js';
import { newestStoredClock } from './store/stored-clock.js';
import { repairStoredClocks } from './store/clock-repair.js';
import { E2ee } from './e2ee/e2ee.js';
import { SealedViews } from './e2ee/sealed-views.js';
import { attachmentsProblem } from './logics/attachments.js';
import { FileSealer } from './e2ee/file-sealer.js';
import { withSealedFiles, type SealedFile } from './e2ee/sealed-files.js';

/** How long after start() the background check of the whole store begins. */
const BACKGROUND_CHECK_DELAY_MS = 2000;

/** Opens (or creates) the node's store in `options.dataDir`. Call start() to run its timers. */
export async function createNode(options: NodeOptions): Promise<MultichatNode> {
  if (options.repairStoredClocks ?? process.env.MULTICHAT_REPAIR_CLOCKS === '1') {
    const report = await repairStoredClocks(options, async (o) => new CoreNode(o));
    if (report) {
      const { kept, dropped, backup, poisoned } = report;
      const ids = poisoned.map((p) => p.id);
      (options.logger ?? silentLogger).warn(
        { kept, dropped, backup, poisoned: ids },
        'store: rebuilt without entries whose clock was out of range',
      );
    }
  }
  return new CoreNode(options);
}

class CoreNode extends CoreQueries implements MultichatNode {
  readonly address: Address;
  readonly blobs: CoreBlobStore;
  private readonly key: KeyPair;
  private readonly keyring = new Map<Address, KeyPair>();
  private readonly local: LocalStore;
  private readonly hub: EventHub;
  private readonly presence = new PresenceTable();
  private readonly ingestor: Ingestor;
  private readonly publisher: EventPublisher;
  private readonly sweeper: ExpirySweeper;
  private readonly presenceTtlMs: number;
  private readonly internals: NodeInternals;
  private readonly e2ee: E2ee;
  /** The box key of the node's own key: encrypted channels seal to it for bridged people. */
  private readonly nodeBoxKey: string;
  private readonly fileSealer: FileSealer;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** The background check of the whole store: its timer, and the check once started. */
  private checkTimer: NodeJS.Timeout | undefined;
  private checking: Promise<void> | undefined;
  /** Each log's newest seq at open: the background check stops there (ingest verified the rest). */
  private logsAtOpen: ReadonlyMap<Address, number> | undefined;
  /** The newest bulk write not yet committed, and the first failed commit of bulk writes. */
  private bulkLast: Promise<void> | undefined;
  private bulkFailure: { error: unknown } | undefined;

  constructor(private readonly options: NodeOptions) {
    const db = openCoreDatabase(options.dataDir, {
      checkpoints: options.walCheckpoints,
      logger: options.logger,
    });
    if (options.cacheMiB !== undefined) {
      db.pragma(`cache_size = -${Math.max(1, Math.round(options.cacheMiB * 1024))}`);
    }
    let newest: Hlc | undefined;
    let logsAtOpen: ReadonlyMap<Address, number> | undefined;
    try {
      // First: a poisoned clock value gets its own error (and repair) before chain checks.
      newest = newestStoredClock(db, (options.clock ?? Date.now)());
      if (options.verifyOnLoad !== false) logsAtOpen = verifyStoredLogs(db).logs;
    } catch (error) {
      db.close();
      throw error;
    }
    const log = new LogStore(db);
    const projections = prepareProjections(db);
    const resources = new ResourceStore(db, projections);
    const now = options.clock ?? Date.now;
    const key = loadOrCreateNodeKey(options.dataDir);
    const state = createStateView(projections, resources);
    const e2ee = new E2ee(db, projections, resources);
    const views = new SealedViews(
      projections,
      log,
      state,
      (row: ProfileRow) => this.isLocalProfile(row),
      e2ee,
    );
    const signer = new BatchSigner();
    const blobRows = new BlobRows(db);
    const internals: NodeInternals = {
      db,
      commit: new GroupCommit(
        db,
        () => {
          state.clear();
          log.resetCache();
          e2ee.sending.forget();
          e2ee.membersChanged();
          signer.rollback((sealed) => log.has(sealed.id));
        },
        () => {
          signer.signBatch((signed) => log.replaceBody(signed.id, signed.bytes));
          log.flushHeads();
        },
      ),
      signer,
      log,
      resources,
      projections,
      blobRows,
      state,
      views,
      clock: new HybridClock(now),
      limits: { ...defaultLimits, ...options.limits },
      logger: options.logger ?? silentLogger,
      now,
      counters: { transactions: new Map(), rejections: new Map() },
      e2ee,
    };
    super(internals);
    this.internals = internals;
    this.logsAtOpen = logsAtOpen;
    this.key = key;
    this.address = key.address;
    this.keyring.set(key.address, key);
    this.e2ee = e2ee;
    this.nodeBoxKey = e2ee.addSeed(key.seed);
    this.local = new LocalStore(db);
    for (const seed of this.local.seeds()) {
      const pair = keyPairFromSeed(seed);
      this.keyring.set(pair.address, pair);
      e2ee.addSeed(seed);
    }
    this.hub = new EventHub(internals.logger);
    this.publisher = new EventPublisher(internals, this.hub);
    this.ingestor = new Ingestor(internals, this.publisher);
    this.sweeper = new ExpirySweeper(internals, this.publisher);
    this.blobs = new CoreBlobStore({
      db,
      commit: internals.commit,
      files: new BlobFiles(options.dataDir),
      rows: blobRows,
      now,
      logger: internals.logger,
      maxBytes: internals.limits.maxBlobBytes,
    });
    // A member reads a sealed file of an encrypted channel with the key its message carries.
    this.fileSealer = new FileSealer(blobRows, projections, log, e2ee);
    this.blobs.setSealedFiles((hash) => this.fileSealer.filesOf(hash));
    this.presenceTtlMs = options.presenceTtlMs ?? 90_000;
    if (newest) internals.clock.restore(newest);
  }

  async start(): Promise<void> {
    const interval = this.options.sweepIntervalMs ?? 1000;
    this.sweeper.sweep();
    await this.blobs.recover();
    if (interval > 0 && !this.timer) {
      this.timer = setInterval(() => this.tick(), interval);
      this.timer.unref();
    }
    if (this.options.verifyOnLoad !== false && !this.checkTimer && !this.checking) {
      // Once the gateway around the node has started: its start-up awaits would otherwise each
      // wait for a page of the check, and a refused store closes the database under them.
      const schedule = (): void => {
        if (this.stopped || this.checkTimer || this.checking) return;
        this.checkTimer = setTimeout(
          () => this.checkStoreInBackground(),
          BACKGROUND_CHECK_DELAY_MS,
        );
        this.checkTimer.unref();
      };
      void (this.options.storeCheckAfter ?? Promise.resolve()).then(schedule, schedule);
    }
  }

  /**
   * The open verified only each log's newest entries (store/verify-on-load.ts): the rest of the
   * store is verified now, without holding up requests. A store edited behind the node's back is
   * refused as at open: the typed error is logged and handed to onStoreRefused, and the node stops.
   */
  private checkStoreInBackground(): void {
    const { logger } = this.internals;
    const stopped = () => this.stopped;
    this.checking = verifyStoreInBackground(this.internals.db, stopped, this.logsAtOpen).then(
      (done) => {
        if (done) logger.info(done, 'store: every stored log verified');
      },
      async (error: unknown) => {
        if (this.stopped) return;
        logger.error({ err: error }, 'store: a stored log does not verify; the node stops');
        await this.stop();
        this.options.onStoreRefused?.(error as Error);
      },
    );
  }

  /** Periodic work: expiry, unclaimed uploads, presence expiry and renewal. */
  tick(): void {
    if (this.stopped) return;
    this.sweeper.sweep();
    this.blobs
      .sweep()
      .catch((error: unknown) =>
        this.internals.logger.error({ err: error }, 'blobs: removing unclaimed uploads failed'),
      );
    const now = this.internals.now();
    for (const gone of this.presence.expire(now)) {
      this.publisher.presence({ ...gone, status: 'offline', expiresAt: now }, false);
    }
    for (const due of this.presence.dueForRenewal(now, this.presenceTtlMs / 3)) {
      this.announcePresence(due.user, due.status, due.text);
    }
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.checkTimer) clearTimeout(this.checkTimer);
    this.ingestor.stop();
    this.internals.commit.commit();
    this.internals.db.close();
  }

  // --- users -------------------------------------------------------------------------------

  async createLocalUser(username: string): Promise<{ user: UserView; token: string }> {
    // NFC; 400 for a bad name, 409 for one taken or looking like a taken one.
    username = checkNewUsername(this, username);
    const pair = generateKeyPair();
    const userId = pair.address as string as UserId;
    const boxKey = this.e2ee.addSeed(pair.seed);
    const profile: Resource = {
      kind: 'userProfile',
      data: { userId, username, publicKey: pair.address, boxKey },
    };
    const token = newSecretToken();
    await this.appendLocal(
      pair,
      { intent: 'updateProfile', actor: userId, creates: [profile], consumes: [] },
      new Map(),
      () => {
        this.local.addKey(pair.address, pair.seed, userId);
        this.local.addToken(token, userId, this.internals.now());
        this.keyring.set(pair.address, pair);
      },
    );
    return { user: this.getUser(userId) as UserView, token };
  }

  userForToken(token: string): UserView | undefined {
    const id = this.local.userForToken(token);
    return id ? this.getUser(id) : undefined;
  }

  listLocalUsers(): UserView[] {
    return this.local
      .keyUsers()
      .map((id) => this.getUser(id))
      .filter((u): u is UserView => u !== undefined && u.local && !u.origin);
  }

  async reissueToken(user: UserId): Promise<string> {
    this.requireNativeUser(user);
    const token = newSecretToken();
    // One write: the old tokens are gone in the same transaction the new one appears in.
    await this.internals.commit.run(() => {
      this.local.revokeTokens(user);
      this.local.addToken(token, user, this.internals.now());
    }).committed;
    return token;
  }

  async revokeTokens(user: UserId): Promise<number> {
    this.requireNativeUser(user);
    const { value, committed } = this.internals.commit.run(() => this.local.revokeTokens(user));
    await committed;
    return value;
  }

  /** Tokens exist only for native users of this node (not bridged people, not peers' users). */
  private requireNativeUser(user: UserId): void {
    if (!this.listLocalUsers().some((u) => u.id === user)) throw new NotFoundError('user', user);
  }

  async ensureBridgedUser(
    origin: Origin,
    profile: { username: string; avatar?: string },
  ): Promise<UserView> {
    const userId = bridgedUserId(this.address, origin);
    const username = sanitizeUsername(profile.username, `${origin.network}-${origin.externalId}`);
    const current = this.internals.state.profile(userId);
    if (
      current &&
      current.username === username &&
      current.avatar === profile.avatar &&
      this.e2ee.boxKeyOf(userId) === this.nodeBoxKey
    ) {
      return this.getUser(userId) as UserView;
    }
    const data = {
      userId,
      username,
      controller: this.address,
      origin: { network: origin.network, externalId: origin.externalId },
      ...(profile.avatar !== undefined && { avatar: profile.avatar }),
      // The people a gateway bridges read encrypted channels through it (the gateway's own key).
      boxKey: this.nodeBoxKey,
      // A name set back to an earlier one must still be a new resource (see intents.ts).
      nonce: uniqueNonce(),
    };
    const live = this.internals.state.live(`profile:${userId}`);
    await this.appendLocal(
      this.key,
      {
        intent: 'updateProfile',
        actor: userId,
        creates: [{ kind: 'userProfile', data }],
        consumes: [...live],
      },
      new Map(),
    );
    return this.getUser(userId) as UserView;
  }

  // --- writes ------------------------------------------------------------------------------

  async submit(actor: UserId, intent: Intent, options?: SubmitOptions): Promise<SubmitResult> {
    if (this.stopped) throw new ConflictError('the node is stopping');
    if (intent.kind === 'setPresence') {
      this.announcePresence(actor, intent.status, intent.text);
      return { entry: '' as EntryId };
    }
    const signer = this.signerFor(actor);
    checkLocalNames(this, actor, intent);
    // An edit that does not say keeps the message an emote (the flag is in each content blob).
    if (intent.kind === 'editMessage' && intent.emote === undefined)
      intent = { ...intent, emote: this.getMessage(intent.message)?.emote === true };
    // Awaited only when there is something to write: submit writes synchronously otherwise.
    const boxKeyWrite = this.ensureBoxKey(actor, intent);
    if (boxKeyWrite) await boxKeyWrite;
    // In an encrypted channel file names travel sealed (e2ee/file-names.ts).
    let names = this.sealedFileNames(intent);
    let files: (SealedFile | null)[] = [];
    if (names) {
      // The bytes too: each file becomes a sealed blob whose key travels in the sealed content.
      const send = intent as IntentOf<'sendMessage'>;
      const sealed = await this.fileSealer.seal(this.blobs, actor, send.attachments!);
      intent = { ...send, attachments: sealed.attachments };
      files = sealed.files;
      names = this.sealedFileNames(intent);
    } else if (
      intent.kind === 'sendMessage' &&
      intent.attachments?.length &&
      !attachmentsProblem(intent.attachments) &&
      !this.internals.state.channel(intent.channel)?.settings.encrypted
    ) {
      // A file re-shared from an encrypted channel goes to a plaintext one as plaintext.
      const attachments = await this.fileSealer.unseal(this.blobs, actor, intent.attachments);
      intent = { ...intent, attachments };
    }
    if (names) {
      intent = {
        ...(intent as IntentOf<'sendMessage'>),
        attachments: (intent as IntentOf<'sendMessage'>).attachments!.map((a) => ({
          ...a,
          name: '',
        })),
      };
    }
    let sealedPlain: Uint8Array | undefined;
    let completion = this.keepBoxKey(
      actor,
      completeIntent(actor, intent, {
        state: this.internals.state,
        limits: this.internals.limits,
        // Never before the clock's newest wall: createdAt must lie near the entry's HLC.
        now: Math.max(this.internals.now(), this.internals.clock.latestWall()),
        seal: (channel, sender, plain) => {
          sealedPlain = names ? withSealedFiles(plain, names, files) : plain;
          return this.e2ee.seal(channel, sender, sealedPlain);
        },
      }),
    );
    if (names && sealedPlain && completion.plain) {
      // The sender's own view reads the names from the plaintext that was sealed.
      const plain = sealedPlain;
      completion = {
        ...completion,
        plain: new Map([...completion.plain.keys()].map((h) => [h, plain])),
      };
    }
    const { id: entry, changes } = await this.appendLocal(
      signer,
      completion.tx,
      completion.contents,
      completion.persist,
      options?.bulk === true,
    );
    const principal = completion.principal;
    const result: SubmitResult = { entry, ...(principal && { created: principal }) };
    if (intent.kind === 'createChannel') {
      const id = (completion.tx.creates[0] as Resource<'channel'>).data.channelId;
      return { ...result, channel: this.getChannel(id) };
    }
    if (
      principal &&
      (intent.kind === 'sendMessage' ||
        intent.kind === 'editMessage' ||
        intent.kind === 'redactMessage')
    ) {
      // A message just sent has no reactions or edits and its text is at hand: no queries.
      // An edit or a deletion is read back from the store.
      const created = changes.find((c) => c.kind === 'message' && c.message === principal);
      if (created?.kind !== 'message') return { ...result, message: this.getMessage(principal) };
      // Built when first read: bridges and bulk writers never look at it.
      let view: MessageView | undefined;
      const { views } = this.internals;
      return Object.defineProperty({ ...result }, 'message', {
        enumerable: true,
        get: () =>
          (view ??= views.message(created.row, {
            fresh: true,
            contents: completion.plain ?? completion.contents,
          })),
      });
    }
    return result;
  }

  /**
   * A local user whose profile predates encrypted channels publishes a box key before it joins,
   * creates or writes in one, so members can share chain keys with it.
   */
  private ensureBoxKey(actor: UserId, intent: Intent): Promise<unknown> | undefined {
    const channel =
      intent.kind === 'createChannel'
        ? intent.encrypted
        : 'channel' in intent && this.internals.state.channel(intent.channel)?.settings.encrypted;
    if (!channel || this.e2ee.boxKeyOf(actor) !== undefined) return undefined;
    const profile = this.internals.state.profile(actor);
    const pair = profile?.publicKey && this.keyring.get(profile.publicKey);
    if (!profile || !pair) return undefined;
    const live = this.internals.state.live(`profile:${actor}`);
    const current = this.internals.resources.get(live[0]!)?.resource;
    if (current?.kind !== 'userProfile') return undefined;
    const data = { ...current.data, boxKey: this.e2ee.addSeed(pair.seed), nonce: uniqueNonce() };
    return this.appendLocal(
      pair,
      {
        intent: 'updateProfile',
        actor,
        creates: [{ kind: 'userProfile', data }],
        consumes: [...live],
      },
      new Map(),
    );
  }

  /**
   * The solver builds a profile update from the state view, which has no box key: put it back,
   * or a rename would take the user out of every encrypted channel's next key shares.
   */
  private keepBoxKey(actor: UserId, completion: Completion): Completion {
    const boxKey = completion.tx.intent === 'updateProfile' && this.e2ee.boxKeyOf(actor);
    if (!boxKey) return completion;
    const creates = completion.tx.creates.map((r) =>
      r.kind === 'userProfile' && r.data.boxKey === undefined
        ? { ...r, data: { ...r.data, boxKey } }
        : r,
    );
    return { ...completion, tx: { ...completion.tx, creates } };
  }

  private sealedFileNames(intent: Intent): string[] | undefined {
    if (intent.kind !== 'sendMessage' || !intent.attachments?.length) return undefined;
    // A bad list is left whole for the solver to refuse with its reason.
    if (attachmentsProblem(intent.attachments)) return undefined;
    if (!this.internals.state.channel(intent.channel)?.settings.encrypted) return undefined;
    return intent.attachments.map((a) => (typeof a.name === 'string' ? a.name : ''));
  }

  canRead(channel: ChannelId): boolean {
    const data = this.internals.state.channel(channel);
    if (!data) return false;
    if (!data.settings.encrypted) return true;
    const members = this.listMembers(channel).filter((m) => m.role !== 'banned');
    return this.e2ee.holdsKeyOf(members.map((m) => m.user.id));
  }

  private signerFor(actor: UserId): KeyPair {
    const profile = this.internals.state.profile(actor);
    if (!profile) throw new NotFoundError('user', actor);
    const signer = profileSigner(profile);
    const pair = signer && this.keyring.get(signer);
    if (!pair)
      throw new IntentRejectedError('tx.signer', `this node holds no key for user ${actor}`);
    return pair;
  }

  /**
   * Validates, appends and applies one transaction of a key this node holds; the batch signer
   * signs it at commit if it is the newest of its batch (see batch-signer.ts).
   */
  private async appendLocal(
    pair: KeyPair,
    partial: Omit<Transaction, 'deps'>,
    contents: Map<ContentHash, Uint8Array>,
    alsoWrite?: () => void,
    bulk = false,
  ): Promise<{ id: EntryId; changes: Change[] }> {
    const { log, clock, limits, state, commit, counters } = this.internals;
    const deps = partial.channel ? log.channelHeads(partial.channel) : [];
    const tx: Transaction = { ...partial, deps };
    const head = log.head(pair.address);
    const hlc = clock.tick();
    const consumed = tx.consumes.map((id) => {
      const row = this.internals.resources.get(id);
      if (!row || row.consumedBy) throw new ConflictError(`resource ${id} changed; try again`);
      return { id, resource: row.resource };
    });
    const ctx: TxContext = { tx, author: pair.address, hlc, limits, consumed };
    const refusal = checkTransaction(ctx, state);
    if (refusal) {
      counters.rejections.set(refusal.rule, (counters.rejections.get(refusal.rule) ?? 0) + 1);
      throw new IntentRejectedError(refusal.rule, refusal.message);
    }
    const sealed = createUnsignedEntry(pair.address, {
      seq: (head?.seq ?? 0) + 1,
      prev: head?.id ?? null,
      hlc,
      tx,
    });
    let size = sealed.bytes.length;
    for (const body of contents.values()) size += body.length;
    const append: LocalAppend = { sealed, size };
    const { committed, value: changes } = commit.run(
      () => {
        const changes = this.writeEntry(sealed, contents);
        alsoWrite?.();
        this.internals.signer.add(pair, append);
        return changes;
      },
      // By now the batch signer has replaced `append.sealed` if it signed this entry.
      (changes) => this.publisher.publish(append.sealed, contents, changes, true),
      bulk ? { bulk: 1 } : {},
    );
    if (!bulk) await committed;
    else {
      // One commit takes hundreds of bulk writes (one signature per author and batch, one WAL
      // write of each index page); commitWrites() reports a failed one.
      this.bulkLast = committed.catch((error: unknown) => {
        this.bulkFailure ??= { error };
      });
    }
    return { id: sealed.id, changes };
  }

  async commitWrites(): Promise<void> {
    const last = this.bulkLast;
    this.bulkLast = undefined;
    if (!this.stopped) this.internals.commit.commit();
    await last;
    const failure = this.bulkFailure;
    this.bulkFailure = undefined;
    if (failure) throw failure.error;
  }

  /** Inserts a validated entry and applies it. Runs inside a GroupCommit write. */
  writeEntry(sealed: SealedEntry, contents: ReadonlyMap<ContentHash, Uint8Array>): Change[] {
    const { log, counters } = this.internals;
    const { entry, id } = sealed;
    log.insert(
      id,
      entry.author,
      entry.seq,
      entry.tx.channel,
      entry.tx.intent,
      entry.hlc,
      sealed.bytes,
    );
    if (entry.tx.channel) log.advanceHeads(entry.tx.channel, id, entry.tx.deps);
    counters.transactions.set(
      entry.tx.intent,
      (counters.transactions.get(entry.tx.intent) ?? 0) + 1,
    );
    const changes = applyEntry(this.internals, id, entry, contents);
    if (changes.some((c) => c.kind === 'membership' || c.kind === 'profile')) {
      this.e2ee.membersChanged();
    }
    return changes;
  }

  async ingest(envelopes: readonly EntryEnvelope[], options?: IngestOptions) {
    return this.ingestor.ingest(
      envelopes,
      (sealed, contents) => this.writeEntry(sealed, contents),
      options,
    );
  }

  // --- private channels (docs/protocol.md) ----------------------------------------------------

  memberKeys(): Address[] {
    const keys = new Set<Address>();
    for (const [, signer] of this.privateMemberSigners()) {
      if (this.keyring.has(signer)) keys.add(signer);
    }
    return [...keys];
  }

  signMembershipChallenge(challenge: MembershipChallenge): MembershipProof[] {
    // Built here from the challenge's parts, never from bytes a peer chose: a peer gets a
    // signature over its nonce under the membership tag, good for nothing else.
    const bytes = membershipChallengeBytes(challenge);
    return this.memberKeys().map((key) => ({ key, sig: sign(this.keyring.get(key)!, bytes) }));
  }

  // --- presence ----------------------------------------------------------------------------

  private announcePresence(
    actor: UserId,
    status: 'online' | 'away' | 'offline',
    text?: string,
  ): void {
    const pair = this.signerFor(actor);
    if (text !== undefined && (typeof text !== 'string' || text.length > 256)) {
      throw new ValidationError('text', 'status text has at most 256 characters');
    }
    const signed = signPresence(pair, {
      user: actor,
      status,
      ...(text !== undefined && { text }),
      expiresAt: this.internals.now() + this.presenceTtlMs,
    });
    this.presence.set(signed, true);
    this.publisher.presence(signed.presence, true, signed);
  }

  ingestPresence(signed: SignedPresence): boolean {
    if (!this.publisher.acceptablePresence(signed)) return false;
    if (!this.presence.set(signed, false)) return false;
    this.publisher.presence(signed.presence, false, signed);
    return true;
  }

  listPresence() {
    return this.presence.list(this.internals.now());
  }

  // --- misc --------------------------------------------------------------------------------

  on<T extends NodeEventType>(type: T, listener: (event: NodeEventOf<T>) => void) {
    return this.hub.on(type, listener);
  }

  metrics() {
    return {
      ...this.baseMetrics(),
      pending: this.ingestor.pendingCount(),
    };
  }

  private isLocalProfile(row: ProfileRow): boolean {
    return (
      (row.public_key !== null && this.keyring.has(row.public_key as Address)) ||
      row.controller === this.address
    );
  }
}
