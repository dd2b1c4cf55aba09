/**
 * The rules for names people read: usernames, channel names and channel topics (docs/protocol.md,
 * "Names"). Pure functions, shared by the resource logics (entries from peers), the intents (local
 * writes) and the HTTP layer (400 before anything is written).
 *
 * A name is stored in Unicode NFC and carries no character that changes how the text around it is
 * shown or hides itself: control characters (C0, DEL, C1: NUL, newlines, ESC of ANSI sequences),
 * bidi controls (embeddings, overrides, isolates, marks), zero-width and other invisible
 * formatting characters, Unicode tag characters and unpaired surrogates. A topic may in addition
 * hold line feeds, so it can have paragraphs; nothing else of that list.
 */
import { ValidationError } from './errors.js';

/** Which kind of text is checked; a topic may contain line feeds. */
export type NameKind = 'username' | 'channel name' | 'topic';

/** [first, last] code point ranges refused in every name. */
const FORBIDDEN_RANGES: readonly (readonly [number, number])[] = [
  [0x0000, 0x001f], // C0 controls: NUL, tab, newlines, ESC
  [0x007f, 0x009f], // DEL and C1 controls (CSI 0x9B starts ANSI sequences too)
  [0x00ad, 0x00ad], // soft hyphen: invisible
  [0x034f, 0x034f], // combining grapheme joiner: invisible
  [0x061c, 0x061c], // Arabic letter mark (bidi)
  [0x115f, 0x1160], // Hangul fillers: render as blank
  [0x180e, 0x180e], // Mongolian vowel separator: invisible
  [0x200b, 0x200f], // zero-width space/non-joiner/joiner, LRM, RLM
  [0x2028, 0x202e], // line/paragraph separators, bidi embeddings and overrides
  [0x2060, 0x2064], // word joiner and invisible operators
  [0x2066, 0x206f], // bidi isolates and deprecated format characters
  [0x3164, 0x3164], // Hangul filler
  [0xfeff, 0xfeff], // zero-width no-break space (BOM)
  [0xffa0, 0xffa0], // halfwidth Hangul filler
  [0xfff9, 0xfffb], // interlinear annotation controls
  [0xe0000, 0xe007f], // tag characters: invisible text
];

const LINE_FEED = 0x0a;

function forbiddenCodePoint(cp: number): boolean {
  return FORBIDDEN_RANGES.some(([first, last]) => cp >= first && cp <= last);
}

function isSurrogate(cp: number): boolean {
  return cp >= 0xd800 && cp <= 0xdfff;
}

/** `U+202E` for 0x202e: how an error names a character without printing it. */
export function codePointLabel(cp: number): string {
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** The first character `text` may not contain as a `kind`, or undefined when it has none. */
export function forbiddenCharacter(text: string, kind: NameKind): number | undefined {
  for (const char of text) {
    const cp = char.codePointAt(0) as number;
    if (kind === 'topic' && cp === LINE_FEED) continue;
    // A lone surrogate iterates as one unit; a valid pair iterates as one code point above 0xFFFF.
    if (forbiddenCodePoint(cp) || isSurrogate(cp)) return cp;
  }
  return undefined;
}

/**
 * Why `text` is not a valid stored `kind` (already NFC, no forbidden character), or undefined.
 * The message names the character by code point, never by printing it.
 */
export function nameProblem(text: string, kind: NameKind): string | undefined {
  const cp = forbiddenCharacter(text, kind);
  if (cp !== undefined) {
    return `a ${kind} may not contain ${codePointLabel(cp)} (control, bidi, invisible or unpaired character)`;
  }
  if (text.normalize('NFC') !== text) return `a ${kind} must be in Unicode NFC form`;
  return undefined;
}

/** NFC form of a name typed locally: what the intents store. */
export function normalizeName(text: string): string {
  return text.normalize('NFC');
}

/**
 * A name from another network made acceptable: forbidden characters become a space (so words do
 * not merge), runs of spaces collapse, the ends are trimmed, NFC. Never throws: a bad display name
 * must not cost a message.
 */
export function sanitizeExternalName(text: string): string {
  let out = '';
  for (const char of text.normalize('NFC')) {
    const cp = char.codePointAt(0) as number;
    out += forbiddenCodePoint(cp) || isSurrogate(cp) ? ' ' : char;
  }
  return out.replace(/ {2,}/g, ' ').trim();
}

const SHORTCODE = /^:[A-Za-z0-9_+~'-]+(?:::[A-Za-z0-9_+~'-]+)*:$/;
const EMOJI_PART =
  /^[\p{Extended_Pictographic}\p{Emoji_Component}\p{Emoji_Presentation}\p{Emoji}]$/u;
const EMOJI_CORE = /[\p{Extended_Pictographic}\p{Regional_Indicator}\u20e3]/u;

/** The longest reaction key, in UTF-16 units (a family emoji with skin tones fits). */
export const MAX_REACTION_KEY = 64;

/**
 * Why `key` is not a reaction key, or undefined. A key is a `:shortcode:` (letters, digits,
 * `_+~'-`, Slack's `:name::skin-tone-2:` too) or one emoji sequence: emoji characters, their
 * components (ZWJ, variation selectors, skin tones, keycaps, tags of subdivision flags) and at
 * least one pictograph, flag letter or keycap. Nothing else: no spaces, slashes, percent signs or
 * control characters, so a key is safe in a path, a log line and every network it is bridged to.
 */
export function reactionKeyProblem(key: string): string | undefined {
  if (key.length < 1 || key.length > MAX_REACTION_KEY) {
    return `a reaction has 1 to ${MAX_REACTION_KEY} characters`;
  }
  if (SHORTCODE.test(key)) return undefined;
  for (const char of key) {
    if (!EMOJI_PART.test(char)) {
      return `a reaction is one emoji or a :shortcode:; ${codePointLabel(char.codePointAt(0) as number)} is neither`;
    }
  }
  return EMOJI_CORE.test(key) ? undefined : 'a reaction is one emoji or a :shortcode:';
}

/**
 * The NFC form of a name typed locally, or ValidationError naming `field` and the first forbidden
 * character: what the intents store and what the HTTP API answers 400 with.
 */
export function requireName(field: string, text: unknown, kind: NameKind): string {
  if (typeof text !== 'string') throw new ValidationError(field, `${field} must be a string`);
  const normal = normalizeName(text);
  const issue = nameProblem(normal, kind);
  if (issue) throw new ValidationError(field, `${field}: ${issue}`);
  return normal;
}
