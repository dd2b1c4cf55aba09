/** The Matrix converter: `formatted_body` HTML (org.matrix.custom.html) and its plain `body`. */
import { parseMatrixHtml } from './matrix-html-parse.js';
import { renderMatrixBody, renderMatrixContent, renderMatrixHtml } from './matrix-html-render.js';
import type { Converter } from './types.js';

export { parseMatrixHtml, renderMatrixBody, renderMatrixContent, renderMatrixHtml };

export const matrixHtml: Converter = { parse: parseMatrixHtml, render: renderMatrixHtml };
