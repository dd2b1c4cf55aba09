/**
 * IRC formatting control codes -> rich text. \x02 bold, \x1D italic, \x1F underline (read as
 * italic), \x1E strike, \x11 monospace (code), \x0F reset; \x16 reverse is ignored; colours
 * (\x03, \x04) are stripped, except that text whose foreground equals its background is the IRC
 * spoiler convention and becomes a spoiler. `||x||` (the renderer's marker) is a spoiler too.
 * Bare URLs become links; `@nick`, a leading `nick:` and a bare word the adapter named as a
 * channel nick (`mentionHints`) become mentions when the resolver knows the nick. Each line is a
 * paragraph.
 */
import { hintedNicks } from './irc-nicks.js';
import { inlineText, linkMentions, linkUrls, pairSpoilers, tidy } from './inline.js';
import type { Block, Inline, RichText } from './model.js';
import type { FormatOptions } from './types.js';

/** Options of the IRC converter. */
export interface IrcOptions extends FormatOptions {
  /** Marker written around spoiler text (IRC has no spoilers); default `||`. */
  readonly spoilerMarker?: string;
}

/** Nick characters (RFC 2812 plus `-`), after `@`. */
const NICK_MENTION = /(?<![\w@])@([A-Za-z[\]\\`_^{|}][\w[\]\\`^{|}-]*)/gu;

interface Run {
  readonly spoiler: boolean;
  readonly bold: boolean;
  readonly italic: boolean;
  readonly strike: boolean;
  readonly code: boolean;
  readonly text: string;
}

const STYLES = ['spoiler', 'bold', 'italic', 'strike'] as const;

/** Parses one or more IRC lines. Never throws. */
export function parseIrc(text: string, options: IrcOptions = {}): RichText {
  const blocks: Block[] = [];
  for (const line of text.split(/\r?\n|\r/)) {
    const runs = styledRuns(line);
    let children = tidy(build(runs, 0));
    children = pairSpoilers(children, options.spoilerMarker ?? '||');
    children = linkUrls(children);
    children = leadingNick(linkMentions(children, options.resolver, NICK_MENTION), options);
    children = hintedNicks(children, options);
    // A line of only spaces is not sent by the renderer either.
    if (inlineText(children).trim() !== '') blocks.push({ type: 'paragraph', children });
  }
  return { blocks };
}

/** Splits a line at every style change, dropping control codes. */
function styledRuns(line: string): Run[] {
  const runs: Run[] = [];
  let bold = false,
    italic = false,
    underline = false,
    strike = false,
    code = false;
  let fg: string | undefined, bg: string | undefined;
  let text = '';
  const cut = (): void => {
    if (text === '') return;
    const spoiler = fg !== undefined && fg === bg;
    runs.push({ spoiler, bold, italic: italic || underline, strike, code, text });
    text = '';
  };
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    const code0 = c.charCodeAt(0);
    if (code0 >= 0x20 && code0 !== 0x7f) {
      text += c;
      continue;
    }
    if (c === '\t') {
      text += c;
      continue;
    }
    cut();
    if (c === '\x02') bold = !bold;
    else if (c === '\x1d') italic = !italic;
    else if (c === '\x1f') underline = !underline;
    else if (c === '\x1e') strike = !strike;
    else if (c === '\x11') code = !code;
    else if (c === '\x0f') {
      bold = italic = underline = strike = code = false;
      fg = bg = undefined;
    } else if (c === '\x03' || c === '\x04') {
      const m =
        c === '\x03'
          ? /^(\d{1,2})(?:,(\d{1,2}))?/.exec(line.slice(i + 1, i + 6))
          : /^([0-9a-fA-F]{6})(?:,([0-9a-fA-F]{6}))?/.exec(line.slice(i + 1, i + 15));
      if (!m) {
        fg = bg = undefined;
        continue;
      }
      const norm = (v: string): string => (c === '\x03' ? String(Number(v)) : v.toLowerCase());
      fg = norm(m[1] as string);
      if (m[2] !== undefined) bg = norm(m[2]);
      i += m[0].length;
    }
    // Everything else (\x16 reverse, other C0 controls) is dropped.
  }
  cut();
  return runs;
}

/** Nests runs into the model, outermost style first, so each span of one style is one node. */
function build(runs: readonly Run[], level: number): Inline[] {
  const style = STYLES[level];
  if (style === undefined) {
    return runs.map((r) =>
      r.code ? { type: 'code', text: r.text } : { type: 'text', text: r.text },
    );
  }
  const out: Inline[] = [];
  let i = 0;
  while (i < runs.length) {
    const on = (runs[i] as Run)[style];
    let j = i;
    while (j < runs.length && (runs[j] as Run)[style] === on) j++;
    const inner = build(runs.slice(i, j), level + 1);
    out.push(...(on ? [{ type: style, children: inner } as Inline] : inner));
    i = j;
  }
  return out;
}

/** `alice: hi` addresses alice: a mention when the resolver knows the nick. */
function leadingNick(children: Inline[], options: IrcOptions): Inline[] {
  const first = children[0];
  if (first?.type !== 'text' || options.resolver === undefined) return children;
  const m = /^([A-Za-z[\]\\`_^{|}][\w[\]\\`^{|}-]*)([:,] )/.exec(first.text);
  const user = m?.[1] ? options.resolver.toUser(m[1]) : undefined;
  if (!m || user === undefined) return children;
  return tidy([
    { type: 'mention', user },
    { type: 'text', text: first.text.slice((m[1] as string).length) },
    ...children.slice(1),
  ]);
}
