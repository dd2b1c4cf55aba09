/**
 * Deletes the adapter makes itself. Discord's MESSAGE_DELETE names neither the message's author
 * nor who deleted it, so the echo of our own delete would look like someone deleting on Discord.
 * A message id is marked before the DELETE goes out (the dispatch can beat the REST answer),
 * unmarked when the DELETE fails, and consumed by the dispatch it explains.
 */
const KEPT = 2_000;

export class OwnDeletes {
  private readonly pending = new Set<string>();

  /** We are about to delete Discord message `messageId`. */
  mark(messageId: string): void {
    this.pending.add(messageId);
    if (this.pending.size > KEPT) {
      const oldest = this.pending.values().next().value;
      if (oldest !== undefined) this.pending.delete(oldest);
    }
  }

  /** The delete did not happen: a later MESSAGE_DELETE of it is someone else's. */
  unmark(messageId: string): void {
    this.pending.delete(messageId);
  }

  /** True (once) when the MESSAGE_DELETE of `messageId` is the echo of our own delete. */
  consume(messageId: string): boolean {
    return this.pending.delete(messageId);
  }
}
