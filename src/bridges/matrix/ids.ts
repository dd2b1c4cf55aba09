/**
 * Matrix identifiers the adapter derives: ghost user ids from Multichat person ids (reversible,
 * so a power-level change on a ghost can be traced to the person), and HTTP URLs of `mxc://`
 * media for networks that cannot read Matrix URIs.
 */

/**
 * Escapes any string into Matrix localpart characters (`a-z 0-9 . _ = - /`): lower-case letters,
 * digits, `.`, `-` and `/` stay; `_` becomes `__`, an upper-case letter `_` + its lower case,
 * anything else `=` + two hex digits per UTF-8 byte.
 */
export function escapeLocalpart(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (/[a-z0-9.\-/]/.test(c)) out += c;
    else if (c === '_') out += '__';
    else if (/[A-Z]/.test(c)) out += `_${c.toLowerCase()}`;
    else out += `=${byte.toString(16).padStart(2, '0')}`;
  }
  return out;
}

/** Inverse of `escapeLocalpart`; undefined when `text` is not such an escape. */
export function unescapeLocalpart(text: string): string | undefined {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '_') {
      const next = text[i + 1];
      if (next === '_') bytes.push(0x5f);
      else if (next && /[a-z]/.test(next)) bytes.push(next.toUpperCase().charCodeAt(0));
      else return undefined;
      i++;
    } else if (c === '=') {
      const hex = text.slice(i + 1, i + 3);
      if (!/^[0-9a-f]{2}$/.test(hex)) return undefined;
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else bytes.push(c.charCodeAt(0));
  }
  return Buffer.from(bytes).toString('utf8');
}

export interface GhostNaming {
  readonly userPrefix: string;
  readonly domain: string;
}

/** The ghost user id standing for the Multichat person `personId`. */
export function ghostUserId(naming: GhostNaming, personId: string): string {
  return `@${naming.userPrefix}${escapeLocalpart(personId)}:${naming.domain}`;
}

/** The person id a ghost stands for, or undefined when `userId` is not one of our ghosts. */
export function personOfGhost(naming: GhostNaming, userId: string): string | undefined {
  const head = `@${naming.userPrefix}`;
  const tail = `:${naming.domain}`;
  if (!userId.startsWith(head) || !userId.endsWith(tail)) return undefined;
  return unescapeLocalpart(userId.slice(head.length, userId.length - tail.length));
}

/** The portal alias of a channel name: `#<prefix><name>:<domain>`. */
export function portalAlias(naming: GhostNaming, channelName: string): string {
  return `#${naming.userPrefix}${escapeLocalpart(channelName)}:${naming.domain}`;
}

/** The channel name a portal alias addresses, or undefined when the alias is not a portal's. */
export function channelOfPortalAlias(naming: GhostNaming, alias: string): string | undefined {
  const head = `#${naming.userPrefix}`;
  const tail = `:${naming.domain}`;
  if (!alias.startsWith(head) || !alias.endsWith(tail)) return undefined;
  const name = unescapeLocalpart(alias.slice(head.length, alias.length - tail.length));
  return name ? name : undefined;
}

/**
 * The download URL of an `mxc://server/id` URI on the homeserver (authenticated-media endpoint
 * of Matrix 1.11); other strings are returned unchanged.
 */
export function mxcToHttp(homeserverUrl: string, uri: string): string {
  const match = /^mxc:\/\/([^/]+)\/([^/?#]+)$/.exec(uri);
  if (!match) return uri;
  return `${homeserverUrl}/_matrix/client/v1/media/download/${encodeURIComponent(match[1] as string)}/${encodeURIComponent(match[2] as string)}`;
}
