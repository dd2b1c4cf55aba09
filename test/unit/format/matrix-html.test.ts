import { describe, expect, it } from 'vitest';
import {
  convert,
  parseMatrixHtml,
  renderMatrixBody,
  renderMatrixContent,
  renderMatrixHtml,
} from '../../../src/bridges/format/index.js';
import { alice, bold, code, doc, link, mention, p, resolverFor, spoiler, t } from './fixtures.js';

const matrix = { resolver: resolverFor('matrix-html') };
const toMarkdown = (html: string): string =>
  convert(html, 'matrix-html', 'markdown', resolverFor('matrix-html'), resolverFor('markdown'));

describe('Matrix HTML', () => {
  it('strips the mx-reply fallback and reads pills as mentions, unknown pills as @name', () => {
    const html =
      '<mx-reply><blockquote><a href="https://matrix.to/#/!r:x/$e">In reply to</a> old</blockquote></mx-reply>' +
      '<a href="https://matrix.to/#/@alice:example.org">Alice</a>: hi <a href="https://matrix.to/#/@zed:example.org">Zed</a>';
    expect(parseMatrixHtml(html, matrix)).toEqual(doc(p(mention(alice), t(': hi @Zed'))));
  });

  it('reads percent-encoded pills and matrix: URIs', () => {
    expect(
      parseMatrixHtml('<a href="https://matrix.to/#/%40alice%3Aexample.org">A</a>', matrix),
    ).toEqual(doc(p(mention(alice))));
    expect(parseMatrixHtml('<a href="matrix:u/alice:example.org">A</a>', matrix)).toEqual(
      doc(p(mention(alice))),
    );
  });

  it('maps the tags Matrix allows and unwraps the rest to their text', () => {
    expect(
      toMarkdown(
        '<p>para <u>u</u> <s>s</s> <font color="red">red</font> <blink>unk</blink></p><ol start="2"><li>two</li><li>three</li></ol>' +
          '<pre><code class="language-js">a &lt; b\n</code></pre><h1>Head</h1><hr><table><tr><td>a</td><td>b</td></tr></table>',
      ),
    ).toBe(
      'para _u_ ~~s~~ red unk\n\n2. two\n3. three\n\n```js\na < b\n```\n\n**Head**\n\n\\---\n\na | b',
    );
  });

  it('reads <br> with or without a following newline as one line break', () => {
    expect(toMarkdown('a<br>b<br/>\nc')).toBe('a\nb\nc');
  });

  it('renders pills, spoilers, code and escapes text', () => {
    const text = doc(
      p(
        t('a < b & '),
        mention(alice),
        t(' '),
        spoiler(t('s')),
        t(' '),
        code('<x>'),
        t(' '),
        bold(t('y')),
      ),
    );
    expect(renderMatrixHtml(text, matrix)).toBe(
      'a &lt; b &amp; <a href="https://matrix.to/#/@alice:example.org">Alice</a> <span data-mx-spoiler>s</span> <code>&lt;x&gt;</code> <strong>y</strong>',
    );
  });

  it('produces a plain body that names people and hides spoilers', () => {
    const text = doc(
      p(
        t('hi '),
        mention(alice),
        t(' '),
        spoiler(t('ghost')),
        t(' '),
        link('https://ex.org', t('site')),
      ),
    );
    expect(renderMatrixBody(text)).toBe('hi Alice [spoiler] site (https://ex.org)');
    expect(renderMatrixContent(text, matrix)).toMatchObject({
      format: 'org.matrix.custom.html',
      body: 'hi Alice [spoiler] site (https://ex.org)',
    });
  });
});

describe('Matrix HTML sanitisation', () => {
  const hostile = [
    '<script>alert(1)</script>hello',
    '<img src=x onerror=alert(1)>',
    '<IMG SRC=x OnError="alert(1)">',
    '<a href="javascript:alert(1)">click</a>',
    '<a href=" JaVaScRiPt:alert(1)">click</a>',
    '<scr<script>ipt>alert(1)</script>',
    '<svg onload=alert(1)><circle/></svg>',
    '<iframe src="https://evil"></iframe>',
    '<style>body{display:none}</style>x',
    '<b onclick="alert(1)">bold</b>',
    '<span data-mx-spoiler onmouseover="alert(1)">s</span>',
    '&lt;script&gt;alert(1)&lt;/script&gt;',
  ];
  for (const html of hostile) {
    it(`renders no script or handler for ${JSON.stringify(html)}`, () => {
      const out = renderMatrixHtml(parseMatrixHtml(html));
      expect(out).not.toMatch(
        /<script|<img|<svg|<iframe|<style|onerror|onload|onclick|onmouseover|javascript:/i,
      );
    });
  }

  it('keeps the visible text of unknown tags and drops script content', () => {
    expect(renderMatrixHtml(parseMatrixHtml('<marquee>hi</marquee><script>evil()</script>'))).toBe(
      'hi',
    );
    expect(renderMatrixHtml(parseMatrixHtml('<b onclick="x">bold</b>'))).toBe(
      '<strong>bold</strong>',
    );
  });

  it('never writes a javascript: link from the model', () => {
    expect(renderMatrixHtml(doc(p(link('javascript:alert(1)', t('x')))))).toBe('x');
  });
});
