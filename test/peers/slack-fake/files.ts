/**
 * The fake's file hosting, as Slack documents it for files v2 and `url_private`:
 * - `POST /upload/<file id>` (the `upload_url` of files.getUploadURLExternal) takes the raw bytes
 *   or a multipart/form-data body with one file part, and refuses a body whose length differs
 *   from the `length` announced to getUploadURLExternal.
 * - `GET /files-pri/<team>-<file id>/[download/]<name>` serves the bytes only with
 *   `Authorization: Bearer <bot token>`; anything else gets what a browser without a session
 *   gets from Slack: a 302 to the sign-in page (HTML, HTTP 200). Every download is recorded.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SlackState } from './state.js';

export interface FileDownload {
  readonly path: string;
  /** The Authorization header as received ('' when absent). */
  readonly authorization: string;
  readonly status: number;
}

const LOGIN_PAGE =
  '<!DOCTYPE html><html><head><title>Sign in | Slack</title></head>' +
  '<body><h1>Sign in to multichat-fake</h1><form method="post"></form></body></html>';

const TYPES: Readonly<Record<string, string>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  txt: 'text/plain',
  pdf: 'application/pdf',
  mp4: 'video/mp4',
};

/** Slack infers the type from the file name when the upload does not say. */
export function guessMimetype(name: string, announced?: string): string {
  const type = announced?.split(';')[0]?.trim();
  if (type && type !== 'application/octet-stream' && !type.startsWith('multipart/')) return type;
  return TYPES[name.split('.').pop()?.toLowerCase() ?? ''] ?? 'application/octet-stream';
}

export class FileHost {
  readonly downloads: FileDownload[] = [];

  constructor(
    private readonly state: SlackState,
    private readonly botToken: string,
  ) {}

  /** POST to an upload URL. */
  upload(id: string, req: IncomingMessage, body: Buffer, res: ServerResponse): void {
    const file = this.state.files.get(id);
    if (!file || file.completed) return reply(res, 404, 'text/plain', 'not found');
    const part = fromMultipart(req.headers['content-type'] ?? '', body);
    const bytes = part?.bytes ?? body;
    if (bytes.length !== file.length) {
      return reply(res, 400, 'text/plain', `length mismatch: ${bytes.length} != ${file.length}`);
    }
    file.bytes = bytes;
    file.mimetype = guessMimetype(file.name, part ? part.type : req.headers['content-type']);
    reply(res, 200, 'text/plain', `OK - ${bytes.length}`);
  }

  /** GET of a `url_private`/`url_private_download`; false when `path` is not one. */
  download(path: string, req: IncomingMessage, res: ServerResponse): boolean {
    const match = /^\/files-pri\/[A-Z0-9]+-([A-Z0-9]+)\/(?:download\/)?[^/]+$/.exec(path);
    if (match) {
      const authorization = req.headers.authorization ?? '';
      const file = this.state.files.get(match[1] ?? '');
      const authorized = authorization === `Bearer ${this.botToken}`;
      const status = !authorized ? 302 : file?.bytes ? 200 : 404;
      this.downloads.push({ path, authorization, status });
      if (status === 302) {
        const back = encodeURIComponent(`${this.state.baseUrl}${path}`);
        res.writeHead(302, { location: `${this.state.baseUrl}/?redir=${back}` });
        res.end();
      } else if (status === 404 || !file?.bytes) reply(res, 404, 'text/plain', 'file_not_found');
      else reply(res, 200, file.mimetype ?? 'application/octet-stream', file.bytes);
      return true;
    }
    if (path === '/' || path.startsWith('/files/')) {
      // The sign-in page (and a permalink, which needs a browser session the fake never has).
      reply(res, 200, 'text/html; charset=utf-8', LOGIN_PAGE);
      return true;
    }
    return false;
  }
}

/** The first part with a filename of a multipart/form-data body. */
function fromMultipart(type: string, body: Buffer): { bytes: Buffer; type?: string } | undefined {
  const boundary = /^multipart\/form-data;.*boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (!boundary) return undefined;
  const delimiter = Buffer.from(`--${boundary}`);
  let at = body.indexOf(delimiter);
  while (at !== -1) {
    const next = body.indexOf(delimiter, at + delimiter.length);
    if (next === -1) break;
    const part = body.subarray(at + delimiter.length + 2, next - 2);
    const split = part.indexOf('\r\n\r\n');
    const head = part.subarray(0, split).toString('utf8');
    if (split !== -1 && /filename=/i.test(head)) {
      const partType = /content-type:\s*([^\r\n]+)/i.exec(head)?.[1];
      return { bytes: Buffer.from(part.subarray(split + 4)), ...(partType && { type: partType }) };
    }
    at = next;
  }
  return undefined;
}

function reply(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
