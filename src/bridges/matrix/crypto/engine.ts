/**
 * The bridge bot's end-to-end encryption: one Olm machine (the Rust crypto, in WebAssembly) on
 * the bot's own device, its state in ./store.ts. It is fed by the appservice transactions
 * (./transaction.ts), sends what it asks for through ./requests.ts, decrypts inbound
 * `m.room.encrypted` events (keeping those without a key in ./pending.ts until the key comes,
 * asking their sender to re-share a key that was lost: ./key-recovery.ts)
 * and encrypts outbound events for a room's joined members' devices (./room-keys.ts).
 */
import {
  DecryptionSettings,
  DeviceId,
  DeviceLists,
  initAsync,
  LoggerLevel,
  OlmMachine,
  RoomId,
  StoreHandle,
  Tracing,
  TrustRequirement,
  UserId,
} from '@matrix-org/matrix-sdk-crypto-wasm';
import type { AdapterComponents, AdapterLogger } from '../../types.js';
import type { MatrixApi } from '../api.js';
import type { RawEvent } from '../host.js';
import { ensureCrossSigning } from './cross-signing.js';
import { CryptoDeviceError } from './errors.js';
import { KeyRecovery, missingKeyOf } from './key-recovery.js';
import { PendingDecryptions } from './pending.js';
import { callAsDevice, RequestSender, type DeviceCaller } from './requests.js';
import { shareAndEncrypt } from './room-keys.js';
import { CryptoStore } from './store.js';
import { deviceSyncChanges, isEmpty } from './transaction.js';

export interface EngineOptions {
  readonly api: MatrixApi;
  readonly botUserId: string;
  /** The store file (in the gateway's data dir). */
  readonly storePath: string;
  readonly logger: AdapterLogger;
  /** Counts an encrypted event given up (no key ever came) as not carried. */
  readonly reportDrop?: AdapterComponents['reportDrop'];
}

export class CryptoEngine {
  readonly pending: PendingDecryptions;
  /** Asks the sender of an event whose key never came to re-share it (./key-recovery.ts). */
  readonly recovery: KeyRecovery;
  /** Transaction feeds and decryptions in order: a room key is in before the event it opens. */
  private chain: Promise<unknown> = Promise.resolve();
  private readonly sender: RequestSender;
  private closed = false;
  private keyRequestTimer: NodeJS.Timeout | undefined;
  /** How long a missing key may take to arrive before the bot asks for it. */
  keyRequestDelayMs = 3_000;

  private constructor(
    private readonly machine: OlmMachine,
    private readonly store: CryptoStore,
    private readonly caller: DeviceCaller,
    private readonly logger: AdapterLogger,
    reportDrop?: AdapterComponents['reportDrop'],
  ) {
    this.sender = new RequestSender(machine, caller, (error) =>
      logger.warn({ err: error.message }, 'matrix crypto: request not sent (retried later)'),
    );
    this.pending = new PendingDecryptions(undefined, undefined, undefined, (event) => {
      logger.warn(
        { eventId: event['event_id'], room: event.room_id },
        'matrix crypto: encrypted event given up (no key arrived)',
      );
      reportDrop?.('message', 'failed', 'encrypted event: no key arrived');
    });
    this.recovery = new KeyRecovery({
      machine,
      caller,
      sender: this.sender,
      logger,
      serial: (work) => this.serial(work),
      waiting: (key) => this.pending.waitsFrom(key.userId, key.deviceId),
    });
  }

  /**
   * Opens the store, makes sure the bot's device exists on the homeserver and uploads its keys.
   * @throws CryptoStoreFileError, CryptoDeviceError
   */
  static async open(options: EngineOptions): Promise<CryptoEngine> {
    await initAsync();
    // The crypto's own tracing writes debug lines to the console, into the gateway's JSON log.
    if (Tracing.isAvailable()) new Tracing(LoggerLevel.Warn).turnOn();
    const store = await CryptoStore.open(options.storePath);
    store.install();
    const handle = await StoreHandle.openWithKey(store.name, store.key);
    const machine = (await OlmMachine.initFromStore(
      new UserId(options.botUserId),
      new DeviceId(store.deviceId),
      handle,
    )) as OlmMachine;
    const caller = { api: options.api, userId: options.botUserId, deviceId: store.deviceId };
    try {
      // MSC4190: an appservice creates its users' devices (200 when it exists already).
      await options.api.request('PUT', `/_matrix/client/v3/devices/${store.deviceId}`, {
        body: { display_name: 'Multichat bridge' },
        asUser: options.botUserId,
      });
    } catch (error) {
      machine.close();
      // Kept so a retried start (homeserver down) opens the same device with the same key:
      // the in-memory IndexedDB already holds this machine's data, pickled with that key.
      await store.save();
      throw new CryptoDeviceError((error as Error).message, { cause: error });
    }
    // Ask the sender's other devices for a room key that did not come (m.room_key_request,
    // sent by the machine when a decryption misses its key); docs/matrix.md says who answers.
    machine.roomKeyRequestsEnabled = true;
    const engine = new CryptoEngine(machine, store, caller, options.logger, options.reportDrop);
    await engine.sender.drain();
    const identity = await ensureCrossSigning(machine, caller).catch((error: Error) => {
      // Not fatal: messages still go both ways; the next start uploads the same identity.
      options.logger.warn({ err: error.message }, 'matrix crypto: cross-signing not set up');
      return undefined;
    });
    await store.save();
    options.logger.info(
      {
        deviceId: store.deviceId,
        fresh: store.fresh,
        ...(identity && { masterKey: identity.masterKey, identityCreated: identity.created }),
      },
      'matrix crypto: bridge bot device ready',
    );
    return engine;
  }

  get deviceId(): string {
    return this.caller.deviceId;
  }

  /** Feeds one transaction's to-device part to the machine, then retries waiting events. */
  receive(body: Record<string, unknown>): Promise<void> {
    const changes = deviceSyncChanges(body, this.caller.userId, this.caller.deviceId);
    if (isEmpty(changes)) return Promise.resolve();
    return this.serial(async () => {
      await this.machine.receiveSyncChanges(
        JSON.stringify(changes.toDevice),
        new DeviceLists(
          changes.changed.map((u) => new UserId(u)),
          changes.left.map((u) => new UserId(u)),
        ),
        changes.oneTimeKeyCounts ?? new Map(),
        changes.unusedFallbackKeys ?? null,
      );
      await this.sender.drain();
      if (changes.toDevice.length > 0) await this.pending.retry((e) => this.tryDecrypt(e));
      await this.store.save();
    });
  }

  /**
   * The decrypted form of `event` (same ids, the plaintext's type and content), or undefined
   * when no key is there yet: then `deliver` gets it once a key arrives.
   */
  decrypt(event: RawEvent, deliver: (plain: RawEvent) => void): Promise<RawEvent | undefined> {
    return this.serial(async () => {
      const plain = await this.tryDecrypt(event);
      if (plain) return plain;
      this.pending.add(event, deliver);
      this.requestKeySoon();
      const missing = missingKeyOf(event);
      if (missing) this.recovery.want(missing);
      this.logger.warn(
        { eventId: event['event_id'], room: event.room_id, waiting: this.pending.size },
        'matrix crypto: event not decrypted yet (waiting for its key)',
      );
      return undefined;
    });
  }

  /**
   * The decrypted form of a history event, or undefined when its key is not known: history is
   * read once, so nothing waits for a later key (the caller counts it).
   */
  decryptNow(event: RawEvent): Promise<RawEvent | undefined> {
    return this.serial(() => this.tryDecrypt(event));
  }

  /** `content` of `type` encrypted for `roomId`'s joined members: what to send instead. */
  encrypt(
    roomId: string,
    type: string,
    content: Record<string, unknown>,
  ): Promise<Record<string, unknown>> {
    return this.serial(async () => {
      const encrypted = await shareAndEncrypt(this.machine, this.sender, this.caller, {
        roomId,
        type,
        content,
      });
      await this.store.save();
      return encrypted;
    });
  }

  /**
   * The failed decryption queued an `m.room_key_request` in the machine. It goes out after a
   * short wait: the key is often in the next transaction, and a key that arrives first takes
   * the request back out of the queue (no needless request to the sender's devices).
   */
  private requestKeySoon(): void {
    if (this.keyRequestTimer) return;
    this.keyRequestTimer = setTimeout(() => {
      this.keyRequestTimer = undefined;
      if (this.closed) return;
      void this.serial(() => this.sender.drain());
    }, this.keyRequestDelayMs);
    this.keyRequestTimer.unref();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.keyRequestTimer) clearTimeout(this.keyRequestTimer);
    this.recovery.close();
    await this.chain.catch(() => undefined);
    await this.store.save();
    this.machine.close();
  }

  private async tryDecrypt(event: RawEvent): Promise<RawEvent | undefined> {
    try {
      const result = await this.machine.decryptRoomEvent(
        JSON.stringify(event),
        new RoomId(String(event.room_id)),
        new DecryptionSettings(TrustRequirement.Untrusted),
      );
      const clear = JSON.parse(result.event) as Record<string, unknown>;
      const content = { ...(clear['content'] as Record<string, unknown> | undefined) };
      // Relations (edits, replies, reactions) ride outside the ciphertext, so the server can
      // aggregate them: put them back where the inbound path reads them.
      const relation = (event['content'] as Record<string, unknown> | undefined)?.['m.relates_to'];
      if (relation !== undefined && content['m.relates_to'] === undefined)
        content['m.relates_to'] = relation;
      // The envelope's ids and times, the plaintext's type and content.
      return { ...event, type: String(clear['type']), content };
    } catch {
      return undefined;
    }
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.chain.then(work, work);
    this.chain = next.catch(() => undefined);
    return next;
  }
}

export { callAsDevice };
