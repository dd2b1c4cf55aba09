/** A representative set of canonical messages and what each network receives for them. */
import { describe, expect, it } from 'vitest';
import { convert } from '../../../src/bridges/format/index.js';
import type { Markup } from '../../../src/bridges/format/types.js';
import { resolverFor } from './fixtures.js';

const messages = [
  'Hello **world**, @alice!',
  'Use `npm test` and see [the guide](https://example.org/guide).',
  'The end: ||Bruce Willis is a ghost||',
  '~~old~~ *new* plan for @bob\nsecond line',
  '> quoted **text**\n\nmy answer',
  '- one\n- two',
  '```js\nconst a = 1 < 2 && b;\n```',
  'Math: 2 * 3 = 6, snake_case & <tags>',
  '@carol is not known',
];

const expected: Record<Exclude<Markup, 'markdown'>, string[]> = {
  discord: [
    'Hello **world**, <@111>!',
    'Use `npm test` and see [the guide](<https://example.org/guide>).',
    'The end: ||Bruce Willis is a ghost||',
    '~~old~~ _new_ plan for <@222>\nsecond line',
    '> quoted **text**\n\nmy answer',
    '- one\n- two',
    '```js\nconst a = 1 < 2 && b;\n```',
    'Math: 2 \\* 3 = 6, snake_case & \\<tags>',
    '@carol is not known',
  ],
  slack: [
    'Hello *world*, <@U111>!',
    'Use `npm test` and see <https://example.org/guide|the guide>.',
    'The end: Bruce Willis is a ghost',
    '~old~ _new_ plan for <@U222>\nsecond line',
    '> quoted *text*\n\nmy answer',
    '• one\n• two',
    '```\nconst a = 1 &lt; 2 &amp;&amp; b;\n```',
    'Math: 2 * 3 = 6, snake_case &amp; &lt;tags&gt;',
    '@carol is not known',
  ],
  irc: [
    'Hello \x02world\x02, @alice!',
    'Use \x11npm test\x11 and see the guide (https://example.org/guide).',
    'The end: ||Bruce Willis is a ghost||',
    '\x1eold\x1e \x1dnew\x1d plan for @bob\nsecond line',
    '> quoted \x02text\x02\nmy answer',
    '- one\n- two',
    '\x11const a = 1 < 2 && b;\x11',
    'Math: 2 * 3 = 6, snake_case & <tags>',
    '@carol is not known',
  ],
  'matrix-html': [
    'Hello <strong>world</strong>, <a href="https://matrix.to/#/@alice:example.org">Alice</a>!',
    'Use <code>npm test</code> and see <a href="https://example.org/guide">the guide</a>.',
    'The end: <span data-mx-spoiler>Bruce Willis is a ghost</span>',
    '<del>old</del> <em>new</em> plan for <a href="https://matrix.to/#/@bob:example.org">Bob</a><br>second line',
    '<blockquote>quoted <strong>text</strong></blockquote><p>my answer</p>',
    '<ul><li>one</li><li>two</li></ul>',
    '<pre><code class="language-js">const a = 1 &lt; 2 &amp;&amp; b;\n</code></pre>',
    'Math: 2 * 3 = 6, snake_case &amp; &lt;tags&gt;',
    '@carol is not known',
  ],
};

for (const [network, outputs] of Object.entries(expected) as [
  Exclude<Markup, 'markdown'>,
  string[],
][]) {
  describe(`markdown -> ${network}`, () => {
    messages.forEach((message, i) => {
      it(`converts ${JSON.stringify(message)}`, () => {
        expect(
          convert(message, 'markdown', network, resolverFor('markdown'), resolverFor(network)),
        ).toBe(outputs[i]);
      });
    });
  });
}

describe('network -> network', () => {
  it('carries a Slack mention to Discord as the Discord person', () => {
    expect(
      convert('*hi* <@U111>', 'slack', 'discord', resolverFor('slack'), resolverFor('discord')),
    ).toBe('**hi** <@111>');
  });

  it('carries a Discord spoiler to Matrix and IRC', () => {
    expect(
      convert(
        '||x|| <@222>',
        'discord',
        'matrix-html',
        resolverFor('discord'),
        resolverFor('matrix-html'),
      ),
    ).toBe('<span data-mx-spoiler>x</span> <a href="https://matrix.to/#/@bob:example.org">Bob</a>');
    expect(convert('||x||', 'discord', 'irc')).toBe('||x||');
  });
});
