/**
 * Discord roles ↔ Multichat roles, from `bridges.discord.roles` (a role id or name → member,
 * moderator or admin). A member with several mapped roles gets the highest; the reverse lookup
 * gives the Discord roles that stand for a Multichat role. `MemberRoles` tells which
 * GUILD_MEMBER_UPDATE changed a member's mapped role (the event carries only the new roles).
 */
import type { MappedRole } from './config.js';

const RANK: Readonly<Record<MappedRole, number>> = { member: 1, moderator: 2, admin: 3 };

export interface RoleInfo {
  readonly id: string;
  readonly name: string;
}

/** The highest Multichat role any of `roles` maps to, or undefined when none is mapped. */
export function multichatRoleOf(
  roles: readonly RoleInfo[],
  mapping: Readonly<Record<string, MappedRole>>,
): MappedRole | undefined {
  let best: MappedRole | undefined;
  for (const role of roles) {
    const mapped = mapping[role.id] ?? mapping[role.name];
    if (mapped !== undefined && (best === undefined || RANK[mapped] > RANK[best])) best = mapped;
  }
  return best;
}

/** The guild roles (of `available`) configured to stand for Multichat role `role`. */
export function discordRolesFor(
  role: MappedRole,
  available: readonly RoleInfo[],
  mapping: Readonly<Record<string, MappedRole>>,
): RoleInfo[] {
  return available.filter((r) => (mapping[r.id] ?? mapping[r.name]) === role);
}

/**
 * The last mapped role seen per guild member. GUILD_MEMBER_UPDATE also comes for nick and avatar
 * changes and says nothing about the roles before, so a role is reported only when it differs
 * from the one seen last; the first update of a member after start is reported only when it
 * maps above `member` (reporting every first sight as `member` would pull people into linked
 * channels on a nick change). Holds one entry per member seen, a few bytes each.
 */
export class MemberRoles {
  private readonly known = new Map<string, MappedRole>();

  constructor(private readonly mapping: Readonly<Record<string, MappedRole>>) {}

  /** The role to report for this update, or undefined when nothing mapped changed. */
  update(guildId: string, userId: string, roles: readonly RoleInfo[]): MappedRole | undefined {
    if (Object.keys(this.mapping).length === 0) return undefined;
    const now = multichatRoleOf(roles, this.mapping) ?? 'member';
    const key = `${guildId}/${userId}`;
    const before = this.known.get(key);
    this.known.set(key, now);
    if (before === undefined) return now === 'member' ? undefined : now;
    return before === now ? undefined : now;
  }
}
