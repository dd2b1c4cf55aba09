/**
 * Streams bytes into the media repository (`POST /_matrix/media/v3/upload`) as a user of our
 * namespace (`?user_id=`, the appservice identity assertion), so an uploaded file belongs to the
 * ghost who posts it. Synapse insists on a Content-Length, which the contract's attachments know
 * (`size`); the body streams from the source with back-pressure, so a file is never held whole.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { HomeserverUnreachableError, MatrixHttpError } from './api.js';
import { UploadSizeMismatchError } from './errors.js';

export interface UploadSource {
  readonly body: AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
  /** Exact length in bytes (sent as Content-Length; a source that differs is stopped). */
  readonly size: number;
  readonly contentType: string;
  readonly filename: string;
}

/** Longest silence of the connection while uploading or waiting for the answer. */
const IDLE_MS = 60_000;

/**
 * Uploads `source`; resolves with the `mxc://` URI.
 * @throws MatrixHttpError (the homeserver refused: too large, forbidden…),
 * HomeserverUnreachableError (no answer, broken off), UploadSizeMismatchError, or whatever the
 * source's body threw while being read.
 */
export function uploadMedia(
  homeserverUrl: string,
  asToken: string,
  source: UploadSource,
  asUser?: string,
): Promise<string> {
  const url = new URL(`${homeserverUrl}/_matrix/media/v3/upload`);
  url.searchParams.set('filename', source.filename);
  if (asUser) url.searchParams.set('user_id', asUser);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  let sourceError: unknown;
  async function* counted(): AsyncGenerator<Uint8Array> {
    let sent = 0;
    try {
      for await (const chunk of source.body) {
        sent += chunk.byteLength;
        if (sent > source.size) throw new UploadSizeMismatchError(source.size, sent);
        yield chunk;
      }
    } catch (error) {
      sourceError = error;
      throw error;
    }
    if (sent !== source.size) {
      sourceError = new UploadSizeMismatchError(source.size, sent);
      throw sourceError;
    }
  }
  return new Promise<string>((resolve, reject) => {
    let answered = false;
    const req = send(
      url,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${asToken}`,
          'content-type': source.contentType,
          'content-length': String(source.size),
        },
        timeout: IDLE_MS,
      },
      (res) => {
        answered = true;
        void answer(res).then(resolve, reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no progress for ${IDLE_MS} ms`)));
    pipeline(Readable.from(counted()), req).catch((error: unknown) => {
      if (sourceError !== undefined) reject(sourceError);
      // An early answer (413 too large) breaks the body off: the answer says why, not the pipe.
      else if (!answered) reject(new HomeserverUnreachableError(error));
    });
  });
}

/** Reads the homeserver's answer (a small JSON body). */
async function answer(res: IncomingMessage): Promise<string> {
  let text = '';
  try {
    for await (const chunk of res as AsyncIterable<Buffer>) {
      if (text.length < 65_536) text += chunk.toString('utf8');
    }
  } catch (error) {
    throw new HomeserverUnreachableError(error);
  }
  let json: Record<string, unknown> = {};
  try {
    json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    // a proxy's HTML error page: keep the status
  }
  const status = res.statusCode ?? 0;
  if (status >= 200 && status < 300 && typeof json['content_uri'] === 'string')
    return json['content_uri'];
  throw new MatrixHttpError(
    status,
    String(json['errcode'] ?? 'M_UNKNOWN'),
    String(json['error'] ?? text.slice(0, 200)),
  );
}
