/**
 * Display names → valid IRC nicks, and the candidates tried when a nick is taken. Nicks are
 * ASCII (RFC 2812 letters, digits, `[]\`_^{|}` and `-`, not starting with a digit or `-`), at most
 * the server's NICKLEN.
 */

const FIRST_OK = /^[A-Za-z[\]\\`_^{|}]$/;
const REST_OK = /^[A-Za-z0-9[\]\\`_^{|}-]$/;

/** Folds accents away (é → e) so a name stays readable in ASCII. */
function fold(name: string): string {
  return name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
}

/**
 * A valid nick for `name`, with `suffix` kept whole at the end and the result at most `maxLength`
 * long. Characters a nick cannot hold are dropped (spaces and dots become `_`); a name with
 * nothing usable becomes `user`.
 */
export function sanitizeNick(name: string, maxLength: number, suffix = ''): string {
  const cleanSuffix = [...suffix].filter((c) => REST_OK.test(c)).join('');
  let base = '';
  for (const c of fold(name)) {
    if (REST_OK.test(c)) base += c;
    else if (c === ' ' || c === '.' || c === ':' || c === '@') base += '_';
  }
  base = base.replace(/_+/g, '_').replace(/^[-0-9_]+(?=.)/, '');
  if (base === '' || !FIRST_OK.test(base[0] as string)) base = base === '' ? 'user' : `_${base}`;
  const room = Math.max(1, maxLength - cleanSuffix.length);
  return base.slice(0, room) + cleanSuffix.slice(0, Math.max(0, maxLength - 1));
}

/**
 * The nick to try after `nick` was refused as taken, attempt 1, 2, …: first `nick_`, then the
 * nick with a number at the end, always cut to `maxLength`.
 */
export function nextNick(nick: string, attempt: number, maxLength: number): string {
  if (attempt === 1 && nick.length < maxLength) return `${nick}_`;
  const tag = String(attempt);
  return nick.slice(0, Math.max(1, maxLength - tag.length)) + tag;
}

/** Puts a zero-width space after the first character so clients do not highlight the owner. */
export function noPing(nick: string): string {
  const chars = [...nick];
  return chars.length < 2 ? nick : `${chars[0]}\u200b${chars.slice(1).join('')}`;
}

/** IRC's default case mapping (rfc1459): `[]\~` are the upper case of `{}|^`. */
export function ircLower(name: string): string {
  return name
    .toLowerCase()
    .replace(/[[\]\\~]/g, (c) => ({ '[': '{', ']': '}', '\\': '|', '~': '^' })[c] ?? c);
}
