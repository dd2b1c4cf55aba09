/**
 * Splitting a message before rendering, so that parts break between blocks and a long code block
 * becomes several whole code blocks, instead of a fence being cut in two (which would show the
 * rest of the message as code on Discord or Slack). Text too long for one part falls back to
 * splitText on its rendering.
 */
import type { Block, CodeBlockNode, RichText } from './model.js';
import { type SplitUnit, measure, splitText } from './split.js';

/** Parts of `text` rendered with `render`, each at most `limit` units. */
export function splitRichText(
  text: RichText,
  render: (text: RichText) => string,
  limit: number,
  unit: SplitUnit = 'chars',
): string[] {
  const size = (blocks: readonly Block[]): number => measure(render({ blocks }), unit);
  // Blocks are joined by at most two characters ("\n\n") in every markup we render.
  const joint = 2;
  const out: string[] = [];
  let group: Block[] = [];
  let groupSize = 0;
  const flush = (): void => {
    if (group.length === 0) return;
    const rendered = render({ blocks: group });
    // The running total is an estimate (a renderer may join blocks differently): check it.
    out.push(...(measure(rendered, unit) <= limit ? [rendered] : splitText(rendered, limit, unit)));
    group = [];
    groupSize = 0;
  };
  for (const block of text.blocks) {
    const alone = size([block]);
    if (group.length > 0 && groupSize + joint + alone <= limit) {
      group.push(block);
      groupSize += joint + alone;
      continue;
    }
    flush();
    if (alone <= limit) {
      group = [block];
      groupSize = alone;
    } else if (block.type === 'codeBlock') {
      out.push(...splitCodeBlock(block, render, limit, unit));
    } else {
      out.push(...splitText(render({ blocks: [block] }), limit, unit));
    }
  }
  flush();
  return out.filter((part) => part.trim() !== '');
}

/** A code block too long for one part, as several code blocks that each fit. */
function splitCodeBlock(
  block: CodeBlockNode,
  render: (text: RichText) => string,
  limit: number,
  unit: SplitUnit,
): string[] {
  const renderCode = (text: string): string => render({ blocks: [{ ...block, text }] });
  const overhead = measure(renderCode(''), unit);
  // What one line adds once rendered (escapes included, e.g. Slack `&lt;`), with its newline.
  const cost = (line: string): number => measure(renderCode(line), unit) - overhead + 1;
  const room = limit - overhead;
  if (room < (unit === 'bytes' ? 4 : 2)) return splitText(renderCode(block.text), limit, unit);
  const pieces: string[][] = [];
  let piece: string[] = [];
  let used = 0;
  for (const line of block.text.split('\n')) {
    const c = cost(line);
    if (piece.length > 0 && used + c > room) {
      pieces.push(piece);
      piece = [];
      used = 0;
    }
    piece.push(line);
    used += c;
  }
  if (piece.length > 0) pieces.push(piece);
  return pieces.flatMap((lines) => {
    const rendered = renderCode(lines.join('\n'));
    // A single line longer than a part is cut as text: the one case where a fence breaks.
    return measure(rendered, unit) <= limit ? [rendered] : splitText(rendered, limit, unit);
  });
}
