/**
 * Which rooms are encrypted (a room is once it has `m.room.encryption` state; it cannot go
 * back) and which of them the config lets the bridge into (`encryption.allow`: `all`, or room
 * ids and aliases; aliases are resolved when first needed).
 */
import type { MatrixApi } from '../api.js';
import { MatrixHttpError } from '../api.js';

export type AllowList = 'all' | readonly string[];

export class EncryptedRooms {
  private readonly known = new Map<string, boolean>();
  private allowedIds: Set<string> | undefined;

  constructor(
    private readonly api: MatrixApi,
    private readonly allow: AllowList,
  ) {}

  /** Told by an event of the room: `m.room.encryption` or an encrypted event means encrypted. */
  learn(roomId: string, type: string): void {
    if (type === 'm.room.encryption' || type === 'm.room.encrypted') this.known.set(roomId, true);
  }

  /** True when the room has `m.room.encryption` state (asked once, then remembered). */
  async isEncrypted(roomId: string): Promise<boolean> {
    const known = this.known.get(roomId);
    if (known !== undefined) return known;
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
    if (encrypted) this.known.set(roomId, true);
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
