/**
 * Typing on Matrix, both ways.
 * - In: the homeserver pushes `m.typing` ephemeral events to the appservice (registration
 *   `receive_ephemeral: true`, MSC2409) for rooms our users are in; each one is the room's whole
 *   set of people typing now. A real user who enters the set is `typing` active, one who leaves
 *   it inactive. Our ghosts and the bot are left out (our own echoes).
 * - Out: `PUT /rooms/{room}/typing/{ghost}` as the bridged person's ghost (joined first, with
 *   its name), with a 30 s timeout the next notice renews; `active: false` clears it at once.
 */
import type { ExternalSender, InboundEvent, TypingUpdate } from '../types.js';
import type { MatrixApi } from './api.js';
import type { Ghosts } from './ghosts.js';
import type { RawEvent } from './host.js';
import { personOfGhost, type GhostNaming } from './ids.js';

/** How long a ghost shows as typing without a renewal (Discord renews every ~10 s). */
export const TYPING_TIMEOUT_MS = 30_000;

export interface TypingInDeps {
  readonly naming: GhostNaming;
  readonly botUserId: string;
  sender(userId: string): Promise<ExternalSender>;
  emit(event: InboundEvent): void;
}

export class TypingIn {
  /** Real users typing now, per room, as the last `m.typing` said. */
  private readonly typing = new Map<string, ReadonlySet<string>>();

  constructor(private readonly deps: TypingInDeps) {}

  /** True when the event was `m.typing` (handled here), false for other ephemeral types. */
  async handle(event: RawEvent): Promise<boolean> {
    if (event.type !== 'm.typing') return false;
    const room = event.room_id;
    const content = event['content'] as { user_ids?: unknown } | undefined;
    if (typeof room !== 'string' || !Array.isArray(content?.user_ids)) return true;
    const now = new Set(
      content.user_ids.filter((u): u is string => typeof u === 'string' && this.isReal(u)),
    );
    const before = this.typing.get(room) ?? new Set<string>();
    if (now.size === 0) this.typing.delete(room);
    else this.typing.set(room, now);
    for (const user of now) if (!before.has(user)) await this.emit(room, user, true);
    for (const user of before) if (!now.has(user)) await this.emit(room, user, false);
    return true;
  }

  private isReal(userId: string): boolean {
    return userId !== this.deps.botUserId && personOfGhost(this.deps.naming, userId) === undefined;
  }

  private async emit(room: string, userId: string, active: boolean): Promise<void> {
    const sender = await this.deps.sender(userId);
    this.deps.emit({ kind: 'typing', target: { room }, sender, active });
  }
}

/** Shows the ghost of `update.sender` typing (or not) in the target's room. */
export async function setGhostTyping(
  deps: { api: MatrixApi; ghosts: Ghosts; roomOf(target: TypingUpdate['target']): Promise<string> },
  update: TypingUpdate,
): Promise<void> {
  const room = await deps.roomOf(update.target);
  const ghost = await deps.ghosts.ensure(update.sender, room);
  const body = update.active ? { typing: true, timeout: TYPING_TIMEOUT_MS } : { typing: false };
  await deps.api.request(
    'PUT',
    `/_matrix/client/v3/rooms/${encodeURIComponent(room)}/typing/${encodeURIComponent(ghost)}`,
    { body, asUser: ghost },
  );
}
