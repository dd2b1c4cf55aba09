import { describe, expect, it } from 'vitest';
import { convert, parseIrc, renderIrc } from '../../../src/bridges/format/index.js';
import {
  alice,
  bob,
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

const irc = { resolver: resolverFor('irc') };
const toMarkdown = (text: string): string =>
  convert(text, 'irc', 'markdown', resolverFor('irc'), resolverFor('markdown'));

describe('IRC control codes', () => {
  it('reads bold, italic, underline (as italic), strike and monospace; strips colours and reverse', () => {
    expect(
      parseIrc(
        '\x02b\x02 \x0304red\x03 \x1fu\x1f \x1di\x1d \x1es\x1e \x11mono\x11 \x16rev\x16',
        irc,
      ),
    ).toEqual(
      doc(
        p(
          bold(t('b')),
          t(' red '),
          italic(t('u')),
          t(' '),
          italic(t('i')),
          t(' '),
          strike(t('s')),
          t(' '),
          code('mono'),
          t(' rev'),
        ),
      ),
    );
  });

  it('resets every style on \\x0F and nests overlapping styles', () => {
    expect(toMarkdown('\x02bold \x1dboth\x0f plain')).toBe('**bold _both_** plain');
  });

  it('takes colour digits with the code, but not a third digit', () => {
    expect(toMarkdown('\x0312,04123 go')).toBe('123 go');
    expect(toMarkdown('\x03,5x')).toBe(',5x');
  });

  it('reads same-colour text as a spoiler, leading nick: and @nick as mentions, URLs as links', () => {
    expect(parseIrc('alice: hi @bob \x0301,01hidden\x03 https://ex.org/a_b', irc)).toEqual(
      doc(
        p(
          mention(alice),
          t(': hi '),
          mention(bob),
          t(' '),
          spoiler(t('hidden')),
          t(' '),
          link('https://ex.org/a_b', t('https://ex.org/a_b')),
        ),
      ),
    );
    expect(parseIrc('carol: hi @dave', irc)).toEqual(doc(p(t('carol: hi @dave'))));
  });

  it('writes links as label (url), spoilers in the configured marker, and never colours', () => {
    const text = doc(
      p(
        link('https://ex.org', t('site')),
        t(' '),
        spoiler(t('secret')),
        t(' '),
        link('https://ex.org', t('https://ex.org')),
      ),
    );
    expect(renderIrc(text, { spoilerMarker: '[spoiler]' })).toBe(
      'site (https://ex.org) [spoiler]secret[spoiler] https://ex.org',
    );
    // eslint-disable-next-line no-control-regex -- IRC formatting codes are the point
    expect(renderIrc(text, {})).not.toMatch(/\x03|\x04/);
  });

  it('reopens styles after a line break and writes code blocks line by line, skipping empty lines', () => {
    const text = doc(p(bold(t('a'), { type: 'lineBreak' }, t('b'))), {
      type: 'codeBlock',
      text: 'x = 1\n\ny = 2',
    });
    expect(renderIrc(text, {})).toBe('\x02a\x02\n\x02b\x02\n\x11x = 1\x11\n\x11y = 2\x11');
  });

  it('does not toggle a style off when it is nested in itself, and strips control codes from text', () => {
    expect(renderIrc(doc(p(bold(t('a '), bold(t('b')), t(' c')))), {})).toBe('\x02a b c\x02');
    expect(renderIrc(doc(p(t('in\x02jected\x03'))), {})).toBe('injected');
  });

  it('writes mentions as @nick, or @name when the person has no nick', () => {
    expect(renderIrc(doc(p(mention(alice))), irc)).toBe('@alice');
    expect(renderIrc(doc(p(mention({ id: 'x', name: 'Zed' }))), irc)).toBe('@Zed');
  });
});
