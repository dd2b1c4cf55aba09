/**
 * A file's link line crosses every renderer with its url whole. Signed media links end in a
 * base64url signature; `-_` in it was escaped to `-\_` on Markdown targets, so the link a
 * reader got no longer matched its signature.
 */
import { describe, expect, it } from 'vitest';
import { converterFor } from '../../../src/bridges/format/index.js';
import { fileLine } from '../../../src/bridges/runtime/file-line.js';

const resolver = { toUser: () => undefined, toNetwork: () => undefined };
const url = 'http://gw.test/api/v1/media/ab?name=my_plan.pdf&expires=17&sig=Ab-_cd__ef-_x*y~~z';

function render(markup: string, markdown: string): string {
  const md = converterFor('markdown');
  return converterFor(markup).render(md.parse(markdown, { resolver }), { resolver });
}

describe('file link lines', () => {
  it.each([
    ['markdown', `my_plan.pdf: <${url}>`],
    ['irc', `my_plan.pdf: ${url}`],
    ['discord', `my_plan.pdf: ${url}`],
    // Slack's mrkdwn writes `&` as `&amp;` (Slack reads it back as `&`).
    ['slack', `my_plan.pdf: <${url.replace(/&/g, '&amp;')}>`],
    ['matrix-html', `my_plan.pdf: <a href="${url.replace(/&/g, '&amp;')}">`],
  ])('%s gets the url unchanged', (markup, expected) => {
    const line = fileLine('my_plan.pdf', url);
    expect(render(markup, line)).toContain(expected);
  });

  it('a bare url would not survive a Markdown target (why the line is an autolink)', () => {
    expect(render('markdown', `f: ${url}`)).not.toContain(url);
  });

  it('a url an autolink cannot hold, or not http(s), stays bare', () => {
    expect(fileLine('a', 'file:///etc/passwd')).toBe('a: file:///etc/passwd');
    expect(fileLine('a', 'https://x.example/a b')).toBe('a: https://x.example/a b');
    expect(fileLine('a', 'https://x.example/<a>')).toBe('a: https://x.example/<a>');
    expect(fileLine('a', 'not a url')).toBe('a: not a url');
  });
});
