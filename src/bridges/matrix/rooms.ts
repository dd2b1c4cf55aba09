/**
 * Linked rooms: resolving aliases to room ids (creating portal rooms for aliases in our
 * namespace), the bot's membership, and setting power levels for Multichat role changes.
 */
import { DeliveryError } from '../errors.js';
import type { LinkTarget } from '../types.js';
import type { MatrixApi } from './api.js';
import type { Ghosts } from './ghosts.js';
import { channelOfPortalAlias, ghostUserId, type GhostNaming } from './ids.js';
import { levelOfRole, withRole, type PowerLevels, type Role } from './power-levels.js';
import { matrixTarget } from './target.js';

export class Rooms {
  private readonly aliases = new Map<string, string>();

  constructor(
    private readonly api: MatrixApi,
    private readonly ghosts: Ghosts,
    private readonly naming: GhostNaming,
    private readonly botUserId: string,
    /** True when an encrypted room may be linked (encryption on, the room allowed). */
    private readonly acceptsEncrypted: (roomId: string) => Promise<boolean> = async () => false,
  ) {}

  /** The room id a target names (aliases looked up once). @throws DeliveryError */
  async roomOf(target: LinkTarget): Promise<string> {
    const { room } = matrixTarget(target);
    if (room.startsWith('!')) return room;
    const known = this.aliases.get(room);
    if (known) return known;
    const id = await this.api.resolveAlias(room);
    if (!id)
      throw new DeliveryError(`the Matrix alias ${room} does not exist`, { permanent: true });
    this.aliases.set(room, id);
    return id;
  }

  /**
   * The canonical target of a link: `{room: '!id'}`. An alias of our portal namespace that does
   * not exist yet gets its room created; the bot joins the room (it must be invited to a
   * private one). @throws DeliveryError (permanent when the room cannot be used)
   */
  async resolve(target: LinkTarget): Promise<LinkTarget> {
    const { room } = matrixTarget(target);
    let id = room.startsWith('!') ? room : await this.api.resolveAlias(room);
    if (!id) {
      const channel = channelOfPortalAlias(this.naming, room);
      if (channel === undefined)
        throw new DeliveryError(`the Matrix alias ${room} does not exist`, { permanent: true });
      id = await this.createPortal(room, channel);
    }
    if (room.startsWith('#')) this.aliases.set(room, id);
    try {
      await this.ghosts.join(this.botUserId, id);
    } catch (error) {
      throw new DeliveryError(
        `the bridge bot ${this.botUserId} cannot join ${room}: invite it first (${(error as Error).message})`,
        {
          permanent: true,
          cause: error,
        },
      );
    }
    // Without encryption on (or the room allowed) the bridge could not read it: refuse the link
    // rather than bridge nothing.
    if ((await this.api.getState(id, 'm.room.encryption')) && !(await this.acceptsEncrypted(id))) {
      throw new DeliveryError(
        `${room} is an end-to-end encrypted room; encrypted rooms are not bridged unless bridges.matrix.encryption is enabled and allows it`,
        {
          permanent: true,
        },
      );
    }
    return { room: id };
  }

  /** Creates the portal room of `channel` under `alias` (public, the bot as its creator). */
  async createPortal(alias: string, channel: string): Promise<string> {
    const localpart = alias.slice(1, alias.indexOf(':'));
    const res = await this.api.request<{ room_id: string }>(
      'POST',
      '/_matrix/client/v3/createRoom',
      {
        body: {
          room_alias_name: localpart,
          name: channel,
          topic: `Bridged to the Multichat channel ${channel}`,
          preset: 'public_chat',
          visibility: 'private',
          // The bot creates the room, so it holds the top power level (room v12 makes creators
          // privileged; earlier versions give the creator 100).
        },
      },
    );
    this.aliases.set(alias, res.room_id);
    return res.room_id;
  }

  /** Sets the power level (or the ban) for a role, as the bot. */
  async setRole(
    target: LinkTarget,
    who: { matrixUserId: string } | { personId: string },
    role: Role,
  ): Promise<void> {
    const room = await this.roomOf(target);
    const userId =
      'matrixUserId' in who ? who.matrixUserId : ghostUserId(this.naming, who.personId);
    if (role === 'banned') {
      await this.api.request('POST', `/_matrix/client/v3/rooms/${encodeURIComponent(room)}/ban`, {
        body: { user_id: userId, reason: 'banned in Multichat' },
      });
      return;
    }
    const levels = (await this.api.getState<PowerLevels>(room, 'm.room.power_levels')) ?? {};
    // The `member` role every join brings must not write a state event each time.
    if (levels.users?.[userId] === levelOfRole(role)) return;
    await this.api.putState(room, 'm.room.power_levels', '', withRole(levels, userId, role));
  }

  /** The room's `m.room.topic`, as the bot (an empty topic clears it). */
  async setTopic(target: LinkTarget, topic: string): Promise<void> {
    await this.api.putState(await this.roomOf(target), 'm.room.topic', '', { topic });
  }
}
