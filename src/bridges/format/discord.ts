/** The Discord converter (message content markdown). `__underline__` is read as italic. */
import { parseDiscord } from './discord-parse.js';
import { escapeDiscord, renderDiscord } from './discord-render.js';
import type { Converter } from './types.js';

export { escapeDiscord, parseDiscord, renderDiscord };

export const discord: Converter = { parse: parseDiscord, render: renderDiscord };
