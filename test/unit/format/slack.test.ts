import { describe, expect, it } from 'vitest';
import { convert, parseSlack, renderSlack } from '../../../src/bridges/format/index.js';
import {
  alice,
  bold,
  code,
  doc,
  italic,
  link,
  mention,
  p,
  resolverFor,
  spoiler,
  strike,
  t,
} from './fixtures.js';

const slack = { resolver: resolverFor('slack') };
const toMarkdown = (text: string): string =>
  convert(text, 'slack', 'markdown', resolverFor('slack'), resolverFor('markdown'));

describe('Slack mrkdwn', () => {
  it('reads bold and a user mention into the model and canonical markdown', () => {
    expect(parseSlack('*hi* <@U111>', slack)).toEqual(
      doc(p(bold(t('hi')), t(' '), mention(alice))),
    );
    expect(toMarkdown('*hi* <@U111>')).toBe('**hi** @alice');
  });

  it('reads italic, strike, code, links, channels, specials and entities', () => {
    expect(parseSlack('_it_ ~st~ `c*o*de` <https://ex.org|site> &amp; &lt;b&gt;', slack)).toEqual(
      doc(
        p(
          italic(t('it')),
          t(' '),
          strike(t('st')),
          t(' '),
          code('c*o*de'),
          t(' '),
          link('https://ex.org', t('site')),
          t(' & <b>'),
        ),
      ),
    );
    expect(toMarkdown('<#C999|general> <#C5|random> <!here> <@U999|zed> <@U998>')).toBe(
      '#general #random @here @zed @U998',
    );
  });

  it('needs word boundaries around markers, as Slack does', () => {
    expect(parseSlack('a*b*c snake_case_name', slack)).toEqual(doc(p(t('a*b*c snake_case_name'))));
  });

  it('reads quotes, bullet lists and code blocks', () => {
    expect(toMarkdown('&gt; quoted *b*\n&gt; more\nafter\n• one\n• two\n```\nx &lt; y\n```')).toBe(
      '> quoted **b**\n> more\n\nafter\n\n- one\n- two\n\n```\nx < y\n```',
    );
  });

  it('renders spoilers as plain text, since Slack has none', () => {
    expect(renderSlack(doc(p(t('end: '), spoiler(t('ghost')))), slack)).toBe('end: ghost');
  });

  it('escapes & < > in text and code, and degrades an unknown mention to @name', () => {
    const out = renderSlack(
      doc(p(t('a & <b>'), code('x<y')), { type: 'codeBlock', text: '1 > 0' }),
      {},
    );
    expect(out).toBe('a &amp; &lt;b&gt;`x&lt;y`\n\n```\n1 &gt; 0\n```');
    expect(renderSlack(doc(p(mention(alice))), {})).toBe('@Alice');
  });
});
