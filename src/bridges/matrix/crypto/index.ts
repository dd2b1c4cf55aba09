/**
 * End-to-end encryption for the Matrix bridge (docs/matrix.md, "Encrypted rooms"), as the
 * adapter uses it: transactions in, encrypted events in, what to send in an encrypted room out.
 * Off unless `bridges.matrix.encryption.enabled`; then the registration must carry the MSC2409,
 * MSC3202 and MSC4190 fields and the homeserver the matching experimental options.
 */
import type { AdapterComponents, AdapterLogger } from '../../types.js';
import type { MatrixApi } from '../api.js';
import type { RawEvent } from '../host.js';
import { CryptoEngine } from './engine.js';
import { EncryptedRoomRefusedError } from './errors.js';
import type { PendingCounts } from './pending.js';
import { EncryptedRooms, type AllowList } from './rooms.js';

export { CryptoDeviceError, CryptoStoreFileError, EncryptedRoomRefusedError } from './errors.js';

export interface MatrixCryptoOptions {
  readonly api: MatrixApi;
  readonly botUserId: string;
  readonly storePath: string;
  readonly allow: AllowList;
  readonly logger: AdapterLogger;
  /** Counts encrypted events not carried (given up, or of a room not allowed). */
  readonly reportDrop?: AdapterComponents['reportDrop'];
}

export interface CryptoStats extends PendingCounts {
  /** Senders asked to re-share a lost room key (a new Olm session and an `m.dummy`). */
  reshareAsked: number;
  /** Lost keys whose sender's device already had an Olm session with the bot: not asked. */
  reshareNotPossible: number;
  /** Encrypted events waiting for their key now. */
  waiting: number;
  /** Encrypted events of rooms `encryption.allow` does not cover (not decrypted). */
  refused: number;
}

export class MatrixCrypto {
  private refused = 0;

  private constructor(
    private readonly engine: CryptoEngine,
    private readonly rooms: EncryptedRooms,
    private readonly logger: AdapterLogger,
    private readonly reportDrop: AdapterComponents['reportDrop'],
  ) {}

  /** @throws CryptoStoreFileError, CryptoDeviceError */
  static async open(options: MatrixCryptoOptions): Promise<MatrixCrypto> {
    const engine = await CryptoEngine.open(options);
    return new MatrixCrypto(
      engine,
      new EncryptedRooms(options.api, options.allow),
      options.logger,
      options.reportDrop,
    );
  }

  get deviceId(): string {
    return this.engine.deviceId;
  }

  get stats(): CryptoStats {
    return {
      ...this.engine.pending.counts,
      reshareAsked: this.engine.recovery.counts.sent,
      reshareNotPossible: this.engine.recovery.counts.notPossible,
      waiting: this.engine.pending.size,
      refused: this.refused,
    };
  }

  /** One appservice transaction's body (to-device messages, key counts, device lists). */
  receive(body: Record<string, unknown>): void {
    this.engine
      .receive(body)
      .catch((error: unknown) =>
        this.logger.warn({ err: (error as Error).message }, 'matrix crypto: transaction not fed'),
      );
  }

  /**
   * The plaintext of an `m.room.encrypted` event, or undefined: not allowed (counted, logged)
   * or no key yet (then `deliver` gets it later).
   */
  async inbound(
    event: RawEvent,
    deliver: (plain: RawEvent) => void,
  ): Promise<RawEvent | undefined> {
    const roomId = String(event.room_id);
    this.rooms.learn(roomId, 'm.room.encrypted');
    if (!(await this.rooms.allowed(roomId))) {
      this.refused++;
      this.logger.warn({ room: roomId }, 'matrix crypto: encrypted room not in encryption.allow');
      this.reportDrop?.('message', 'unsupported', 'encrypted room not in encryption.allow');
      return undefined;
    }
    return this.engine.decrypt(event, deliver);
  }

  /**
   * An encrypted event read from history (backfill, import): its plaintext when the room is
   * allowed and the key is known, else why not (the caller counts and logs it).
   */
  async historyEvent(event: RawEvent): Promise<RawEvent | 'not-allowed' | 'no-key'> {
    const roomId = String(event.room_id);
    if (!(await this.rooms.allowed(roomId))) return 'not-allowed';
    return (await this.engine.decryptNow(event)) ?? 'no-key';
  }

  /** True when `encryption.allow` covers the room (linking an encrypted room needs it). */
  allows(roomId: string): Promise<boolean> {
    return this.rooms.allowed(roomId);
  }

  /** Remembers rooms that turn encrypted (their `m.room.encryption` event). */
  learn(roomId: string, type: string): void {
    this.rooms.learn(roomId, type);
  }

  /**
   * True when events for `roomId` must be encrypted. @throws EncryptedRoomRefusedError for an
   * encrypted room `encryption.allow` does not cover (never sent in clear).
   */
  async mustEncrypt(roomId: string): Promise<boolean> {
    if (!(await this.rooms.isEncrypted(roomId))) return false;
    if (!(await this.rooms.allowed(roomId))) throw new EncryptedRoomRefusedError(roomId);
    return true;
  }

  /** The `m.room.encrypted` content to send instead of `content`. */
  encrypt(
    roomId: string,
    type: string,
    content: Record<string, unknown>,
  ): Promise<Record<string, unknown>> {
    return this.engine.encrypt(roomId, type, content);
  }

  close(): Promise<void> {
    return this.engine.close();
  }
}
