/**
 * Which rooms are encrypted (a room is once it has `m.room.encryption` state; it cannot go
 * back) and which of them the config lets the bridge into (`encryption.allow`: `all`, or room
 * ids and aliases; aliases are resolved when first needed).
 */
import type { MatrixApi } from '../api.js';
import { MatrixHttpError } from '../api.js';

export type AllowList = 'all' | readonly string[];

/**
 * How long "not encrypted" is believed without asking again. Rooms that turn encryption on are
 * learnt from their `m.room.encryption` event as it arrives; this bounds the time a missed one
 * (the gateway was down) could let events go out in clear.
 */
const PLAIN_FOR_MS = 10 * 60_000;

export class EncryptedRooms {
  /** Encrypted rooms, and when plain ones were last found plain. */
  private readonly encrypted = new Set<string>();
  private readonly plainSince = new Map<string, number>();
  private allowedIds: Set<string> | undefined;

  constructor(
    private readonly api: MatrixApi,
    private readonly allow: AllowList,
    private readonly now: () => number = Date.now,
  ) {}

  /** Told by an event of the room: `m.room.encryption` or an encrypted event means encrypted. */
  learn(roomId: string, type: string): void {
    if (type === 'm.room.encryption' || type === 'm.room.encrypted') this.encrypted.add(roomId);
  }

  /** True when the room has `m.room.encryption` state (encrypted: remembered for good). */
  async isEncrypted(roomId: string): Promise<boolean> {
    if (this.encrypted.has(roomId)) return true;
    const plain = this.plainSince.get(roomId);
    if (plain !== undefined && this.now() - plain < PLAIN_FOR_MS) return false;
    let encrypted: boolean;
    try {
      await this.api.request(
        'GET',
        `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/state/m.room.encryption/`,
      );
      encrypted = true;
    } catch (error) {
      if (!(error instanceof MatrixHttpError) || error.status !== 404) throw error;
      encrypted = false;
    }
    // Only "encrypted" is final; a plain room may turn encrypted later (learnt from its events).
    if (encrypted) {
      this.encrypted.add(roomId);
      this.plainSince.delete(roomId);
    } else this.plainSince.set(roomId, this.now());
    return encrypted;
  }

  /** True when the config lets the bridge read and write this encrypted room. */
  async allowed(roomId: string): Promise<boolean> {
    if (this.allow === 'all') return true;
    if (!this.allowedIds || !this.allowedIds.has(roomId)) this.allowedIds = await this.resolve();
    return this.allowedIds.has(roomId);
  }

  private async resolve(): Promise<Set<string>> {
    const ids = new Set<string>();
    for (const entry of this.allow === 'all' ? [] : this.allow) {
      if (!entry.startsWith('#')) {
        ids.add(entry);
        continue;
      }
      try {
        const answer = await this.api.request<{ room_id?: string }>(
          'GET',
          `/_matrix/client/v3/directory/room/${encodeURIComponent(entry)}`,
        );
        if (answer.room_id) ids.add(answer.room_id);
      } catch {
        // An alias that does not resolve (yet) allows nothing; asked again on the next miss.
      }
    }
    return ids;
  }
}
