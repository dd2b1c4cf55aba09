/**
 * Slack emoji short names ↔ Unicode. Slack names reactions (`thumbsup`, `+1::skin-tone-2`) and
 * writes emoji in message text as `:name:`; the data is `emoji-datasource` (iamcal's emoji-data,
 * whose short names are the ones Slack uses). The tables are built on first use.
 */
import { createRequire } from 'node:module';

interface EmojiRecord {
  readonly unified: string;
  readonly non_qualified: string | null;
  readonly short_name: string;
  readonly short_names: readonly string[];
  readonly skin_variations?: Readonly<Record<string, { readonly unified: string }>>;
}

/** Slack's `skin-tone-N` suffix → the Fitzpatrick modifier's code point (hex). */
const SKIN_TONES: Readonly<Record<string, string>> = {
  '2': '1F3FB',
  '3': '1F3FC',
  '4': '1F3FD',
  '5': '1F3FE',
  '6': '1F3FF',
};

interface Tables {
  readonly byName: Map<string, string>;
  readonly byChar: Map<string, string>;
}

let tables: Tables | undefined;

const chars = (unified: string): string =>
  String.fromCodePoint(...unified.split('-').map((h) => Number.parseInt(h, 16)));
const stripVariation = (text: string): string => text.replace(/\uFE0F/g, '');

function load(): Tables {
  if (tables) return tables;
  const data = createRequire(import.meta.url)('emoji-datasource/emoji.json') as EmojiRecord[];
  const byName = new Map<string, string>();
  const byChar = new Map<string, string>();
  for (const e of data) {
    const char = chars(e.unified);
    for (const name of e.short_names) byName.set(name, char);
    byChar.set(char, e.short_name);
    byChar.set(stripVariation(char), e.short_name);
    if (e.non_qualified) byChar.set(chars(e.non_qualified), e.short_name);
    for (const [tone, hex] of Object.entries(SKIN_TONES)) {
      const variation = e.skin_variations?.[hex];
      if (!variation) continue;
      const toned = chars(variation.unified);
      for (const name of e.short_names) byName.set(`${name}::skin-tone-${tone}`, toned);
      byChar.set(toned, `${e.short_name}::skin-tone-${tone}`);
      byChar.set(stripVariation(toned), `${e.short_name}::skin-tone-${tone}`);
    }
  }
  tables = { byName, byChar };
  return tables;
}

/** `thumbsup` / `+1::skin-tone-3` → the emoji; undefined for a custom (workspace) emoji. */
export function emojiOfName(name: string): string | undefined {
  return load().byName.get(name);
}

/** The emoji → its Slack short name (without colons); undefined when Slack has none. */
export function nameOfEmoji(emoji: string): string | undefined {
  const { byChar } = load();
  return byChar.get(emoji) ?? byChar.get(stripVariation(emoji));
}

/** A reaction name from Slack → what the router carries: Unicode, or `:name:` for a custom one. */
export function reactionFromSlack(name: string): string {
  return emojiOfName(name) ?? `:${name}:`;
}

/** A reaction from the router (Unicode or `:name:`) → Slack's name, or undefined if unknown. */
export function reactionToSlack(emoji: string): string | undefined {
  const custom = /^:([a-z0-9_+'-]+(?:::skin-tone-[2-6])?):$/.exec(emoji)?.[1];
  return custom ?? nameOfEmoji(emoji);
}

const SHORTCODE = /:([a-z0-9_+'-]+(?:::skin-tone-[2-6])?):/g;
/** Code spans and blocks, where `:name:` is literal text. */
const CODE = /(```[\s\S]*?```|`[^`\n]*`)/;

/** Replaces the `:name:` shortcodes Slack writes in message text by Unicode, outside code. */
export function shortcodesToUnicode(text: string): string {
  if (!text.includes(':')) return text;
  return text
    .split(CODE)
    .map((part, i) =>
      i % 2 === 1 ? part : part.replace(SHORTCODE, (all, name: string) => emojiOfName(name) ?? all),
    )
    .join('');
}
