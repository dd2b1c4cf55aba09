/**
 * A real Matrix client with end-to-end encryption for tests: matrix-js-sdk with its Rust crypto
 * in WebAssembly (the one Element Web runs), an in-memory crypto store, syncing. It sends with
 * the SDK (which encrypts in an encrypted room) and records every timeline event after the
 * SDK decrypted it, so a test sees what a person's Element would show.
 */
import {
  ClientEvent,
  createClient,
  RoomEvent,
  type MatrixClient,
  type MatrixEvent,
} from 'matrix-js-sdk';
import type { Logger } from 'matrix-js-sdk/lib/logger.js';
import { LoggerLevel, Tracing } from '@matrix-org/matrix-sdk-crypto-wasm';
import { MsgType } from 'matrix-js-sdk/lib/@types/event.js';
import { eventually } from './eventually.js';

/** A timeline event as the person's client shows it. */
export interface SeenEvent {
  readonly eventId: string;
  readonly roomId: string;
  readonly sender: string;
  /** What went over the wire (`m.room.encrypted` in an encrypted room). */
  readonly wireType: string;
  /** The decrypted type and content (the wire ones for a clear event). */
  readonly type: string;
  readonly content: Record<string, unknown>;
  /** Set when the SDK could not decrypt it. */
  readonly failure?: string;
}

const nothing = (): void => undefined;
/** Errors only: the SDK's debug and info lines would drown a test's output. */
const quiet: Logger = {
  trace: nothing,
  debug: nothing,
  info: nothing,
  warn: nothing,
  error: (...msg: unknown[]) => console.error('[matrix-js-sdk]', ...msg),
  getChild: () => quiet,
};

export class CryptoTestClient {
  private readonly events: MatrixEvent[] = [];
  /** To-device events after the SDK decrypted them: type and sender. */
  readonly toDevice: Array<{ type: string; sender: string }> = [];

  private constructor(
    readonly client: MatrixClient,
    readonly userId: string,
    readonly accessToken: string,
  ) {}

  /** Registers `username`, sets up the crypto, syncs once. */
  static async register(baseUrl: string, username: string): Promise<CryptoTestClient> {
    const res = await fetch(`${baseUrl}/_matrix/client/v3/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        username,
        password: `pw-${username}-secret`,
        auth: { type: 'm.login.dummy' },
      }),
    });
    const body = (await res.json()) as Record<string, string>;
    if (!res.ok) throw new Error(`register ${username}: ${res.status} ${JSON.stringify(body)}`);
    const client = createClient({
      baseUrl,
      userId: body['user_id'],
      deviceId: body['device_id'],
      accessToken: body['access_token'],
      logger: quiet,
    });
    await client.initRustCrypto({ useIndexedDB: false });
    // The Rust crypto's tracing prints debug lines to the console: warnings only.
    if (Tracing.isAvailable()) new Tracing(LoggerLevel.Warn).turnOn();
    const me = new CryptoTestClient(client, String(body['user_id']), String(body['access_token']));
    client.on(RoomEvent.Timeline, (event) => {
      me.events.push(event);
    });
    client.on(ClientEvent.ToDeviceEvent, (event) => {
      me.toDevice.push({ type: event.getType(), sender: event.getSender() ?? '' });
    });
    const synced = new Promise<void>((resolve) =>
      client.on(ClientEvent.Sync, (state) => state === 'PREPARED' && resolve()),
    );
    await client.startClient({ initialSyncLimit: 20 });
    await synced;
    return me;
  }

  /** Every timeline event so far, as shown now (decryption may finish after arrival). */
  get seen(): SeenEvent[] {
    return this.events.map((event) => ({
      eventId: event.getId() ?? '',
      roomId: event.getRoomId() ?? '',
      sender: event.getSender() ?? '',
      wireType: event.getWireType(),
      type: event.getType(),
      content: event.getContent(),
      ...(event.isDecryptionFailure() && { failure: String(event.decryptionFailureReason) }),
    }));
  }

  /** Waits until `pick` finds something among the events seen. */
  waitFor<T>(pick: (seen: readonly SeenEvent[]) => T | undefined, ms = 60_000): Promise<T> {
    return eventually(() => pick(this.seen), {
      what: `a Matrix event (seen: ${this.seen.length})`,
      timeoutMs: ms,
    });
  }

  /**
   * Waits until this client's crypto knows a device of `userId` (its key query answered), as
   * a person's client does before it shares a room key with them. @returns the device ids
   */
  async knowDevicesOf(userId: string, ms = 30_000): Promise<string[]> {
    const crypto = this.client.getCrypto();
    if (!crypto) throw new Error('no crypto');
    return eventually(
      async () => {
        const devices = (await crypto.getUserDeviceInfo([userId], true)).get(userId);
        return devices && devices.size > 0 ? [...devices.keys()] : undefined;
      },
      { what: `the devices of ${userId}`, timeoutMs: ms },
    );
  }

  /** Waits until this client decrypted `count` to-device events of `type` from `sender`. */
  waitForToDevice(type: string, sender: string, count = 1, ms = 60_000): Promise<void> {
    const seen = (): number =>
      this.toDevice.filter((e) => e.type === type && e.sender === sender).length;
    return eventually(() => (seen() >= count ? true : undefined), {
      what: `${count} to-device ${type} from ${sender} (seen: ${seen()})`,
      timeoutMs: ms,
    }).then(() => undefined);
  }

  async send(roomId: string, body: string): Promise<string> {
    const res = await this.client.sendMessage(roomId, { msgtype: MsgType.Text, body });
    return res.event_id;
  }

  /** Any event (an edit, a reaction, a reply), encrypted by the SDK in an encrypted room. */
  async sendEvent(roomId: string, type: string, content: Record<string, unknown>): Promise<string> {
    const res = await this.client.sendEvent(roomId, type as never, content as never);
    return res.event_id;
  }

  stop(): void {
    this.client.stopClient();
  }
}
