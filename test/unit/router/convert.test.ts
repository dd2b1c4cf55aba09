/**
 * The inbound text conversion parses once before the lookup (provisional mentions), then renders
 * Markdown. It must give exactly what a parse with the looked-up people gives, for every markup,
 * whether the mentions are known, unknown, or mixed.
 */
import { describe, expect, it } from 'vitest';
import { networkTextToMarkdown, parseNetworkText } from '../../../src/bridges/runtime/convert.js';
import { converterFor } from '../../../src/bridges/format/index.js';
import type { Markup, MentionUser } from '../../../src/bridges/format/index.js';

const people = new Map<string, MentionUser>([
  ['ada', { id: 'u1', name: 'Ada_L' }],
  ['123', { id: 'u2', name: 'bob' }],
  ['U9', { id: 'u3', name: 'cy' }],
  ['@dee:hs', { id: 'u4', name: 'dee' }],
]);

/** What the router produced before: a parse with the real resolver, rendered as Markdown. */
function reference(text: string, markup: Markup, users: ReadonlyMap<string, MentionUser>) {
  const rich = converterFor(markup).parse(text, {
    resolver: { toUser: (m) => users.get(m), toNetwork: () => undefined },
  });
  return converterFor('markdown').render(rich);
}

const cases: [Markup, string][] = [
  ['irc', 'ada: look at @ada and \x02bold\x02'],
  ['irc', 'so: nobody known here, @zed'],
  ['irc', 'ada: mixed with @zed'],
  ['irc', 'plain text, no mentions'],
  ['discord', 'hi <@123> and <@999> **b**'],
  ['slack', 'hey <@U9> and <@U0|zed> _i_'],
  [
    'matrix-html',
    '<a href="https://matrix.to/#/@dee:hs">Dee</a> and <a href="https://matrix.to/#/@x:hs">X</a>',
  ],
  ['markdown', 'hello @ada and @zed'],
];

describe('inbound text: one parse before the lookup', () => {
  it.each(cases)('%s %j renders as a parse with the known people would', (markup, text) => {
    const parsed = parseNetworkText(text, markup);
    const asked = new Map([...people].filter(([m]) => parsed.mentions.includes(m)));
    expect(networkTextToMarkdown(parsed, asked)).toBe(reference(text, markup, people));
  });

  it('collects the mentions the converter asked about, for the lookup', () => {
    expect(parseNetworkText('ada: hi @bob', 'irc').mentions).toEqual(['bob', 'ada']);
    expect(parseNetworkText('<@123> <@123>', 'discord').mentions).toEqual(['123']);
    expect(parseNetworkText('no one', 'discord').mentions).toEqual([]);
  });

  it('a known mention takes the person’s name; an unknown one keeps the network’s text', () => {
    const parsed = parseNetworkText('hi <@123> and <@999>', 'discord');
    expect(networkTextToMarkdown(parsed, people)).toBe('hi @bob and @999');
  });
});
