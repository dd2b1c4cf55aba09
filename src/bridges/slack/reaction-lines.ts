/**
 * Reactions Slack cannot show (an emoji Slack has no name for, or a custom emoji this workspace
 * does not have: `invalid_name`) become a short line as the person, in the reacted message's
 * thread: `_reacted :name:_`. The line's `ts` is kept as a memo (the mapping store), so taking
 * the reaction back deletes it, also after a restart (docs/slack.md, "Reactions").
 */
import { MemoMap } from '../memo/index.js';
import type { AdapterLogger, AdapterMemos, ReactionAction } from '../types.js';

const KEPT = 2_000;

/** `:name:` stays as written (Slack shows it as text when it has no such emoji); Unicode too. */
export function reactionLine(emoji: string): string {
  return `_reacted ${emoji}_`;
}

export class ReactionLines {
  /** The line's `ts` per reaction and person. */
  private readonly lines: MemoMap;

  constructor(memos: AdapterMemos | undefined, logger: AdapterLogger) {
    this.lines = new MemoMap('slack', 'reaction-line', memos, logger, KEPT);
  }

  /** JSON rather than a separator: memo keys may hold no NUL (PostgreSQL refuses them). */
  private key(action: ReactionAction): string {
    return JSON.stringify([action.externalId, action.emoji, action.sender.id]);
  }

  async remember(action: ReactionAction, ts: string): Promise<void> {
    await this.lines.set(this.key(action), ts);
  }

  /** The line posted for this reaction, forgotten as it is returned. */
  async take(action: ReactionAction): Promise<string | undefined> {
    const key = this.key(action);
    const ts = await this.lines.get(key);
    if (ts !== undefined) await this.lines.delete(key);
    return ts;
  }
}
