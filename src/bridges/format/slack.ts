/**
 * The Slack converter (mrkdwn). Slack has no spoilers: a spoiler is rendered as its plain
 * content, so it is visible there. Slack cannot escape `*`, `_` or `~` in text (only `& < >`), so
 * text that contains them around words may show formatted.
 */
import { lineBlocks } from './line-blocks.js';
import { mapText } from './inline.js';
import type { Inline, RichText } from './model.js';
import { type Rule, WORD_BOUNDARY, codeSpanRule, delimited, scanInlines } from './scanner.js';
import { renderSlack } from './slack-render.js';
import type { Converter, FormatOptions, MentionResolver } from './types.js';

export { renderSlack };

/** Parses Slack message `text` (entities `&amp;`, `&lt;`, `&gt;` included). Never throws. */
export function parseSlack(text: string, options: FormatOptions = {}): RichText {
  return plainParagraph(text) ?? parseSlackMarkup(text, options);
}

/**
 * One line with no character any Slack rule starts on (entities, `<…>`, `*`, `_`, `~`, code,
 * quote, list marker) parses to itself as one paragraph: most chat lines, in a history import
 * by the thousand, skip the scanner. `parseSlackMarkup` is the full parse it must equal.
 */
const MARKUP_FREE = /^[^\n\r<>&*_~`•◦▪]*$/;
const ORDERED_ITEM = /^\s*\d{1,9}\. /;

function plainParagraph(text: string): RichText | undefined {
  if (!MARKUP_FREE.test(text) || text.trim() === '' || ORDERED_ITEM.test(text)) return undefined;
  return { blocks: [{ type: 'paragraph', children: [{ type: 'text', text }] }] };
}

/** The full parse of Slack `text` (see parseSlack). */
export function parseSlackMarkup(text: string, options: FormatOptions = {}): RichText {
  const rules = slackRules(options.resolver);
  const inline = (t: string): Inline[] =>
    mapText(scanInlines(t, rules), decodeEntities).map((n) =>
      n.type === 'code' ? { ...n, text: decodeEntities(n.text) } : n,
    );
  const blocks = lineBlocks(text, {
    quote: (line) => /^(?:&gt;|>) ?(.*)$/.exec(line)?.[1],
    listItem(line) {
      const m = /^\s*(?:([•◦▪])|(\d{1,9})\.) (.*)$/.exec(line);
      if (!m) return undefined;
      return { ordered: m[2] !== undefined, start: Number(m[2] ?? 1), content: m[3] ?? '' };
    },
    fenceLanguage: false,
    inline,
  });
  return {
    blocks: blocks.map((b) =>
      b.type === 'codeBlock' ? { ...b, text: decodeEntities(b.text) } : b,
    ),
  };
}

export const slack: Converter = { parse: parseSlack, render: renderSlack };

function decodeEntities(text: string): string {
  return text.replace(/&(amp|lt|gt);/g, (_all, name: string) =>
    name === 'amp' ? '&' : name === 'lt' ? '<' : '>',
  );
}

function slackRules(resolver: MentionResolver | undefined): Rule[] {
  return [
    codeSpanRule,
    angleRule(resolver),
    delimited('*', (children) => ({ type: 'bold', children }), WORD_BOUNDARY),
    delimited('_', (children) => ({ type: 'italic', children }), WORD_BOUNDARY),
    delimited('~', (children) => ({ type: 'strike', children }), WORD_BOUNDARY),
  ];
}

/** Sticky: matched at a position without copying the rest of the text. */
const ANGLE = /<([^<>|\n]+)(?:\|([^<>\n]*))?>/y;

/** `<@U1>`, `<#C1|name>`, `<!here>`, `<!subteam^S1|@team>`, `<!date^…|fallback>`, `<url|label>`. */
function angleRule(resolver: MentionResolver | undefined): Rule {
  return {
    triggers: '<',
    match(src, pos) {
      ANGLE.lastIndex = pos;
      const m = ANGLE.exec(src);
      if (!m?.[1]) return undefined;
      const [whole, target, label] = [m[0], m[1], m[2]];
      const end = pos + whole.length;
      const text = (t: string): { nodes: Inline[]; end: number } => ({
        nodes: [{ type: 'text', text: t }],
        end,
      });
      if (target.startsWith('@')) {
        const user = resolver?.toUser(target.slice(1));
        if (user) return { nodes: [{ type: 'mention', user }], end };
        return text(`@${label || target.slice(1)}`);
      }
      if (target.startsWith('#')) {
        const id = target.slice(1);
        return text(`#${resolver?.channelName?.(id) ?? (label || id)}`);
      }
      if (target.startsWith('!')) {
        const special = /^!(here|channel|everyone)$/.exec(target)?.[1];
        if (special) return text(`@${special}`);
        return text(label ?? target);
      }
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) {
        const href = decodeEntities(target);
        const children: Inline[] = [{ type: 'text', text: label ? label : href }];
        return { nodes: [{ type: 'link', href, children }], end };
      }
      return undefined;
    },
  };
}
