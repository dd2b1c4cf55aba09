/**
 * Small string helpers the markdown-like renderers (Markdown, Discord) share: choosing the italic
 * marker and keeping whitespace outside delimiter runs so they still open and close.
 */

/**
 * `_` opens and closes only next to whitespace, punctuation or nothing; `*` works anywhere, but
 * `***` is ambiguous, so `_` is preferred where it works.
 */
export function italicMarker(before: string, after: string): '_' | '*' {
  const free = (c: string): boolean => c === '' || /[\s\p{P}\p{S}]/u.test(c);
  return free(before) && free(after) ? '_' : '*';
}

/**
 * Wraps `inner` in `marker`, moving leading and trailing whitespace outside: a delimiter run
 * next to whitespace neither opens nor closes in CommonMark or Discord.
 */
export function wrapTrimmed(inner: string, marker: string, closer = marker): string {
  const m = /^(\s*)([\s\S]*?)(\s*)$/.exec(inner);
  const [lead, core, trail] = [m?.[1] ?? '', m?.[2] ?? '', m?.[3] ?? ''];
  if (core === '') return inner;
  return `${lead}${marker}${core}${closer}${trail}`;
}

/** Renders siblings, giving each the neighbouring characters it may depend on. */
export function joinWithNeighbours(
  count: number,
  renderPlain: (i: number) => string | undefined,
  renderWithNeighbours: (i: number, before: string, after: string) => string,
): string {
  const parts: (string | undefined)[] = [];
  for (let i = 0; i < count; i++) parts.push(renderPlain(i));
  for (let i = 0; i < count; i++) {
    if (parts[i] !== undefined) continue;
    const before = (parts[i - 1] ?? '').slice(-1);
    const after = (parts[i + 1] ?? '').slice(0, 1);
    parts[i] = renderWithNeighbours(i, before, after);
  }
  return parts.join('');
}
