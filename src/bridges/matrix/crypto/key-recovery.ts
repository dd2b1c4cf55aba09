/**
 * Getting a lost room key sent again. Synapse drops to-device messages (room keys) for an
 * appservice it counts as down, so a sender's `m.room_key` to the bot can vanish while the
 * sender's client believes it shared the key. Asking the sender with `m.room_key_request`
 * does not help: a Rust-crypto client answers with `m.forwarded_room_key`, but the bot's own
 * Rust machine accepts forwarded keys only from its owner's verified devices and drops it.
 *
 * What does work: the bot opens a NEW Olm session to the sender's device and sends an
 * encrypted `m.dummy` over it. The sender's client, seeing a new Olm session from the bot's
 * device, takes it as an "unwedging" and re-shares its current room key with the bot before
 * its next message — so that message and the later ones of the session decrypt. Messages sent
 * before the re-share stay undecryptable (the key is re-shared from its current index); they
 * wait and are given up, counted (./pending.ts). When the bot already has an Olm session with
 * that device, a dummy over it changes nothing and none is sent (docs/matrix.md).
 */
import { DeviceId, UserId, type OlmMachine } from '@matrix-org/matrix-sdk-crypto-wasm';
import type { AdapterLogger } from '../../types.js';
import type { RawEvent } from '../host.js';
import { KeyRecoveryError } from './errors.js';
import { callAsDevice, sendRequest, type DeviceCaller, type RequestSender } from './requests.js';

/** Whose key is missing: the sender's user and device, from a Megolm v1 envelope. */
export interface MissingKey {
  readonly userId: string;
  readonly deviceId: string;
}

export function missingKeyOf(event: RawEvent): MissingKey | undefined {
  const content = event['content'] as Record<string, unknown> | undefined;
  const deviceId = content?.['device_id'];
  if (typeof event.sender !== 'string' || typeof deviceId !== 'string' || deviceId === '')
    return undefined;
  return { userId: event.sender, deviceId };
}

export interface RecoveryCounts {
  /** New Olm sessions opened to a sender's device with an `m.dummy`, asking for a re-share. */
  sent: number;
  /** Senders' devices the bot already had an Olm session with: nothing to send (see above). */
  notPossible: number;
}

type Outcome = 'sent' | 'had-session';

interface Attempts {
  tries: number;
  /** The bot opened the Olm session itself (a claim): its messages stay pre-key messages. */
  opened: boolean;
  timer?: NodeJS.Timeout;
}

export interface KeyRecoveryOptions {
  readonly machine: OlmMachine;
  readonly caller: DeviceCaller;
  readonly sender: RequestSender;
  readonly logger: AdapterLogger;
  /** Runs `work` in the engine's order (never beside a decryption or a transaction feed). */
  readonly serial: (work: () => Promise<void>) => Promise<void>;
  /** True while an event from that device still waits for its key. */
  readonly waiting: (key: MissingKey) => boolean;
}

export class KeyRecovery {
  readonly counts: RecoveryCounts = { sent: 0, notPossible: 0 };
  /** Devices handled (or being handled) in this run, bounded. */
  private readonly devices = new Map<string, Attempts>();
  private closed = false;
  /**
   * Waits before each attempt: the key often arrives late on its own; a failed attempt (the
   * homeserver refused a call) is tried again later while the event still waits.
   */
  delaysMs: readonly number[] = [3_000, 30_000, 300_000, 1_800_000];

  constructor(private readonly options: KeyRecoveryOptions) {}

  /** An event from `key`'s device could not be decrypted. */
  want(key: MissingKey): void {
    const id = `${key.userId}|${key.deviceId}`;
    if (this.closed || this.devices.has(id)) return;
    if (this.devices.size >= 10_000) {
      const [oldest] = this.devices.keys();
      this.devices.delete(oldest as string);
    }
    this.devices.set(id, { tries: 0, opened: false });
    this.schedule(id, key);
  }

  close(): void {
    this.closed = true;
    for (const entry of this.devices.values()) if (entry.timer) clearTimeout(entry.timer);
  }

  private schedule(id: string, key: MissingKey): void {
    const entry = this.devices.get(id);
    if (!entry) return;
    const delay = this.delaysMs[entry.tries];
    if (delay === undefined) return;
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      if (this.closed || !this.options.waiting(key)) return;
      entry.tries++;
      void this.options
        .serial(async () => {
          const outcome = await this.attempt(key, entry);
          if (outcome === 'sent') this.counts.sent++;
          else this.counts.notPossible++;
          this.options.logger.info(
            { user: key.userId, device: key.deviceId, outcome },
            outcome === 'sent'
              ? 'matrix crypto: asked a sender to re-share its room key (new Olm session)'
              : 'matrix crypto: room key lost; the bot already has an Olm session with its sender',
          );
        })
        .catch((error: unknown) => {
          this.options.logger.warn(
            { user: key.userId, device: key.deviceId, err: (error as Error).message },
            'matrix crypto: room key re-share not asked (retried later)',
          );
          this.schedule(id, key);
        });
    }, delay);
    entry.timer.unref();
  }

  /** @throws KeyRecoveryError, or the homeserver's error */
  private async attempt(key: MissingKey, entry: Attempts): Promise<Outcome> {
    const { machine, caller, sender } = this.options;
    await machine.updateTrackedUsers([new UserId(key.userId)]);
    await sender.drain();
    const claim = (await machine.getMissingSessions([new UserId(key.userId)])) as
      { body: string } | undefined;
    if (claim && claimsDevice(claim.body, key)) entry.opened = true;
    if (claim) await sendRequest(machine, caller, claim as Parameters<typeof sendRequest>[2]);
    // A retry after a failed send finds the session the first attempt opened: its messages are
    // still pre-key messages of a session the sender has not seen, so the dummy still counts.
    if (!entry.opened) return 'had-session';
    const device = (await machine.getDevice(new UserId(key.userId), new DeviceId(key.deviceId))) as
      { encryptToDeviceEvent(type: string, content: unknown): Promise<string> } | undefined;
    if (!device) throw new KeyRecoveryError(key.userId, key.deviceId, 'its device is not known');
    // Throws when no session could be opened (the device had no one-time key left): retried.
    const content = JSON.parse(await device.encryptToDeviceEvent('m.dummy', {})) as unknown;
    const txn = `mc-rekey-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    await callAsDevice(
      caller,
      'PUT',
      `/_matrix/client/v3/sendToDevice/m.room.encrypted/${encodeURIComponent(txn)}`,
      { messages: { [key.userId]: { [key.deviceId]: content } } },
    );
    return 'sent';
  }
}

/** True when the key claim asks for a one-time key of `key`'s device (no Olm session yet). */
function claimsDevice(body: string, key: MissingKey): boolean {
  const parsed = JSON.parse(body) as {
    one_time_keys?: Record<string, Record<string, unknown>>;
  };
  return parsed.one_time_keys?.[key.userId]?.[key.deviceId] !== undefined;
}
