/**
 * External message ids. IRC messages have no ids, so the adapter makes them: unique per adapter
 * run (time + counter) and carrying the author's nick after the last `:`, so a reply or reaction
 * to a message can still name its author after a restart. A bounded cache keeps the text of
 * recent messages for reaction excerpts.
 */
import type { ExternalMessageId } from '../types.js';

const CACHE_SIZE = 2_000;

export class MessageIds {
  private seq = 0;
  private readonly recent = new Map<string, string>();

  constructor(private readonly now: () => number) {}

  /** A new id for a message (or part `part` of one) written by `nick`, remembering its text. */
  next(nick: string, text: string, part = 0): ExternalMessageId {
    const id =
      `${this.now().toString(36)}.${(++this.seq).toString(36)}.${part}:${nick}` as ExternalMessageId;
    this.recent.set(id, text);
    if (this.recent.size > CACHE_SIZE) {
      const oldest = this.recent.keys().next().value;
      if (oldest !== undefined) this.recent.delete(oldest);
    }
    return id;
  }

  /** The text of a recent message, if this process still remembers it. */
  textOf(id: string): string | undefined {
    return this.recent.get(id);
  }
}

/** The author nick an id carries (empty for ids this adapter did not make). */
export function nickOf(id: string): string {
  const at = id.lastIndexOf(':');
  return at >= 0 ? id.slice(at + 1) : '';
}
