/**
 * The formatting layer: one rich-text model (model.ts) and a parse/render pair per markup.
 * Adapters declare their markup in their capabilities; the router converts with `convert`.
 */
import { discord } from './discord.js';
import { UnknownMarkupError } from './errors.js';
import { irc } from './irc.js';
import { markdown } from './markdown.js';
import { matrixHtml } from './matrix-html.js';
import { slack } from './slack.js';
import type { Converter, Markup, MentionResolver } from './types.js';

export type * from './model.js';
export type { Converter, FormatOptions, Markup, MentionResolver } from './types.js';
export { FormatError, SplitLimitError, UnknownMarkupError } from './errors.js';
export { parseMarkdown, renderMarkdown } from './markdown.js';
export {
  parseMatrixHtml,
  renderMatrixBody,
  renderMatrixContent,
  renderMatrixHtml,
} from './matrix-html.js';
export { escapeDiscord, parseDiscord, renderDiscord } from './discord.js';
export { parseSlack, renderSlack } from './slack.js';
export { type IrcOptions, parseIrc, renderIrc, stripControls } from './irc.js';
export { renderPlain, type PlainOptions } from './plain.js';
export { measure, splitIrcLines, splitText, type SplitUnit } from './split.js';
export { splitRichText } from './split-rich.js';
export { idResolver, planEdit, splitRendered, type EditPlan } from './outbound-parts.js';
export { mapMentions, mentionsOf } from './mention-nodes.js';

/** Every markup's converter. */
export const converters: Readonly<Record<Markup, Converter>> = {
  markdown,
  'matrix-html': matrixHtml,
  discord,
  slack,
  irc,
};

/** True when `name` is one of the markups. */
export function isMarkup(name: string): name is Markup {
  return Object.hasOwn(converters, name);
}

/**
 * The converter for `markup`.
 * @throws UnknownMarkupError for a name that is not a markup (e.g. from an untyped config).
 */
export function converterFor(markup: string): Converter {
  if (!isMarkup(markup)) throw new UnknownMarkupError(markup);
  return converters[markup];
}

/**
 * Converts `text` from one markup to another. `resolver` reads the source's mentions; `toResolver`
 * (default: the same) writes the target's. Pure and synchronous.
 */
export function convert(
  text: string,
  from: Markup,
  to: Markup,
  resolver?: MentionResolver,
  toResolver: MentionResolver | undefined = resolver,
): string {
  const rich = converterFor(from).parse(text, resolver ? { resolver } : {});
  return converterFor(to).render(rich, toResolver ? { resolver: toResolver } : {});
}
