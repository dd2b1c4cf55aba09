/**
 * The text events of an outbound Matrix message. A text within MAX_CHARS is one event with its
 * HTML; a longer one is split with the rich splitter into several events that each keep their
 * formatting (HTML between blocks, a long code block as several code blocks), instead of one
 * plain-text fallback: Matrix caps an event at 64 KiB with body and HTML both inside.
 */
import { parseMatrixHtml, renderMatrixHtml, splitRendered } from '../format/index.js';
import type { RichText } from '../types.js';
import { textContent } from './content.js';

/** Longest text sent as one event; Matrix caps events at 64 KiB with HTML and body both inside. */
export const MAX_CHARS = 16_000;

type Content = Record<string, unknown>;

export interface PartsInput {
  readonly text: string;
  readonly rich: RichText;
  readonly isEmote?: boolean;
}

/** One `m.text` (or `m.emote`) content per part; none for a blank text. */
export function textParts(input: PartsInput): Content[] {
  if (input.text.trim() === '') return [];
  if (input.text.length <= MAX_CHARS) return [textContent(input.text, input.rich, input.isEmote)];
  const html = splitRendered(input.rich, renderMatrixHtml, MAX_CHARS);
  // The plain body of each part is read back from its HTML (pills become the person's name).
  return html.map((part) => textContent(part, parseMatrixHtml(part), false));
}
