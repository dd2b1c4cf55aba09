/**
 * The appservice HTTP endpoint the homeserver pushes to (Application Service API v1). Written
 * here rather than taken from `matrix-appservice` because the bridge needs what that one lacks:
 * de-duplication by transaction id beyond the last one, the stable `ephemeral` key, and an
 * answer before processing. It is handed to `matrix-appservice-bridge`'s `Bridge.listen` as its
 * AppService, so the library's event queue (in order per room) and intents sit on top. Bad
 * requests get Matrix errors (400 `M_NOT_JSON`, 413 `M_TOO_LARGE`), never a parser's message or
 * a reset; the hs_token is compared in constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { TransactionNotJsonError, TransactionTooLargeError } from './errors.js';
import { readJsonObject } from './request-body.js';

const MAX_BODY = 5 * 1024 * 1024;
/** Transaction ids remembered for de-duplication (the homeserver retries only recent ones). */
const REMEMBERED = 2_000;

/** A Matrix event as the homeserver pushes it. */
export type RawEvent = Record<string, unknown> & {
  type?: string;
  room_id?: string;
  sender?: string;
};

export class AppserviceHost extends EventEmitter {
  /** Set by `Bridge.listen`; answers GET /users/:userId. */
  onUserQuery: (userId: string) => Promise<unknown> | unknown = () => undefined;
  /** Set by `Bridge.listen`; answers GET /rooms/:alias (throws when not provisioning). */
  onAliasQuery: (alias: string) => Promise<unknown> | unknown = () => {
    throw new Error('not provisioning');
  };
  private server: Server | undefined;
  private readonly seen = new Set<string>();
  private readonly hsTokenDigest: Buffer;
  /** How many transactions were refused for a wrong hs_token (for tests and metrics). */
  refused = 0;

  constructor(hsToken: string) {
    super();
    this.hsTokenDigest = digest(hsToken);
  }

  /** Resolves once listening; the bound port is `port()`. */
  listen(port: number, hostname?: string): Promise<void> {
    const server = createServer((req, res) => void this.handle(req, res));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, hostname, () => {
        server.off('error', reject);
        resolve();
      });
    });
  }

  port(): number | undefined {
    const address = this.server?.address();
    return typeof address === 'object' && address ? address.port : undefined;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private authorised(req: IncomingMessage, url: URL): boolean {
    const header = req.headers.authorization;
    const given = header?.startsWith('Bearer ')
      ? header.slice(7)
      : url.searchParams.get('access_token');
    // Equal-length digests, compared in constant time: the answer's timing says nothing about
    // how much of a guessed token was right.
    return (
      given !== null && given !== undefined && timingSafeEqual(digest(given), this.hsTokenDigest)
    );
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://appservice');
    const path = url.pathname;
    try {
      if (path === '/health') return send(res, 200, 'OK');
      if (!path.startsWith('/_matrix/app/v1/'))
        return send(res, 404, { errcode: 'M_UNRECOGNIZED', error: 'unknown path' });
      if (!this.authorised(req, url)) {
        if (path.startsWith('/_matrix/app/v1/transactions/')) this.refused++;
        return send(res, 403, { errcode: 'M_FORBIDDEN', error: 'bad hs_token' });
      }
      const [, , , , kind, rawId] = path.split('/');
      const id = decodeURIComponent(rawId ?? '');
      if (kind === 'transactions' && req.method === 'PUT')
        return this.transaction(id, await readJsonObject(req, MAX_BODY), res);
      if (kind === 'ping' && req.method === 'POST') return send(res, 200, {});
      if (kind === 'users' && req.method === 'GET') {
        await this.onUserQuery(id);
        return send(res, 200, {});
      }
      if (kind === 'rooms' && req.method === 'GET') {
        try {
          await this.onAliasQuery(id);
        } catch {
          return send(res, 404, { errcode: 'M_NOT_FOUND', error: 'no such portal room' });
        }
        return send(res, 200, {});
      }
      return send(res, 404, { errcode: 'M_UNRECOGNIZED', error: 'unknown path' });
    } catch (error) {
      if (error instanceof TransactionTooLargeError)
        return send(res, 413, { errcode: 'M_TOO_LARGE', error: error.message });
      if (error instanceof TransactionNotJsonError)
        return send(res, 400, { errcode: 'M_NOT_JSON', error: error.message });
      this.emit('failure', error);
      return send(res, 500, { errcode: 'M_UNKNOWN', error: 'internal error' });
    }
  }

  /** Answers first, then hands the events on in transaction order. */
  private transaction(txnId: string, b: Record<string, unknown>, res: ServerResponse): void {
    if (this.seen.has(txnId)) return send(res, 200, {});
    this.seen.add(txnId);
    if (this.seen.size > REMEMBERED) this.seen.delete(this.seen.values().next().value as string);
    send(res, 200, {});
    // First the body as a whole (to-device keys for encryption), so a room key it carries is
    // in before the encrypted events it opens.
    this.emit('transaction', b);
    for (const event of list(b['events'])) this.emit('event', event);
    const ephemeral = b['ephemeral'] ?? b['de.sorunome.msc2409.ephemeral'];
    for (const event of list(ephemeral)) this.emit('ephemeral', event);
  }
}

function list(value: unknown): RawEvent[] {
  return Array.isArray(value)
    ? value.filter((e): e is RawEvent => typeof e === 'object' && e !== null)
    : [];
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    'content-type': typeof body === 'string' ? 'text/plain' : 'application/json',
  });
  res.end(text);
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}
