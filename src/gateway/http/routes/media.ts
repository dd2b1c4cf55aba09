import { Hono, type MiddlewareHandler } from 'hono';
import { cleanMimeType } from '../../../core/blobs/mime.js';
import { BlobTooLargeError, NotFoundError, ValidationError } from '../../../core/errors.js';
import type { BlobHash, MultichatNode } from '../../../core/types.js';
import { readQuery } from '../body.js';
import {
  requireUser,
  type AppContext,
  type AppEnv,
  type Auth,
  type MediaDeps,
} from '../context.js';
import { ForbiddenError } from '../errors.js';
import { mediaHeaders, primed, requestBytes, webStream } from '../media-response.js';
import { blobHash, mediaQuery, uploadQuery } from '../schemas.js';
import { canRead } from './lookup.js';

const OCTETS = 'application/octet-stream';

function hashParam(c: AppContext): BlobHash {
  const hash = c.req.param('hash') ?? '';
  if (!blobHash.safeParse(hash).success) {
    throw new ValidationError('hash', 'hash: must be 64 lowercase hex digits (a sha256)');
  }
  return hash as BlobHash;
}

/**
 * Who may read a blob: the admin token; the user who uploaded it; a member of a channel where a
 * live message references it. Others get 403 for a blob this node knows of, 404 otherwise.
 */
function requireReader(node: MultichatNode, hash: BlobHash, auth: Auth): void {
  if (auth.kind === 'admin') return;
  const me = auth.user.id;
  if (node.blobs.uploadedBy(hash, me)) return;
  const channels = node.blobs.channelsReferencing(hash);
  if (channels.some((ch) => canRead(node, ch, me))) return;
  if (channels.length === 0 && !node.blobs.has(hash)) throw new NotFoundError('file', hash);
  throw new ForbiddenError(
    'media.membersOnly',
    'only members of a channel where a message shares this file may read it',
  );
}

/** Answers with the bytes: local, or fetched from peers within `fetchWaitMs`. */
async function serve(
  c: AppContext,
  node: MultichatNode,
  media: MediaDeps,
  hash: BlobHash,
  name?: string,
) {
  let readable = node.blobs.open(hash);
  // Peers are asked only for a blob a message here references: a guess costs them nothing.
  if (!readable && node.blobs.channelsReferencing(hash).length > 0) {
    const signal = AbortSignal.any([AbortSignal.timeout(media.fetchWaitMs), c.req.raw.signal]);
    readable = await node.blobs.fetch(hash, { signal });
  }
  if (!readable) {
    throw new NotFoundError('file', `${hash} (not on this node, and no peer delivered it)`);
  }
  const info = node.blobs.describe(hash);
  // Cleaned again: the type may come from a peer's message (blob_refs).
  const mimeType = cleanMimeType(info?.mimeType) ?? OCTETS;
  const headers = mediaHeaders(mimeType, readable.size, name ?? info?.name ?? hash);
  if (c.req.method === 'HEAD') return c.body(null, 200, headers);
  return c.body(webStream(await primed(readable.stream())), 200, headers);
}

/**
 * A signed link (`?expires=&sig=`, see media-links.ts) is served before the token check, so
 * it works without one; a request without both goes on to the token routes.
 */
export function signedMediaMiddleware(
  node: MultichatNode,
  media: MediaDeps,
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const { expires, sig } = c.req.query();
    if (!['GET', 'HEAD'].includes(c.req.method) || expires === undefined || sig === undefined) {
      return next();
    }
    const query = readQuery(c, mediaQuery);
    const hash = hashParam(c);
    const verdict = media.links.check(hash, query.expires ?? '', query.sig ?? '', query.name ?? '');
    if (verdict === 'expired')
      throw new ForbiddenError('media.linkExpired', 'this link has expired');
    if (verdict !== 'valid') throw new ForbiddenError('media.badLink', 'this link is not valid');
    return serve(c, node, media, hash, query.name || undefined);
  };
}

/** `POST /media` (upload) and `GET /media/:hash` (read) for token holders. */
export function mediaRoutes(node: MultichatNode, media: MediaDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.post('/media', async (c) => {
    const me = requireUser(c);
    const { name = 'file' } = readQuery(c, uploadQuery);
    const declared = Number(c.req.header('content-length'));
    // Refused before a byte is read when the client says how much it sends.
    if (Number.isSafeInteger(declared) && declared > media.maxBytes) {
      throw new BlobTooLargeError(media.maxBytes, declared);
    }
    const info = await node.blobs.put(requestBytes(c.req.raw.body), {
      maxBytes: media.maxBytes,
      mimeType: cleanMimeType(c.req.header('content-type')) ?? OCTETS,
      uploader: me.id,
      name,
    });
    return c.json(
      {
        hash: info.hash,
        name,
        mimeType: info.mimeType ?? OCTETS,
        size: info.size,
        ...(info.width !== undefined && { width: info.width, height: info.height }),
        url: media.links.pathFor(info.hash),
      },
      201,
    );
  });

  app.get('/media/:hash', async (c) => {
    readQuery(c, mediaQuery);
    const hash = hashParam(c);
    requireReader(node, hash, c.get('auth'));
    return serve(c, node, media, hash);
  });

  return app;
}

export { requireReader as requireBlobReader };
