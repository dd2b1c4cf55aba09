import { describe, expect, it } from 'vitest';
import {
  convert,
  escapeDiscord,
  parseDiscord,
  renderDiscord,
} from '../../../src/bridges/format/index.js';
import { alice, bob, doc, italic, link, mention, p, resolverFor, t } from './fixtures.js';

const discord = { resolver: resolverFor('discord') };
const toMarkdown = (text: string): string =>
  convert(text, 'discord', 'markdown', resolverFor('discord'), resolverFor('markdown'));

describe('Discord markdown', () => {
  it('reads __underline__ as italic and <@!id>/<@id> as mentions', () => {
    expect(parseDiscord('__under__ <@!111> <@222>', discord)).toEqual(
      doc(p(italic(t('under')), t(' '), mention(alice), t(' '), mention(bob))),
    );
  });

  it('turns custom emoji, channels, roles and timestamps into text', () => {
    expect(toMarkdown('<:blob:42> <a:dance:43> <#999> <#5> <@&7> <t:0:R> <@333>')).toBe(
      ':blob: :dance: #general #5 @7 1970-01-01T00:00:00Z @333',
    );
  });

  it('reads every inline style, escapes and masked links', () => {
    expect(
      toMarkdown('**b** *i* _i_ ~~s~~ ||sp|| `c` ``c`d`` \\*not\\* [label](https://ex.org)'),
    ).toBe('**b** _i_ _i_ ~~s~~ ||sp|| `c` ``c`d`` \\*not\\* [label](https://ex.org)');
  });

  it('takes bare URLs whole, so their underscores are not italics', () => {
    expect(parseDiscord('see https://ex.org/_x_ now', discord)).toEqual(
      doc(p(t('see '), link('https://ex.org/_x_', t('https://ex.org/_x_')), t(' now'))),
    );
  });

  it('reads > quotes, >>> quotes to the end, headings, lists and fences', () => {
    expect(toMarkdown('> q1\n> q2\nafter\n>>> all\nthe rest')).toBe(
      '> q1\n> q2\n\nafter\n\n> all\n> the rest',
    );
    expect(toMarkdown('# Title\n- a\n- b\n1. x\n2. y\n```py\nprint(1)\n```')).toBe(
      '**Title**\n\n- a\n- b\n\n1. x\n2. y\n\n```py\nprint(1)\n```',
    );
  });

  it('escapes markup characters in text but not inside URLs or between letters', () => {
    expect(escapeDiscord('2 * 3 ~ a|b `c` <@1> [x] snake_case https://ex.org/a_*b*')).toBe(
      '2 \\* 3 \\~ a\\|b \\`c\\` \\<@1> \\[x\\] snake_case https://ex.org/a_*b*',
    );
    const text = doc(p(t('# not a heading')), p(t('> not a quote')), p(t('1. not a list')));
    expect(parseDiscord(renderDiscord(text, {}), {})).toEqual(text);
  });

  it('breaks a code fence inside a code block instead of ending the block', () => {
    const out = renderDiscord(doc({ type: 'codeBlock', text: 'a ``` b' }), {});
    expect(out).toBe('```\na `\u200b`` b\n```');
  });
});
