/**
 * A minimal real Matrix client for tests: the client-server API over fetch, as a person with
 * their own account on the test homeserver (registered with the dummy flow that
 * `enable_registration_without_verification` allows). It reads rooms through /messages, so
 * tests see exactly what any other client would.
 */
import { eventually } from './eventually.js';

export interface MatrixEvent {
  readonly event_id: string;
  readonly type: string;
  readonly sender: string;
  readonly room_id?: string;
  readonly state_key?: string;
  readonly content: Record<string, unknown>;
  readonly redacts?: string;
  readonly unsigned?: Record<string, unknown>;
}

let txnSeq = 0;

export class MatrixTestClient {
  private constructor(
    readonly baseUrl: string,
    readonly userId: string,
    readonly accessToken: string,
  ) {}

  /** Registers a new account (`username` must be unused) and returns its client. */
  static async register(
    baseUrl: string,
    username: string,
    password = `pw-${username}-secret`,
  ): Promise<MatrixTestClient> {
    const res = await fetch(`${baseUrl}/_matrix/client/v3/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        username,
        password,
        auth: { type: 'm.login.dummy' },
        inhibit_login: false,
      }),
    });
    const body = (await res.json()) as { user_id?: string; access_token?: string; error?: string };
    if (!res.ok || !body.user_id || !body.access_token)
      throw new Error(`register ${username}: ${res.status} ${body.error ?? ''}`);
    return new MatrixTestClient(baseUrl, body.user_id, body.access_token);
  }

  /** One call; throws with the homeserver's answer on an error status. */
  async call<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    token = this.accessToken,
  ): Promise<T> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : {}) as T;
  }

  async createRoom(options: Record<string, unknown> = {}): Promise<string> {
    const res = await this.call<{ room_id: string }>('POST', '/_matrix/client/v3/createRoom', {
      preset: 'public_chat',
      ...options,
    });
    return res.room_id;
  }

  async join(roomIdOrAlias: string): Promise<string> {
    const res = await this.call<{ room_id: string }>(
      'POST',
      `/_matrix/client/v3/join/${encodeURIComponent(roomIdOrAlias)}`,
      {},
    );
    return res.room_id;
  }

  async invite(roomId: string, userId: string): Promise<void> {
    await this.call('POST', `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/invite`, {
      user_id: userId,
    });
  }

  async send(
    roomId: string,
    content: Record<string, unknown>,
    type = 'm.room.message',
  ): Promise<string> {
    const txn = `t${Date.now()}-${++txnSeq}`;
    const path = `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/send/${encodeURIComponent(type)}/${txn}`;
    return (await this.call<{ event_id: string }>('PUT', path, content)).event_id;
  }

  sendText(roomId: string, body: string, extra: Record<string, unknown> = {}): Promise<string> {
    return this.send(roomId, { msgtype: 'm.text', body, ...extra });
  }

  react(roomId: string, eventId: string, key: string): Promise<string> {
    return this.send(
      roomId,
      { 'm.relates_to': { rel_type: 'm.annotation', event_id: eventId, key } },
      'm.reaction',
    );
  }

  async redact(roomId: string, eventId: string): Promise<string> {
    const path = `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/redact/${encodeURIComponent(eventId)}/r${++txnSeq}`;
    return (await this.call<{ event_id: string }>('PUT', path, {})).event_id;
  }

  async state<T = Record<string, unknown>>(roomId: string, type: string, key = ''): Promise<T> {
    return this.call<T>(
      'GET',
      `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/state/${encodeURIComponent(type)}/${encodeURIComponent(key)}`,
    );
  }

  async putState(roomId: string, type: string, content: unknown, key = ''): Promise<void> {
    await this.call(
      'PUT',
      `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/state/${encodeURIComponent(type)}/${encodeURIComponent(key)}`,
      content,
    );
  }

  async profile(userId: string): Promise<{ displayname?: string; avatar_url?: string }> {
    return this.call('GET', `/_matrix/client/v3/profile/${encodeURIComponent(userId)}`);
  }

  async upload(data: Uint8Array, contentType: string, filename: string): Promise<string> {
    const res = await fetch(
      `${this.baseUrl}/_matrix/media/v3/upload?filename=${encodeURIComponent(filename)}`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${this.accessToken}`, 'content-type': contentType },
        body: data as unknown as RequestInit['body'],
      },
    );
    const body = (await res.json()) as { content_uri?: string };
    if (!res.ok || !body.content_uri) throw new Error(`upload: ${res.status}`);
    return body.content_uri;
  }

  /** Downloads media through the authenticated endpoint. */
  async download(mxcOrUrl: string): Promise<Uint8Array> {
    const m = /^mxc:\/\/([^/]+)\/(.+)$/.exec(mxcOrUrl);
    const url = m ? `${this.baseUrl}/_matrix/client/v1/media/download/${m[1]}/${m[2]}` : mxcOrUrl;
    const res = await fetch(url, { headers: { authorization: `Bearer ${this.accessToken}` } });
    if (!res.ok) throw new Error(`download ${url}: ${res.status}`);
    return new Uint8Array(await res.arrayBuffer());
  }

  async members(roomId: string): Promise<string[]> {
    const res = await this.call<{ joined: Record<string, unknown> }>(
      'GET',
      `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/joined_members`,
    );
    return Object.keys(res.joined);
  }

  /** The room's timeline, oldest first (up to `limit` events). */
  async timeline(roomId: string, limit = 200): Promise<MatrixEvent[]> {
    const res = await this.call<{ chunk: MatrixEvent[] }>(
      'GET',
      `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/messages?dir=b&limit=${limit}`,
    );
    return res.chunk.reverse();
  }

  /** Polls the timeline until `pick` returns something (bounded by `ms`). */
  async waitFor<T>(
    roomId: string,
    pick: (events: MatrixEvent[]) => T | undefined | false,
    ms = 20_000,
  ): Promise<T> {
    let last: MatrixEvent[] = [];
    const probe = async () => {
      last = await this.timeline(roomId);
      return pick(last);
    };
    return eventually(probe, {
      what: `an event in ${roomId}`,
      timeoutMs: ms,
      intervalMs: 150,
    }).catch((error: unknown) => {
      throw new Error(
        `timed out waiting in ${roomId}; last events:\n${last.map((e) => `${e.type} ${e.sender} ${JSON.stringify(e.content)}`).join('\n')}`,
        { cause: error },
      );
    });
  }
}

/** Events of `type` in a timeline. */
export function ofType(events: readonly MatrixEvent[], type: string): MatrixEvent[] {
  return events.filter((e) => e.type === type);
}
