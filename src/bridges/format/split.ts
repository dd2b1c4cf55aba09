/**
 * Splitting long rendered messages for networks with a size limit. Parts are cut at the last
 * newline that fits, else the last space (that run of spaces and newlines is dropped), else at
 * the last whole character: never inside a UTF-8 sequence or a surrogate pair.
 */
import { SplitLimitError } from './errors.js';

/** `bytes`: UTF-8 bytes (IRC). `chars`: UTF-16 code units, which never undercounts a limit in characters. */
export type SplitUnit = 'bytes' | 'chars';

/** Size of the character starting at `i` and its length in code units. */
function charAt(text: string, i: number, unit: SplitUnit): { size: number; units: number } {
  const cp = text.codePointAt(i) ?? 0;
  const units = cp > 0xffff ? 2 : 1;
  if (unit === 'chars') return { size: units, units };
  // A lone surrogate is written as U+FFFD, three bytes.
  const size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  return { size, units };
}

/** Size of `text` in `unit`. */
export function measure(text: string, unit: SplitUnit = 'bytes'): number {
  if (unit === 'chars') return text.length;
  let size = 0;
  for (let i = 0; i < text.length;) {
    const c = charAt(text, i, unit);
    size += c.size;
    i += c.units;
  }
  return size;
}

/**
 * Splits `text` into parts of at most `limit` units, none of them blank. A blank text gives no parts.
 * @throws SplitLimitError when `limit` cannot hold one character.
 */
export function splitText(text: string, limit: number, unit: SplitUnit = 'bytes'): string[] {
  const minimum = unit === 'bytes' ? 4 : 2;
  if (!Number.isSafeInteger(limit) || limit < minimum) throw new SplitLimitError(limit, unit);
  const parts: string[] = [];
  // A part of only spaces and newlines shows nothing and would be refused: it is not sent.
  const push = (part: string): void => {
    if (!/^[ \n]*$/.test(part)) parts.push(part);
  };
  let pos = 0;
  while (pos < text.length) {
    // Find the furthest end that fits.
    let end = pos;
    let size = 0;
    while (end < text.length) {
      const c = charAt(text, end, unit);
      if (size + c.size > limit) break;
      size += c.size;
      end += c.units;
    }
    if (end >= text.length) {
      push(text.slice(pos));
      break;
    }
    const window = text.slice(pos, end);
    const newline = window.lastIndexOf('\n');
    const space = window.lastIndexOf(' ');
    const boundary = newline > 0 ? newline : space > 0 ? space : -1;
    if (boundary > 0) {
      push(window.slice(0, boundary));
      pos += boundary + 1;
      // The whole run of blanks at a cut goes, so no part starts blank or is only blanks
      // (Discord and Slack refuse a blank message).
      while (text[pos] === ' ' || text[pos] === '\n') pos++;
    } else {
      push(window);
      pos = end;
    }
  }
  return parts;
}

const STYLE_CODES = new Set(['\x02', '\x1d', '\x1e', '\x1f', '\x11']);

/** Formatting toggles still open at the end of an IRC line. */
function openStyles(line: string): string {
  const open = new Set<string>();
  for (const c of line) {
    if (c === '\x0f') open.clear();
    else if (STYLE_CODES.has(c)) {
      if (open.has(c)) open.delete(c);
      else open.add(c);
    }
  }
  return [...open].join('');
}

/**
 * Splits rendered IRC text into lines of at most `maxBytes` UTF-8 bytes each: one per input line
 * (empty lines dropped, IRC cannot send them), long lines split as splitText does, and formatting
 * that was open at a cut reopened on the next part. Colour codes are not tracked (we never write any).
 * @throws SplitLimitError when `maxBytes` is below 16.
 */
export function splitIrcLines(text: string, maxBytes: number): string[] {
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 16)
    throw new SplitLimitError(maxBytes, 'bytes');
  const out: string[] = [];
  for (const line of text.split(/\r?\n|\r/)) {
    if (line.trim() === '') continue;
    if (measure(line) <= maxBytes) {
      out.push(line);
      continue;
    }
    // Reserve room for the reopened toggles (at most one of each of the five).
    const parts = splitText(line, maxBytes - STYLE_CODES.size);
    let carry = '';
    for (const part of parts) {
      const full = carry + part;
      out.push(full);
      carry = openStyles(full);
    }
  }
  return out;
}
