/**
 * A fake Slack, written from the public API docs, for the adapter's contract tests and the
 * end-to-end suites: the Web API under `/api/<method>` (bearer tokens, form or JSON bodies, tier
 * rate limits with 429 + `Retry-After`), the file upload URLs, `response_url`s, a Socket Mode
 * WebSocket and a sender of signed Events API requests. Loopback only.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventsSender } from './events-http.js';
import { FileHost } from './files.js';
import { defaultLimits, RateLimiter, type Limits } from './rate-limit.js';
import { SocketModeServer } from './socket.js';
import { SlackState } from './state.js';
import { ApiFail, METHODS, type Args, type WebApiHost } from './web-api.js';
import { Workspace } from './workspace.js';

export type { FakeChannel, FakeFile, FakeFileObject, FakeMessage, FakeUser } from './state.js';
export type { FileDownload } from './files.js';
export { sign } from './events-http.js';
export { POST_MESSAGE, TIERS } from './rate-limit.js';

export interface SlackFakeOptions {
  readonly limits?: Limits;
  readonly pingIntervalMs?: number;
  readonly missingScopes?: readonly string[];
  /** Listen on this port (default any free one). */
  readonly port?: number;
  /** With `port`: do not listen until `listen()` (the API is unreachable until then). */
  readonly deferListen?: boolean;
}

export interface ApiCall {
  readonly method: string;
  readonly args: Args;
  readonly token: string;
  readonly status: number;
}

export class SlackFake extends Workspace {
  readonly botToken = 'xoxb-fake-bot-token';
  readonly appToken = 'xapp-fake-app-token';
  readonly signingSecret = 'fake-signing-secret';
  /** Every Web API call, in arrival order (rate-limited ones included). */
  readonly calls: ApiCall[] = [];
  /** Bodies POSTed to `response_url`s, by command id. */
  readonly responses = new Map<string, unknown[]>();
  /** Files the fake serves at `publicUrl(name)`, for attachment downloads. */
  readonly published = new Map<string, { bytes: Buffer; type: string }>();
  readonly limiter: RateLimiter;
  readonly socket: SocketModeServer;
  /** File names whose files.getUploadURLExternal answers `ok: false` with this error. */
  readonly refusedUploads = new Map<string, string>();
  /** Upload URLs and `url_private` downloads (see `fileHost.downloads`). */
  readonly fileHost: FileHost;
  /** Set by `useHttp`: events go to this Request URL, signed, instead of over the socket. */
  http: EventsSender | undefined;
  private readonly server: Server;
  private httpTurn: Promise<void> = Promise.resolve();
  private readonly host: WebApiHost;
  private port: number;

  private constructor(options: SlackFakeOptions) {
    const state = new SlackState();
    super(state);
    this.port = options.port ?? 0;
    this.limiter = new RateLimiter(options.limits ?? defaultLimits);
    this.fileHost = new FileHost(state, this.botToken);
    this.socket = new SocketModeServer(
      () => this.url.replace(/^http/, 'ws'),
      state.appId,
      options.pingIntervalMs ?? 5_000,
    );
    this.server = createServer((req, res) => void this.route(req, res));
    this.server.on('upgrade', (req, socket, head) => {
      if ((req.url ?? '').startsWith('/link')) this.socket.handleUpgrade(req, socket, head);
      else socket.destroy();
    });
    this.host = {
      state,
      emit: (event) => this.emitEvent(event),
      uploadUrl: (id) => `${this.url}/upload/${id}`,
      missingScopes: new Set(options.missingScopes ?? []),
      refusedUploads: this.refusedUploads,
    };
  }

  static async start(options: SlackFakeOptions = {}): Promise<SlackFake> {
    const fake = new SlackFake(options);
    if (options.deferListen && options.port !== undefined) fake.state.baseUrl = fake.url;
    else await fake.listen();
    return fake;
  }

  /** Starts listening (once; `start` does it unless told `deferListen`). */
  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    this.state.baseUrl = this.url;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The Web API base the adapter is configured with. */
  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  /** Events and commands go to `url` as signed HTTP requests from now on. */
  useHttp(url: string): EventsSender {
    this.http = new EventsSender(url, this.signingSecret);
    return this.http;
  }

  /** A URL on the fake that serves `bytes` (an attachment to fetch). */
  publish(name: string, bytes: Buffer, type = 'application/octet-stream'): string {
    this.published.set(name, { bytes, type });
    return `${this.url}/public/${name}`;
  }

  callsOf(method: string): ApiCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  async stop(): Promise<void> {
    this.socket.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  protected override deliverEvent(envelope: Record<string, unknown>): void {
    const http = this.http;
    if (http) this.inTurn(() => http.postJson(envelope));
    else this.socket.deliver('events_api', envelope);
  }

  protected override deliverCommand(command: Record<string, string>): void {
    const http = this.http;
    if (http) this.inTurn(() => http.postForm(command));
    else this.socket.deliver('slash_commands', command);
  }

  /**
   * HTTP deliveries go one after another (each waits for the previous answer), so tests see a
   * deterministic order; Slack itself promises none over HTTP.
   */
  private inTurn(post: () => Promise<unknown>): void {
    this.httpTurn = this.httpTurn.then(post).then(
      () => undefined,
      () => undefined,
    );
  }

  protected override responseUrl(id: string): string {
    return `${this.url}/respond/${id}`;
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const body = await readBody(req);
    const [, root, name] = url.pathname.split('/');
    if (root === 'api' && name) return this.api(name, req, url, body, res);
    if (root === 'upload' && name && req.method === 'POST') {
      return this.fileHost.upload(name, req, body, res);
    }
    if (req.method === 'GET' && this.fileHost.download(url.pathname, req, res)) return;
    if (root === 'respond' && name && req.method === 'POST') {
      const list = this.responses.get(name) ?? [];
      list.push(JSON.parse(body.toString('utf8')) as unknown);
      this.responses.set(name, list);
      return send(res, 200, 'text/plain', 'ok');
    }
    if (root === 'public' && name) {
      const file = this.published.get(name);
      return file
        ? send(res, 200, file.type, file.bytes)
        : send(res, 404, 'text/plain', 'not found');
    }
    send(res, 404, 'text/plain', 'not found');
  }

  private api(
    method: string,
    req: IncomingMessage,
    url: URL,
    raw: Buffer,
    res: ServerResponse,
  ): void {
    const args: Args = { ...Object.fromEntries(url.searchParams), ...parseArgs(req, raw) };
    const token =
      (req.headers.authorization ?? '').replace(/^Bearer\s+/i, '') || String(args['token'] ?? '');
    const answer = (
      status: number,
      result: Record<string, unknown>,
      headers: Record<string, string> = {},
    ) => {
      this.calls.push({ method, args, token, status });
      send(res, status, 'application/json; charset=utf-8', JSON.stringify(result), headers);
    };
    const handler = method === 'apps.connections.open' ? undefined : METHODS[method];
    if (method !== 'apps.connections.open' && !handler)
      return answer(200, { ok: false, error: 'unknown_method' });
    if (!token) return answer(200, { ok: false, error: 'not_authed' });
    const wanted = method === 'apps.connections.open' ? this.appToken : this.botToken;
    if (token !== wanted) {
      const error =
        token === this.botToken || token === this.appToken
          ? 'not_allowed_token_type'
          : 'invalid_auth';
      return answer(200, { ok: false, error });
    }
    const wait = this.limiter.take(
      method,
      typeof args['channel'] === 'string' ? args['channel'] : undefined,
    );
    if (wait > 0)
      return answer(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(wait) });
    try {
      const result = handler ? handler(args, this.host) : { url: this.socket.open() };
      answer(200, { ok: true, ...result });
    } catch (error) {
      if (!(error instanceof ApiFail)) throw error;
      answer(200, { ok: false, error: error.error });
    }
  }
}

export function startSlackFake(options: SlackFakeOptions = {}): Promise<SlackFake> {
  return SlackFake.start(options);
}

function parseArgs(req: IncomingMessage, raw: Buffer): Args {
  if (raw.length === 0) return {};
  const type = req.headers['content-type'] ?? '';
  const text = raw.toString('utf8');
  if (type.includes('application/json')) return JSON.parse(text) as Args;
  return Object.fromEntries(new URLSearchParams(text));
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function send(
  res: ServerResponse,
  status: number,
  type: string,
  body: string | Buffer,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': type, ...headers });
  res.end(body);
}
