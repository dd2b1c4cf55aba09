/**
 * Discord roles ↔ Multichat roles, from `bridges.discord.roles` (a role id or name → member,
 * moderator or admin). A member with several mapped roles gets the highest; the reverse lookup
 * gives the Discord roles that stand for a Multichat role.
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
