/**
 * What every adapter does with a long outbound text: split the rich model on formatting
 * boundaries (`splitRichText`: between blocks, a long code block as several whole code blocks),
 * and, for an edit, match the new parts to the parts the original was sent as.
 */
import { splitRichText } from './split-rich.js';
import type { SplitUnit } from './split.js';
import type { RichText } from './model.js';
import type { Converter, MentionResolver } from './types.js';

/**
 * Renders mention nodes whose `user.id` already is the target network's id: the router's
 * outbound `rich` carries them so (runtime/mentions-out.ts), so rendering it with this resolver
 * gives the action's `text`.
 */
export const idResolver: MentionResolver = {
  toUser: () => undefined,
  toNetwork: (user) => user.id,
};

/**
 * `rich` rendered by `render` (a converter's, e.g. `renderSlack`), in parts of at most `limit`
 * units each, cut between blocks and never inside a code fence (a code block longer than a part
 * becomes several code blocks).
 */
export function splitRendered(
  rich: RichText,
  render: Converter['render'],
  limit: number,
  unit: SplitUnit = 'chars',
): string[] {
  return splitRichText(rich, (part) => render(part, { resolver: idResolver }), limit, unit);
}

/** How an edit's new parts meet the parts the original was sent as (EditAction's rule). */
export interface EditPlan {
  /** The new text of each original part, in order; `''` means: delete that part. */
  readonly replace: readonly string[];
  /** Parts beyond the original's count, to be posted after it. */
  readonly append: readonly string[];
}

/** Part i replaces original part i; surplus originals are emptied, surplus parts appended. */
export function planEdit(parts: readonly string[], originals: number): EditPlan {
  const replace = Array.from({ length: originals }, (_, i) => parts[i] ?? '');
  return { replace, append: parts.slice(originals) };
}
