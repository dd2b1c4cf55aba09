/** The canonical Markdown converter (API.md: CommonMark + `~~strike~~` + `||spoiler||`, `@username`). */
import { parseMarkdown } from './markdown-parse.js';
import { renderMarkdown } from './markdown-render.js';
import type { Converter } from './types.js';

export { parseMarkdown, renderMarkdown };

export const markdown: Converter = { parse: parseMarkdown, render: renderMarkdown };
