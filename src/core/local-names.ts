/**
 * What a node refuses when one of its own users names something new (docs/protocol.md, "Names").
 * Peers' entries are not held to these rules, which depend on what this node happens to know:
 * the logics cannot apply them alike on every replica, so they guard local writes only.
 */
import { NameTakenError, ValidationError } from './errors.js';
import { usernameProblem } from './logics/profile.js';
import { normalizeName } from './names.js';
import type { ChannelView, Intent, UserId, UserView } from './types.js';

/** The reads these checks need (CoreQueries provides them). */
export interface NameLookups {
  findChannelsByName(name: string): ChannelView[];
  usersLike(name: string): { id: UserId; username: string }[];
  getUser(id: UserId): UserView | undefined;
}

/** A new channel's name must not be one this node knows already: 409 naming the holder. */
export function checkNewChannelName(q: NameLookups, name: unknown): void {
  if (typeof name !== 'string') return; // the intent reports the type
  const existing = q.findChannelsByName(normalizeName(name))[0];
  if (existing) {
    throw new NameTakenError(
      'name',
      existing.id,
      `a channel named '${existing.name}' exists already: ${existing.id}; pick another name or use that id`,
    );
  }
}

/**
 * The NFC form of a new local user's name, or of the new name of local user `self`. Refused: an
 * invalid name (400), the name of another native user of this node, or a name that looks like
 * another user's different name (409 naming that user). The same name as a user of another node
 * or network is allowed (ids tell them apart) and flagged in user views (`lookalikeOf`).
 */
export function checkNewUsername(q: NameLookups, username: unknown, self?: UserId): string {
  if (typeof username !== 'string') {
    throw new ValidationError('username', 'username must be a string');
  }
  const name = normalizeName(username);
  const issue = usernameProblem(name);
  if (issue) {
    const message = issue.message.startsWith('username:')
      ? issue.message
      : `username: ${issue.message}`;
    throw new ValidationError('username', message);
  }
  for (const other of q.usersLike(name)) {
    if (other.id === self) continue;
    if (other.username === name) {
      // The same name held elsewhere (another node, a bridged person) is not impersonation here.
      const holder = q.getUser(other.id);
      if (!holder?.local || holder.origin) continue;
      throw new NameTakenError('username', other.id, `username ${name} is taken by ${other.id}`);
    }
    throw new NameTakenError(
      'username',
      other.id,
      `username ${name} looks like the username '${other.username}' of ${other.id}; pick another name`,
    );
  }
  return name;
}

/** The name checks of an intent a local user submits: a new channel's name, a new username. */
export function checkLocalNames(q: NameLookups, actor: UserId, intent: Intent): void {
  if (intent.kind === 'createChannel') checkNewChannelName(q, intent.name);
  if (intent.kind === 'updateProfile' && intent.username !== undefined) {
    checkNewUsername(q, intent.username, actor);
  }
}
