/**
 * Reactions Slack cannot show (an emoji Slack has no name for, or a custom emoji this workspace
 * does not have: `invalid_name`) become a short line as the person, in the reacted message's
 * thread: `_reacted :name:_`. The line's `ts` is remembered (in memory) so taking the reaction
 * back deletes it; after a restart the line stays (docs/slack.md, "Reactions").
 */
import type { ReactionAction } from '../types.js';

const KEPT = 2_000;

/** `:name:` stays as written (Slack shows it as text when it has no such emoji); Unicode too. */
export function reactionLine(emoji: string): string {
  return `_reacted ${emoji}_`;
}

export class ReactionLines {
  private readonly lines = new Map<string, string>();

  private key(action: ReactionAction): string {
    return `${action.externalId}\u0000${action.emoji}\u0000${action.sender.id}`;
  }

  remember(action: ReactionAction, ts: string): void {
    this.lines.set(this.key(action), ts);
    if (this.lines.size > KEPT) {
      const oldest = this.lines.keys().next().value;
      if (oldest !== undefined) this.lines.delete(oldest);
    }
  }

  /** The line posted for this reaction, forgotten as it is returned. */
  take(action: ReactionAction): string | undefined {
    const key = this.key(action);
    const ts = this.lines.get(key);
    this.lines.delete(key);
    return ts;
  }
}
