/** The IRC converter: formatting control codes; see irc-parse.ts and irc-render.ts for the mapping. */
import { type IrcOptions, parseIrc } from './irc-parse.js';
import { renderIrc, stripControls } from './irc-render.js';
import type { Converter } from './types.js';

export { type IrcOptions, parseIrc, renderIrc, stripControls };

export const irc: Converter = { parse: parseIrc, render: renderIrc };
