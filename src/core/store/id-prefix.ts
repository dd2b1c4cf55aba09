/**
 * The first 48 bits of a hash id as an integer. Entry ids, message ids and content hashes are
 * base64url SHA-256 strings (43 characters), so a b-tree keyed on them takes its inserts at
 * random places, and each commit rewrites every index page a batch touched. Keyed on this
 * integer instead, each index holds ~15 bytes per row instead of ~55: a quarter of the pages to
 * rewrite, and integer comparisons while seeking. Two ids may share a prefix, so every lookup
 * also compares the whole id; nothing relies on the prefix being unique.
 */
const BITS_PER_CHAR = 6;
const PREFIX_CHARS = 8;

/** Value of each base64url character; any other character counts by its low 6 bits. */
const VALUE = new Int8Array(128).fill(-1);
'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
  .split('')
  .forEach((char, value) => (VALUE[char.charCodeAt(0)] = value));

export function idPrefix(id: string): number {
  let prefix = 0;
  for (let i = 0; i < PREFIX_CHARS; i += 1) {
    const code = i < id.length ? id.charCodeAt(i) : 0;
    const value = code < 128 ? (VALUE[code] as number) : -1;
    prefix = prefix * 2 ** BITS_PER_CHAR + (value >= 0 ? value : code & 63);
  }
  return prefix;
}
