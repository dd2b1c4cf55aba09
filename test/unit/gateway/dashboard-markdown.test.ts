/**
 * The console's Markdown renderer (src/gateway/http/dashboard/markdown.js, a browser script) run
 * in a VM context: what people type becomes the usual tags, and nothing they type becomes markup
 * of their own.
 */
import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';

const source = readFileSync(
  new URL('../../../src/gateway/http/dashboard/markdown.js', import.meta.url),
  'utf8',
);
const sandbox: { window: { mcMarkdown?: { render(text: string): string } } } = { window: {} };
runInNewContext(source, sandbox);
const render = (text: string): string => sandbox.window.mcMarkdown!.render(text);

describe('console Markdown', () => {
  it('renders bold, italic, code, strike, links, quotes, lists and code blocks', () => {
    expect(render('**b** *i* _j_ `c` ~~s~~')).toBe(
      '<p><strong>b</strong> <em>i</em> <em>j</em> <code>c</code> <del>s</del></p>',
    );
    expect(render('[site](https://example.org/a_b_c)')).toBe(
      '<p><a href="https://example.org/a_b_c" target="_blank" rel="noopener noreferrer">site</a></p>',
    );
    expect(render('> one\n> two\n- a\n- b\n1. x')).toBe(
      '<blockquote>one<br>two</blockquote><ul><li>a</li><li>b</li></ul><ol><li>x</li></ol>',
    );
    expect(render('```\nlet a = 1 < 2;\n**no**\n```')).toBe(
      '<pre><code>let a = 1 &lt; 2;\n**no**</code></pre>',
    );
    expect(render('snake_case_name stays')).toBe('<p>snake_case_name stays</p>');
  });

  it('never lets typed HTML or script URLs through', () => {
    const out = render(
      '<img src=x onerror=alert(1)> <script>x</script> [a](javascript:alert(1)) ' +
        '[b](https://e.org/"onmouseover="x) `<b>` \uE0000\uE000',
    );
    expect(out).not.toMatch(/<(img|script|b)[\s>]/);
    expect(out).not.toContain('href="javascript');
    expect(out).not.toMatch(/"onmouseover/);
    expect(out).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(out).toContain('<code>&lt;b&gt;</code>');
  });
});
