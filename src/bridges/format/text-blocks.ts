/**
 * Quote and list layout shared by the plain-text markups (Discord, Slack, IRC): each line of a
 * quote gets a `>` prefix, each list item a marker, and an item's further lines are indented
 * under its first. The markups differ only in their bullet and in how an empty quote line looks.
 */
import type { ListNode } from './model.js';

/** Prefixes every line with `> ` (an empty line becomes `emptyLine`). */
export function quoteLines(text: string, emptyLine = '>'): string {
  return text
    .split('\n')
    .map((line) => (line === '' ? emptyLine : `> ${line}`))
    .join('\n');
}

/** Lays out rendered list items: `1.`/`2.`… when ordered, else `bullet`. */
export function listLines(
  list: ListNode,
  renderedItems: readonly string[],
  bullet: string,
): string {
  return renderedItems
    .map((text, i) => {
      const marker = list.ordered ? `${(list.start ?? 1) + i}.` : bullet;
      const indent = ' '.repeat(marker.length + 1);
      return text
        .split('\n')
        .map((line, j) => (j === 0 ? `${marker} ${line}` : `${indent}${line}`))
        .join('\n');
    })
    .join('\n');
}
