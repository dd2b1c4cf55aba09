/**
 * The `name: url` line a file becomes when it cannot go as a file. The url is written as a
 * Markdown autolink (`<url>`) so that no renderer reads part of it as markup: a bare url is
 * text, and a Markdown target escapes text (`-_a` became `-\_a`), which broke one signed media
 * link in twenty. Each network renders the autolink as its own link (IRC: the bare url).
 * Only http(s) urls become links: another scheme (`file:`, `ftp:`) a network handed us stays
 * text, as does a url an autolink cannot hold (spaces, `<`, `>`, control characters).
 */
const AUTOLINKABLE = /^https?:\/\/[^\s<>\p{Cc}]+$/iu;

export function fileLine(name: string, url: string): string {
  return AUTOLINKABLE.test(url) ? `${name}: <${url}>` : `${name}: ${url}`;
}
