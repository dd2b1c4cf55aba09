/**
 * A MIME type as the store keeps it: it ends up in a Content-Type header, and a peer or an
 * uploader chose it, so only a plain `type/subtype` token pair passes.
 */

/** `type/subtype` in lower case without parameters, or undefined when it is not one. */
export function cleanMimeType(value: string | undefined): string | undefined {
  const type = value?.split(';')[0]?.trim().toLowerCase();
  return type && type.length <= 127 && /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/.test(type)
    ? type
    : undefined;
}
