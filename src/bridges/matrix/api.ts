/**
 * Direct client-server API calls with the appservice token, acting as any user of our namespace
 * (`?user_id=`, the appservice identity assertion). Used where the idempotency of a call matters
 * (sends and redactions carry the router's key as the transaction id) or where the library has
 * no call for it (relations, alias lookup). Failures become the contract's `DeliveryError`.
 */
import { DeliveryError, RateLimitedError } from '../errors.js';

const TIMEOUT_MS = 30_000;

/** An error answer of the homeserver: the HTTP status and the Matrix `errcode`. */
export class MatrixHttpError extends DeliveryError {
  constructor(
    readonly status: number,
    readonly errcode: string,
    message: string,
  ) {
    // 4xx other than 429 will not change on a retry; 5xx and the rest may.
    super(`homeserver answered ${status} ${errcode}: ${message}`, {
      permanent: status >= 400 && status < 500 && status !== 429 && status !== 408,
    });
    this.name = 'MatrixHttpError';
  }
}

/** The homeserver did not answer at all (down, restarting, network): transient. */
export class HomeserverUnreachableError extends DeliveryError {
  constructor(cause: unknown) {
    super(`homeserver unreachable: ${(cause as Error).message}`, { cause });
    this.name = 'HomeserverUnreachableError';
  }
}

export interface RequestOptions {
  /** Act as this user (a ghost or the bot); default the bot. */
  readonly asUser?: string;
  readonly body?: unknown;
  readonly query?: Readonly<Record<string, string>>;
  /** Raw bytes (media upload) instead of JSON. */
  readonly bytes?: { readonly data: Uint8Array; readonly contentType: string };
}

export class MatrixApi {
  constructor(
    private readonly homeserverUrl: string,
    private readonly asToken: string,
  ) {}

  /**
   * One call. Blocks until the homeserver answers (30 s at most).
   * @throws MatrixHttpError for an error answer, RateLimitedError for 429, DeliveryError (transient) when unreachable.
   */
  async request<T = Record<string, unknown>>(
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<T> {
    const url = new URL(`${this.homeserverUrl}${path}`);
    for (const [key, value] of Object.entries(options.query ?? {}))
      url.searchParams.set(key, value);
    if (options.asUser) url.searchParams.set('user_id', options.asUser);
    const headers: Record<string, string> = { authorization: `Bearer ${this.asToken}` };
    let body: string | Uint8Array | undefined;
    if (options.bytes) {
      headers['content-type'] = options.bytes.contentType;
      body = options.bytes.data;
    } else if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers,
        ...(body !== undefined && { body: body as RequestInit['body'] }),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      throw new HomeserverUnreachableError(error);
    }
    const text = await res.text();
    let json: Record<string, unknown> = {};
    try {
      json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      // a proxy's HTML error page: keep the status
    }
    if (res.ok) return json as T;
    if (res.status === 429) {
      const after = Number(
        json['retry_after_ms'] ?? Number(res.headers.get('retry-after') ?? 1) * 1000,
      );
      throw new RateLimitedError(Number.isFinite(after) && after > 0 ? after : 1000);
    }
    throw new MatrixHttpError(
      res.status,
      String(json['errcode'] ?? 'M_UNKNOWN'),
      String(json['error'] ?? text.slice(0, 200)),
    );
  }

  /** PUT /rooms/{room}/send/{type}/{txnId}: the homeserver answers a repeated txnId with the first event id. */
  async sendEvent(
    roomId: string,
    type: string,
    content: unknown,
    txnId: string,
    asUser?: string,
  ): Promise<string> {
    const path = `/_matrix/client/v3/rooms/${enc(roomId)}/send/${enc(type)}/${enc(txnId)}`;
    const res = await this.request<{ event_id: string }>('PUT', path, {
      body: content,
      ...(asUser && { asUser }),
    });
    return res.event_id;
  }

  /** GET /rooms/{room}/event/{id} as the bot: the event's type and content; undefined on 404. */
  async getEvent(
    roomId: string,
    eventId: string,
  ): Promise<{ type: string; content: Record<string, unknown> } | undefined> {
    try {
      const res = await this.request<{ type?: unknown; content?: unknown }>(
        'GET',
        `/_matrix/client/v3/rooms/${enc(roomId)}/event/${enc(eventId)}`,
      );
      const content = (res.content ?? {}) as Record<string, unknown>;
      return { type: String(res.type ?? ''), content };
    } catch (error) {
      if (error instanceof MatrixHttpError && error.status === 404) return undefined;
      throw error;
    }
  }

  async redact(roomId: string, eventId: string, txnId: string, asUser?: string): Promise<void> {
    const path = `/_matrix/client/v3/rooms/${enc(roomId)}/redact/${enc(eventId)}/${enc(txnId)}`;
    await this.request('PUT', path, { body: {}, ...(asUser && { asUser }) });
  }

  /** The room id of an alias, or undefined when the alias does not exist. */
  async resolveAlias(alias: string): Promise<string | undefined> {
    try {
      const res = await this.request<{ room_id: string }>(
        'GET',
        `/_matrix/client/v3/directory/room/${enc(alias)}`,
      );
      return res.room_id;
    } catch (error) {
      if (error instanceof MatrixHttpError && error.status === 404) return undefined;
      throw error;
    }
  }

  async getState<T = Record<string, unknown>>(
    roomId: string,
    type: string,
    stateKey = '',
  ): Promise<T | undefined> {
    try {
      return await this.request<T>(
        'GET',
        `/_matrix/client/v3/rooms/${enc(roomId)}/state/${enc(type)}/${enc(stateKey)}`,
      );
    } catch (error) {
      if (error instanceof MatrixHttpError && error.status === 404) return undefined;
      throw error;
    }
  }

  async putState(
    roomId: string,
    type: string,
    stateKey: string,
    content: unknown,
    asUser?: string,
  ): Promise<void> {
    await this.request(
      'PUT',
      `/_matrix/client/v3/rooms/${enc(roomId)}/state/${enc(type)}/${enc(stateKey)}`,
      { body: content, ...(asUser && { asUser }) },
    );
  }

  /** Annotations (reactions) on an event, newest first, one page. */
  async reactions(
    roomId: string,
    eventId: string,
  ): Promise<Array<{ event_id: string; sender: string; key?: string }>> {
    const path = `/_matrix/client/v1/rooms/${enc(roomId)}/relations/${enc(eventId)}/m.annotation/m.reaction`;
    const res = await this.request<{ chunk?: Array<Record<string, unknown>> }>('GET', path, {
      query: { limit: '100' },
    });
    return (res.chunk ?? []).map((e) => {
      const rel = ((e['content'] as Record<string, unknown> | undefined)?.['m.relates_to'] ??
        {}) as Record<string, unknown>;
      return {
        event_id: String(e['event_id']),
        sender: String(e['sender']),
        ...(typeof rel['key'] === 'string' && { key: rel['key'] }),
      };
    });
  }

  /** Uploads bytes to the media repository; returns the `mxc://` URI. */
  async upload(
    data: Uint8Array,
    contentType: string,
    filename: string,
    asUser?: string,
  ): Promise<string> {
    const res = await this.request<{ content_uri: string }>('POST', '/_matrix/media/v3/upload', {
      bytes: { data, contentType },
      query: { filename },
      ...(asUser && { asUser }),
    });
    return res.content_uri;
  }
}

function enc(part: string): string {
  return encodeURIComponent(part);
}
