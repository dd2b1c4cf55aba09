/**
 * Channel privileges from MODE and NAMES → Multichat roles: owner/admin (`q`, `a`) → admin,
 * op/halfop (`o`, `h`) → moderator, voice and nothing → member. Voice is only a right to speak in
 * a moderated (+m) channel, not a moderation power, so it stays `member`. Changes are returned
 * by `mode` (the inbound translator emits them as `role` events) and reported to listeners (the
 * adapter's `onRoleChange`); `roleOf` and `hasOp` read the current state.
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
/** Prefix modes that may give and take `+o` (a halfop may not, on common servers). */
const OP_MODES = ['q', 'a', 'o'];

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

  /** True when `nick` may op and deop others in `channel` (`+o` or above). */
  hasOp(channel: string, nick: string): boolean {
    const modes = this.modes.get(ircLower(channel))?.get(ircLower(nick));
    return modes !== undefined && OP_MODES.some((m) => modes.has(m));
  }

  /**
   * A MODE line: `+o nick`, `-v nick`… (channel modes without a nick are ignored). Returns the
   * role changes it made, in order.
   */
  mode(
    channel: string,
    changes: readonly { readonly mode: string; readonly param?: string }[],
  ): RoleChange[] {
    const out: RoleChange[] = [];
    for (const { mode, param } of changes) {
      const letter = mode.slice(1);
      if (!param || !PREFIX_MODES.has(letter)) continue;
      const before = this.roleOf(channel, param);
      const set = this.entry(channel, param);
      if (mode.startsWith('+')) set.add(letter);
      else set.delete(letter);
      const after = roleFrom(set);
      if (after === before) continue;
      const change = { channel: ircLower(channel), nick: param, role: after };
      out.push(change);
      this.onChange(change);
    }
    return out;
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
