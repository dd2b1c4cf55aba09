/**
 * Channel privileges from MODE and NAMES → Multichat roles: owner/admin (`q`, `a`) → admin,
 * op/halfop (`o`, `h`) → moderator, voice and nothing → member. The contract has no inbound role
 * event yet, so changes are reported to listeners (the adapter's `onRoleChange`) and can be read
 * with `roleOf`.
 */
import { ircLower } from './nick.js';

export type IrcRole = 'admin' | 'moderator' | 'member';

/** One change of a person's role in a channel. */
export interface RoleChange {
  readonly channel: string;
  readonly nick: string;
  readonly role: IrcRole;
}

const PREFIX_MODES = new Set(['q', 'a', 'o', 'h', 'v']);

function roleFrom(modes: ReadonlySet<string>): IrcRole {
  if (modes.has('q') || modes.has('a')) return 'admin';
  if (modes.has('o') || modes.has('h')) return 'moderator';
  return 'member';
}

export class Roles {
  private readonly modes = new Map<string, Map<string, Set<string>>>();

  constructor(private readonly onChange: (change: RoleChange) => void) {}

  roleOf(channel: string, nick: string): IrcRole {
    return roleFrom(this.modes.get(ircLower(channel))?.get(ircLower(nick)) ?? new Set());
  }

  /** A MODE line: `+o nick`, `-v nick`… (channel modes without a nick are ignored). */
  mode(
    channel: string,
    changes: readonly { readonly mode: string; readonly param?: string }[],
  ): void {
    for (const { mode, param } of changes) {
      const letter = mode.slice(1);
      if (!param || !PREFIX_MODES.has(letter)) continue;
      const before = this.roleOf(channel, param);
      const set = this.entry(channel, param);
      if (mode.startsWith('+')) set.add(letter);
      else set.delete(letter);
      const after = roleFrom(set);
      if (after !== before) this.onChange({ channel: ircLower(channel), nick: param, role: after });
    }
  }

  /** NAMES on join: each member's prefix modes (no change events: this is the starting state). */
  names(
    channel: string,
    users: readonly { readonly nick: string; readonly modes: readonly string[] }[],
  ): void {
    const map = new Map<string, Set<string>>();
    for (const u of users) map.set(ircLower(u.nick), new Set(u.modes));
    this.modes.set(ircLower(channel), map);
  }

  forget(channel: string, nick: string): void {
    this.modes.get(ircLower(channel))?.delete(ircLower(nick));
  }

  rename(from: string, to: string): void {
    for (const map of this.modes.values()) {
      const set = map.get(ircLower(from));
      if (!set) continue;
      map.delete(ircLower(from));
      map.set(ircLower(to), set);
    }
  }

  private entry(channel: string, nick: string): Set<string> {
    const map = this.modes.get(ircLower(channel)) ?? new Map<string, Set<string>>();
    this.modes.set(ircLower(channel), map);
    const set = map.get(ircLower(nick)) ?? new Set<string>();
    map.set(ircLower(nick), set);
    return set;
  }
}
