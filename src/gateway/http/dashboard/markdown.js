/* global window */
/**
 * The console's Markdown renderer: the subset people type in chat (code blocks and spans, bold,
 * italic, strike-through, links, quotes, lists, line breaks). Safety first: the whole text is
 * HTML-escaped before any rule runs, rules only add fixed tags, and link targets must be
 * http(s) or mailto, so no text can inject markup or script. Exposed as window.mcMarkdown.
 */
'use strict';

(() => {
  const escapeHtml = (s) =>
    s
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&#39;');

  /** Inline rules on already-escaped text; code spans are set aside first so rules skip them. */
  function inline(escaped) {
    // Code spans and links are held aside as finished markup so later rules never touch them.
    const held = [];
    const hold = (html) => '\uE000' + (held.push(html) - 1) + '\uE000';
    let s = escaped
      .replace(/`([^`\n]+)`/g, (_, code) => hold('<code>' + code + '</code>'))
      .replace(/\[([^\]\n]+)\]\(((?:https?:\/\/|mailto:)[^\s)]+)\)/g, (_, label, href) =>
        hold(link(href, label)),
      )
      .replace(/(^|[\s(])(https?:\/\/[^\s<)]+)/g, (_, pre, href) => pre + hold(link(href, href)));
    s = s
      .replace(/\*\*([^*\n]+)\*\*/g, '<strong>$1</strong>')
      .replace(/__([^_\n]+)__/g, '<strong>$1</strong>')
      .replace(/(^|[^*\w])\*([^*\n]+)\*(?!\w)/g, '$1<em>$2</em>')
      .replace(/(^|[^_\w])_([^_\n]+)_(?!\w)/g, '$1<em>$2</em>')
      .replace(/~~([^~\n]+)~~/g, '<del>$1</del>');
    return s.replace(/\uE000(\d+)\uE000/g, (_, i) => held[Number(i)]);
  }

  // href is escaped text (no quotes or angle brackets left), so it cannot leave the attribute.
  const link = (href, label) =>
    '<a href="' + href + '" target="_blank" rel="noopener noreferrer">' + label + '</a>';

  /** Blocks: fenced code, quotes, lists, paragraphs with line breaks. */
  function render(text) {
    const lines = escapeHtml(String(text).replace(/\uE000/g, '')).split('\n');
    const out = [];
    let i = 0;
    while (i < lines.length) {
      const line = lines[i];
      if (/^```/.test(line)) {
        const body = [];
        i++;
        while (i < lines.length && !/^```/.test(lines[i])) body.push(lines[i++]);
        i++;
        out.push('<pre><code>' + body.join('\n') + '</code></pre>');
      } else if (/^&gt; ?/.test(line)) {
        const body = [];
        while (i < lines.length && /^&gt; ?/.test(lines[i]))
          body.push(inline(lines[i++].replace(/^&gt; ?/, '')));
        out.push('<blockquote>' + body.join('<br>') + '</blockquote>');
      } else if (/^\s*[-*] /.test(line) || /^\s*\d+[.)] /.test(line)) {
        const ordered = /^\s*\d/.test(line);
        const items = [];
        while (i < lines.length && (ordered ? /^\s*\d+[.)] / : /^\s*[-*] /).test(lines[i]))
          items.push('<li>' + inline(lines[i++].replace(/^\s*(?:[-*]|\d+[.)]) /, '')) + '</li>');
        const tag = ordered ? 'ol' : 'ul';
        out.push('<' + tag + '>' + items.join('') + '</' + tag + '>');
      } else if (line.trim() === '') {
        i++;
      } else {
        const body = [];
        while (i < lines.length && lines[i].trim() !== '' && !/^(```|&gt;|\s*[-*] )/.test(lines[i]))
          body.push(inline(lines[i++]));
        out.push('<p>' + body.join('<br>') + '</p>');
      }
    }
    return out.join('');
  }

  window.mcMarkdown = { render, escapeHtml };
})();
