/**
 * The bridge bot's end-to-end encryption: one Olm machine (the Rust crypto, in WebAssembly) on
 * the bot's own device (started by ./device.ts), its state in ./store.ts. It is fed by the
 * appservice transactions (./transaction.ts), sends what it asks for through ./requests.ts,
 * decrypts inbound `m.room.encrypted` events in order (./decrypt-event.ts; keeping those
 * without a key in ./pending.ts until the key comes,
 * asking their sender to re-share a key that was lost: ./key-recovery.ts)
 * and encrypts outbound events for a room's joined members' devices (./room-keys.ts).
 */
import { DeviceLists, UserId, type OlmMachine } from '@matrix-org/matrix-sdk-crypto-wasm';
import type { AdapterComponents, AdapterLogger } from '../../types.js';
import type { MatrixApi } from '../api.js';
import type { RawEvent } from '../host.js';
import { decryptEvent } from './decrypt-event.js';
import { deviceReady, openDevice } from './device.js';
import { KeyRecovery, missingKeyOf } from './key-recovery.js';
import { PendingDecryptions } from './pending.js';
import { callAsDevice, RequestSender, type DeviceCaller } from './requests.js';
import { shareAndEncrypt } from './room-keys.js';
import type { CryptoStore } from './store.js';
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
   * Opens the store, makes sure the bot's device exists on the homeserver (./device.ts) and
   * uploads its keys.
   * @throws CryptoStoreFileError, CryptoDeviceError
   */
  static async open(options: EngineOptions): Promise<CryptoEngine> {
    const device = await openDevice(options);
    const { machine, store, caller } = device;
    const engine = new CryptoEngine(machine, store, caller, options.logger, options.reportDrop);
    // The device keys go up before cross-signing, which signs the uploaded device.
    await engine.sender.drain();
    await deviceReady(device, options.logger);
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

  private tryDecrypt(event: RawEvent): Promise<RawEvent | undefined> {
    return decryptEvent(this.machine, event);
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.chain.then(work, work);
    this.chain = next.catch(() => undefined);
    return next;
  }
}

export { callAsDevice };
