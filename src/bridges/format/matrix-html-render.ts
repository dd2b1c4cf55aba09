/**
 * Rich text -> Matrix `formatted_body` HTML, using only tags the Matrix spec allows, and the plain
 * `body` fallback that goes beside it. Mentions become pills; spoilers `<span data-mx-spoiler>`.
 */
import { SAFE_SCHEME } from './matrix-html-parse.js';
import type { Block, Inline, RichText } from './model.js';
import { renderPlain } from './plain.js';
import type { FormatOptions } from './types.js';

/** Renders the `formatted_body`. A message of one paragraph has no `<p>` around it, as Element sends. */
export function renderMatrixHtml(text: RichText, options: FormatOptions = {}): string {
  return blocks(text.blocks, options);
}

/** The content fields of an `m.text` event carrying this rich text. */
export function renderMatrixContent(
  text: RichText,
  options: FormatOptions = {},
): { body: string; format: 'org.matrix.custom.html'; formatted_body: string } {
  return {
    body: renderMatrixBody(text, options),
    format: 'org.matrix.custom.html',
    formatted_body: renderMatrixHtml(text, options),
  };
}

/**
 * The plain `body` fallback: pills read as display names, links as `label (url)`, and a spoiler
 * as `[spoiler]` so text-only clients and notifications do not reveal it (Matrix spec advice).
 */
export function renderMatrixBody(text: RichText, _options: FormatOptions = {}): string {
  return renderPlain(text, { mention: (user) => user.name, spoiler: () => '[spoiler]' });
}

function blocks(list: readonly Block[], options: FormatOptions): string {
  const only = list.length === 1 ? list[0] : undefined;
  if (only?.type === 'paragraph') return inlines(only.children, options);
  return list.map((b) => block(b, options)).join('');
}

function block(b: Block, options: FormatOptions): string {
  switch (b.type) {
    case 'paragraph':
      return `<p>${inlines(b.children, options)}</p>`;
    case 'codeBlock': {
      const cls = b.lang ? ` class="language-${escapeAttr(b.lang)}"` : '';
      return `<pre><code${cls}>${escapeHtml(b.text)}\n</code></pre>`;
    }
    case 'quote':
      return `<blockquote>${blocks(b.children, options)}</blockquote>`;
    case 'list': {
      const tag = b.ordered ? 'ol' : 'ul';
      const start =
        b.ordered && b.start !== undefined && b.start !== 1 ? ` start="${b.start}"` : '';
      const items = b.items.map((item) => `<li>${blocks(item, options)}</li>`).join('');
      return `<${tag}${start}>${items}</${tag}>`;
    }
  }
}

function inlines(nodes: readonly Inline[], options: FormatOptions): string {
  return nodes.map((n) => inline(n, options)).join('');
}

function inline(n: Inline, options: FormatOptions): string {
  switch (n.type) {
    case 'text':
      return escapeHtml(n.text).replace(/\n/g, '<br>');
    case 'lineBreak':
      return '<br>';
    case 'bold':
      return `<strong>${inlines(n.children, options)}</strong>`;
    case 'italic':
      return `<em>${inlines(n.children, options)}</em>`;
    case 'strike':
      return `<del>${inlines(n.children, options)}</del>`;
    case 'code':
      return `<code>${escapeHtml(n.text)}</code>`;
    case 'spoiler':
      return `<span data-mx-spoiler>${inlines(n.children, options)}</span>`;
    case 'link':
      // Only schemes the spec allows become links; a javascript: label is kept as text.
      return SAFE_SCHEME.test(n.href)
        ? `<a href="${escapeAttr(n.href)}">${inlines(n.children, options)}</a>`
        : inlines(n.children, options);
    case 'mention': {
      const id = options.resolver?.toNetwork(n.user);
      if (id === undefined) return escapeHtml(`@${n.user.name}`);
      return `<a href="https://matrix.to/#/${escapeAttr(id)}">${escapeHtml(n.user.name)}</a>`;
    }
  }
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
}

function escapeAttr(text: string): string {
  return escapeHtml(text).replace(/"/g, '&quot;');
}
