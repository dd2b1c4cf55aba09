/**
 * Reactions the bot sent into encrypted rooms. Removing a reaction needs its event id, which
 * the contract does not carry; in a plain room it is found among the message's annotations,
 * but there the reaction is an `m.room.encrypted` event whose key nobody but the members can
 * read. So the bot remembers, when it sends one, which event holds (room, message, emoji), in
 * the adapter's memos (AdapterComponents.memos) so a removal after a restart still finds it.
 * The bot reacts once per person (the room key hides the duplicate from the homeserver), so
 * the ids of one (room, message, emoji) are a list and each removal redacts one of them.
 */
import type { AdapterLogger, AdapterMemos } from '../types.js';
import { MemoMap } from '../memo/index.js';

export class SealedReactions {
  private readonly map: MemoMap;

  constructor(memos: AdapterMemos | undefined, logger: AdapterLogger) {
    this.map = new MemoMap('matrix', 'sealed-reaction', memos, logger);
  }

  /** No NUL in memo text (PostgreSQL): room and event ids never hold a space. */
  private static key(room: string, target: string, emoji: string): string {
    return `${room} ${target} ${emoji}`;
  }

  async remember(room: string, target: string, emoji: string, reactionId: string): Promise<void> {
    const key = SealedReactions.key(room, target, emoji);
    const ids = ((await this.map.get(key)) ?? '').split(' ').filter((id) => id !== '');
    // A retried send gets the same event id back: remembered once.
    if (!ids.includes(reactionId)) ids.push(reactionId);
    await this.map.set(key, ids.join(' '));
  }

  /** One reaction's event id, forgotten as it is returned; undefined when none is left. */
  async take(room: string, target: string, emoji: string): Promise<string | undefined> {
    const key = SealedReactions.key(room, target, emoji);
    const ids = ((await this.map.get(key)) ?? '').split(' ').filter((id) => id !== '');
    const id = ids.pop();
    if (id === undefined) return undefined;
    if (ids.length === 0) await this.map.delete(key);
    else await this.map.set(key, ids.join(' '));
    return id;
  }
}
