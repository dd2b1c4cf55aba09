/**
 * Discord markdown -> rich text. Follows what Discord's client renders: `**bold**`, `*italic*`,
 * `_italic_`, `__underline__` (read as **italic**: the model has no underline, and underline is
 * emphasis, not strength), `~~strike~~`, `||spoiler||`, code spans and fences, `> ` and `>>> `
 * quotes, lists, `#` headings (bold), masked links, and the `<…>` entities: `<@id>`/`<@!id>` user
 * mentions, `<@&id>` roles, `<#id>` channels, `<:name:id>` custom emoji (-> `:name:`) and
 * `<t:unix>` timestamps (-> ISO time). Bare URLs become links (their `_` and `*` are not markup).
 */
import { lineBlocks } from './line-blocks.js';
import type { RichText } from './model.js';
import {
  ANYWHERE,
  NON_SPACE,
  WORD_BOUNDARY,
  type Rule,
  codeSpanRule,
  delimited,
  escapeRule,
  scanInlines,
} from './scanner.js';
import type { FormatOptions, MentionResolver } from './types.js';

/** Parses Discord message content. Never throws. */
export function parseDiscord(content: string, options: FormatOptions = {}): RichText {
  const rules = discordRules(options.resolver);
  return {
    blocks: lineBlocks(content, {
      quote: (line) => (line.startsWith('> ') ? line.slice(2) : line === '>' ? '' : undefined),
      quoteRest: (line) => (line.startsWith('>>> ') ? line.slice(4) : undefined),
      listItem(line) {
        const m = /^\s*(?:([-*])|(\d{1,9})\.) (.*)$/.exec(line);
        if (!m) return undefined;
        return { ordered: m[2] !== undefined, start: Number(m[2] ?? 1), content: m[3] ?? '' };
      },
      heading: (line) => /^#{1,3} (.+)$/.exec(line)?.[1] ?? /^-# (.+)$/.exec(line)?.[1],
      fenceLanguage: true,
      inline: (text) => scanInlines(text, rules),
    }),
  };
}

function discordRules(resolver: MentionResolver | undefined): Rule[] {
  return [
    escapeRule,
    codeSpanRule,
    entityRule(resolver),
    urlRule,
    maskedLinkRule,
    delimited('||', (children) => ({ type: 'spoiler', children }), ANYWHERE, { escapes: true }),
    delimited('**', (children) => ({ type: 'bold', children }), NON_SPACE, { escapes: true }),
    delimited('__', (children) => ({ type: 'italic', children }), ANYWHERE, { escapes: true }),
    delimited('~~', (children) => ({ type: 'strike', children }), NON_SPACE, { escapes: true }),
    delimited('*', (children) => ({ type: 'italic', children }), NON_SPACE, {
      notFollowedBy: '*',
      escapes: true,
    }),
    delimited('_', (children) => ({ type: 'italic', children }), WORD_BOUNDARY, {
      notFollowedBy: '_',
      escapes: true,
    }),
  ];
}

// Sticky regexes: matched at a position without copying the rest of the text.
const ENTITY = /<(?:@!?(\d+)|@&(\d+)|#(\d+)|a?:(\w{1,32}):\d+|t:(-?\d{1,13})(?::[tTdDfFR])?)>/y;
const BARE_URL = /https?:\/\/[^\s<>\\]*[^\s<>\\.,:;"')\]]/y;
const ANGLE_URL = /<(https?:\/\/[^\s>]+)>/y;
const MASKED_LINK = /\[((?:\\.|[^[\]\n\\])+)\]\(<?(https?:\/\/[^\s()<>]+)>?\)/y;

function stickyAt(re: RegExp, src: string, pos: number): RegExpExecArray | null {
  re.lastIndex = pos;
  return re.exec(src);
}

function entityRule(resolver: MentionResolver | undefined): Rule {
  return {
    triggers: '<',
    match(src, pos) {
      const m = stickyAt(ENTITY, src, pos);
      if (!m) return undefined;
      const end = pos + m[0].length;
      const [, user, role, channel, emoji, time] = m;
      if (user !== undefined) {
        const found = resolver?.toUser(user);
        return {
          nodes: [found ? { type: 'mention', user: found } : { type: 'text', text: `@${user}` }],
          end,
        };
      }
      let text: string;
      if (role !== undefined) text = `@${resolver?.roleName?.(role) ?? role}`;
      else if (channel !== undefined) text = `#${resolver?.channelName?.(channel) ?? channel}`;
      else if (emoji !== undefined) text = `:${emoji}:`;
      else text = isoTime(Number(time));
      return { nodes: [{ type: 'text', text }], end };
    },
  };
}

function isoTime(seconds: number): string {
  const date = new Date(seconds * 1000);
  return Number.isNaN(date.getTime()) ? String(seconds) : date.toISOString().replace('.000Z', 'Z');
}

/** A bare URL becomes a link, taken whole so that markup characters inside it stay literal. */
const urlRule: Rule = {
  triggers: 'h',
  match(src, pos) {
    const m = stickyAt(BARE_URL, src, pos);
    if (!m || /[\p{L}\p{N}]/u.test(src[pos - 1] ?? '')) return undefined;
    return {
      nodes: [{ type: 'link', href: m[0], children: [{ type: 'text', text: m[0] }] }],
      end: pos + m[0].length,
    };
  },
};

/** `<https://…>` (a URL without embed) and `[label](https://…)`. */
const maskedLinkRule: Rule = {
  triggers: '[<',
  match(src, pos, scan) {
    const angle = stickyAt(ANGLE_URL, src, pos);
    if (angle?.[1])
      return {
        nodes: [{ type: 'link', href: angle[1], children: [{ type: 'text', text: angle[1] }] }],
        end: pos + angle[0].length,
      };
    const m = stickyAt(MASKED_LINK, src, pos);
    if (!m?.[1] || !m[2]) return undefined;
    return {
      nodes: [{ type: 'link', href: m[2], children: scan.inner(m[1]) }],
      end: pos + m[0].length,
    };
  },
};
