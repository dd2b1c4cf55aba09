/**
 * `m.room.power_levels` ↔ Multichat roles. Matrix has numbers, Multichat has four roles; the
 * mapping follows Element's labels: 100 Admin, 50 Moderator, the default Member. A ban is a
 * membership in Matrix, not a level, and is reported from `m.room.member`.
 */
import type { LinkTarget } from '../types.js';

export type Role = 'member' | 'moderator' | 'admin' | 'banned';

export const ADMIN_LEVEL = 100;
export const MODERATOR_LEVEL = 50;

export interface PowerLevels {
  readonly users?: Readonly<Record<string, number>>;
  readonly users_default?: number;
  readonly [key: string]: unknown;
}

/** The role a power level stands for in a room whose default is `usersDefault`. */
export function roleOfLevel(level: number, usersDefault = 0): Role {
  if (level >= ADMIN_LEVEL) return 'admin';
  if (level >= MODERATOR_LEVEL && level > usersDefault) return 'moderator';
  return 'member';
}

/** The power level a role gets; `undefined` means "no entry" (the room default). */
export function levelOfRole(role: Role): number | undefined {
  if (role === 'admin') return ADMIN_LEVEL;
  if (role === 'moderator') return MODERATOR_LEVEL;
  return undefined;
}

/** A user whose role changed in a `m.room.power_levels` event. */
export interface LevelChange {
  readonly userId: string;
  readonly role: Role;
}

/** Users whose role differs between `before` and `after` (levels between roles do not count). */
export function roleChanges(before: PowerLevels | undefined, after: PowerLevels): LevelChange[] {
  const oldDefault = before?.users_default ?? 0;
  const newDefault = after.users_default ?? 0;
  const users = new Set([...Object.keys(before?.users ?? {}), ...Object.keys(after.users ?? {})]);
  const out: LevelChange[] = [];
  for (const userId of users) {
    const was = roleOfLevel(before?.users?.[userId] ?? oldDefault, oldDefault);
    const now = roleOfLevel(after.users?.[userId] ?? newDefault, newDefault);
    if (was !== now) out.push({ userId, role: now });
  }
  return out;
}

/** A copy of `levels` with `userId` at the level of `role`. */
export function withRole(levels: PowerLevels, userId: string, role: Role): PowerLevels {
  const users: Record<string, number> = { ...(levels.users ?? {}) };
  const level = levelOfRole(role);
  if (level === undefined) delete users[userId];
  else users[userId] = level;
  return { ...levels, users };
}

/**
 * A role change seen in a linked room. Not (yet) an event of the adapter contract, so the
 * adapter reports it to `onRoleChange` listeners; the wiring turns it into a `setRole` intent.
 */
export interface RoleChangeEvent {
  readonly target: LinkTarget;
  /** The Matrix user whose role changed (a real user, or one of our ghosts). */
  readonly userId: string;
  /** When `userId` is a ghost: the Multichat person it stands for. */
  readonly personId?: string;
  readonly role: Role;
  /** Who changed it. */
  readonly by: string;
}
