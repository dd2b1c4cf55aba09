/**
 * A fake Discord for tests, written from the public API documentation: REST under `/api/v10`
 * with real rate-limit headers and 429s, and a Gateway WebSocket on the same port. The real
 * discord.js client talks to it (`rest.api` = `apiUrl`; the gateway address comes from
 * `GET /gateway/bot`). Test controls play the other people of the guild (post, edit, delete,
 * react, join, leave, slash commands) and the network's faults (429 storms, dropped sockets,
 * lost sessions); every REST request is recorded.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { FakeCdn, STICKER_FORMAT, type NewFile } from './cdn.js';
import { FakeGateway } from './gateway.js';
import { Messages } from './messages.js';
import { isMultipart, parseMultipart, type UploadedFile } from './multipart.js';
import { RateLimits, type BucketLimit, type StormSpec } from './rate-limit.js';
import { ApiError, buildRoutes, type Route } from './routes.js';
import {
  ALL_PERMISSIONS,
  FakeState,
  type FakeChannel,
  type FakeGuild,
  type FakeMessage,
  type FakeUser,
  type Json,
} from './state.js';

export type { FakeChannel, FakeGuild, FakeMessage, FakeUser, NewFile, StormSpec, UploadedFile };
export { FakeCdn, STICKER_FORMAT };

export interface DiscordFakeOptions {
  readonly heartbeatIntervalMs?: number;
  /** Per-route bucket; default 5 requests per 2 s, as Discord's webhook routes. */
  readonly limitFor?: (template: string) => BucketLimit;
  readonly globalPerSecond?: number;
  /** Largest uploaded file accepted (413, code 40005 above); default Discord's 10 MiB. */
  readonly uploadLimitBytes?: number;
  /** How long signed CDN links work; default 24 h. */
  readonly cdnLinkTtlMs?: number;
  /** Listen on this port (default any free one): a fake started late, where a test said. */
  readonly port?: number;
  /** The bot token it accepts (default a random one). */
  readonly token?: string;
  /** With `port`: do not listen until `listen()` (the API is unreachable until then). */
  readonly deferListen?: boolean;
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly template: string;
  readonly query: string;
  readonly body: unknown;
  /** The `files[n]` parts of a multipart request, bytes included. */
  readonly files: readonly UploadedFile[];
  readonly status: number;
}

export interface DiscordFake {
  /** The REST base to give discord.js (`rest.api`), e.g. `http://127.0.0.1:1234/api`. */
  readonly apiUrl: string;
  /** The CDN base to give the adapter (`cdnUrl`): attachments and stickers are served there. */
  readonly cdnUrl: string;
  readonly cdn: FakeCdn;
  readonly token: string;
  readonly state: FakeState;
  readonly gateway: FakeGateway;
  readonly rateLimits: RateLimits;
  readonly requests: RecordedRequest[];
  readonly guild: FakeGuild;
  /** A text channel `#general` that exists from the start. */
  readonly channel: FakeChannel;
  /** A channel of the guild: text (0) unless told, e.g. 15 for a forum. */
  addChannel(name: string, type?: number): FakeChannel;
  /** A guild member (dispatches nothing; use `memberJoin` for the event). */
  addUser(name: string, roles?: string[]): FakeUser;
  /** `author` posts `content` (through webhook `webhookId` when given). */
  say(
    channelId: string,
    author: FakeUser,
    content: string,
    extra?: {
      replyTo?: string;
      attachments?: Json[];
      webhookId?: string;
      stickers?: Json[];
      embeds?: Json[];
    },
  ): FakeMessage;
  /** `author` posts `files` (stored on the CDN, with signed URLs) and `content`, maybe empty. */
  upload(
    channelId: string,
    author: FakeUser,
    files: readonly NewFile[],
    content?: string,
  ): FakeMessage;
  edit(messageId: string, content: string): FakeMessage;
  remove(messageId: string): void;
  bulkDelete(channelId: string, ids: readonly string[]): void;
  react(user: FakeUser, messageId: string, emoji: string, add?: boolean): void;
  startThread(channelId: string, messageId: string, name: string): FakeChannel;
  /** The thread is archived now (as after its inactivity period): THREAD_UPDATE. */
  archiveThread(threadId: string): void;
  memberJoin(user: FakeUser): void;
  /** TYPING_START of `user` in a channel (needs the GUILD_MESSAGE_TYPING intent). */
  typing(channelId: string, user: FakeUser): void;
  /** Someone changes the channel's topic in the client: CHANNEL_UPDATE (no changer named). */
  setTopic(channelId: string, topic: string): void;
  /**
   * PRESENCE_UPDATE of `user` (needs the privileged GUILD_PRESENCES intent); `custom` is a
   * custom status text (activity type 4). As the docs say, `user` carries only the id.
   */
  presence(user: FakeUser, status: 'online' | 'idle' | 'dnd' | 'offline', custom?: string): void;
  memberLeave(user: FakeUser): void;
  /** Runs `/multichat <sub> [channel]` as `user`; `permissions` is the member's bit set. */
  command(
    channelId: string,
    user: FakeUser,
    sub: string,
    permissions: bigint,
    /** The `channel` option's value, or every option by name (`{code: '…'}`). */
    channel?: string | Readonly<Record<string, string>>,
  ): string;
  storm(spec: StormSpec): void;
  /** Starts listening, for a fake made with `deferListen`. */
  listen(): Promise<void>;
  stop(): Promise<void>;
}

export async function startDiscordFake(options: DiscordFakeOptions = {}): Promise<DiscordFake> {
  const state = new FakeState(options.token);
  let port = 0;
  const base = () => `ws://127.0.0.1:${port}`;
  const gateway = new FakeGateway(
    state,
    () => `${base()}/resume`,
    options.heartbeatIntervalMs ?? 41_250,
  );
  const messages = new Messages(state, gateway);
  const cdn = new FakeCdn(
    () => `http://127.0.0.1:${port}`,
    () => state.ids.next(),
    options.cdnLinkTtlMs,
  );
  const routes = buildRoutes(state, messages, () => `${base()}/gateway`, {
    cdn,
    limitBytes: options.uploadLimitBytes ?? 10 * 1024 * 1024,
  });
  const rateLimits = new RateLimits(
    options.limitFor ?? (() => ({ limit: 5, windowMs: 2_000 })),
    options.globalPerSecond ?? 50,
  );
  const requests: RecordedRequest[] = [];

  const server = createServer((req, res) => {
    if (cdn.serve(req, res)) return;
    void serve(req, res, routes, state, rateLimits, requests);
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    wss.handleUpgrade(req, socket, head, (ws) => gateway.accept(ws));
  });
  const listen = async () => {
    await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  };
  if (options.deferListen && options.port !== undefined) port = options.port;
  else await listen();

  const guild = state.addGuild('Test Guild');
  const general = state.addChannel(guild.id, 'general');
  const msg = (id: string): FakeMessage => {
    const found = state.messages.get(id);
    if (!found) throw new Error(`fake discord: no message ${id}`);
    return found;
  };
  const chan = (id: string): FakeChannel => {
    const found = state.channels.get(id);
    if (!found) throw new Error(`fake discord: no channel ${id}`);
    return found;
  };

  return {
    apiUrl: `http://127.0.0.1:${port}/api`,
    cdnUrl: `http://127.0.0.1:${port}`,
    cdn,
    token: state.token,
    state,
    gateway,
    rateLimits,
    requests,
    guild,
    channel: general,
    addChannel: (name, type = 0) => {
      const channel = state.addChannel(guild.id, name, type);
      gateway.dispatch('CHANNEL_CREATE', { ...channel, permission_overwrites: [] });
      return channel;
    },
    addUser: (name, roles = []) => {
      const user = state.user(name);
      state.addMember(guild.id, user, roles);
      return user;
    },
    say: (channelId, author, content, extra = {}) =>
      messages.create(chan(channelId), {
        author,
        content,
        ...(extra.replyTo !== undefined && {
          reference: { message_id: extra.replyTo, channel_id: channelId },
        }),
        ...(extra.attachments && { attachments: extra.attachments }),
        ...(extra.webhookId !== undefined && { webhookId: extra.webhookId }),
        ...(extra.stickers && { stickers: extra.stickers }),
        ...(extra.embeds && { embeds: extra.embeds }),
      }),
    upload: (channelId, author, files, content = '') =>
      messages.create(chan(channelId), {
        author,
        content,
        attachments: files.map((f) => cdn.attachment(channelId, f)),
      }),
    edit: (id, content) => messages.edit(msg(id), content),
    remove: (id) => messages.delete(msg(id)),
    bulkDelete: (channelId, ids) => messages.bulkDelete(chan(channelId), ids),
    react: (user, id, emoji, add = true) => void messages.react(msg(id), user, emoji, add),
    startThread: (channelId, messageId, name) => {
      const thread = state.addChannel(guild.id, name, 11, chan(channelId).id, msg(messageId).id);
      messages.threadCreated(thread);
      return thread;
    },
    archiveThread: (threadId) => {
      const thread = chan(threadId);
      thread['thread_metadata'] = {
        ...(thread['thread_metadata'] as Json),
        archived: true,
        archive_timestamp: new Date().toISOString(),
      };
      gateway.dispatch('THREAD_UPDATE', { ...thread });
    },
    memberJoin: (user) => {
      state.addMember(guild.id, user, []);
      gateway.dispatch('GUILD_MEMBER_ADD', {
        ...messages.memberObject(guild.id, user.id),
        guild_id: guild.id,
      });
    },
    setTopic: (channelId, topic) => messages.channelUpdate(chan(channelId), topic),
    typing: (channelId, user) => {
      const channel = chan(channelId);
      gateway.dispatch('TYPING_START', {
        channel_id: channel.id,
        guild_id: guild.id,
        user_id: user.id,
        timestamp: Math.floor(Date.now() / 1000),
        member: { ...messages.memberObject(guild.id, user.id), user },
      });
    },
    presence: (user, status, custom) => {
      const activities =
        custom === undefined ? [] : [{ type: 4, name: 'Custom Status', state: custom }];
      gateway.dispatch('PRESENCE_UPDATE', {
        user: { id: user.id },
        guild_id: guild.id,
        status,
        activities,
        client_status: status === 'offline' ? {} : { desktop: status },
      });
    },
    memberLeave: (user) => {
      guild.members.delete(user.id);
      gateway.dispatch('GUILD_MEMBER_REMOVE', { user, guild_id: guild.id });
    },
    command: (channelId, user, sub, permissions, channel) => {
      const id = state.ids.next();
      const given = typeof channel === 'string' ? { channel } : (channel ?? {});
      const options = Object.entries(given).map(([name, value]) => ({ name, type: 3, value }));
      gateway.dispatch('INTERACTION_CREATE', {
        id,
        application_id: state.application.id,
        type: 2,
        data: {
          id: state.ids.next(),
          name: 'multichat',
          type: 1,
          options: [{ name: sub, type: 1, options }],
        },
        guild_id: guild.id,
        channel_id: channelId,
        channel: { ...chan(channelId), permission_overwrites: [] },
        member: {
          ...messages.memberObject(guild.id, user.id),
          user,
          permissions: permissions.toString(),
        },
        token: `itok-${id}`,
        version: 1,
        app_permissions: ALL_PERMISSIONS,
        locale: 'en-US',
        guild_locale: 'en-US',
        entitlements: [],
        authorizing_integration_owners: { '0': guild.id },
        context: 0,
      });
      return id;
    },
    storm: (spec) => rateLimits.storm(spec),
    listen,
    stop: async () => {
      gateway.close();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function serve(
  req: IncomingMessage,
  res: ServerResponse,
  routes: readonly Route[],
  state: FakeState,
  limits: RateLimits,
  requests: RecordedRequest[],
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://fake');
  const path = url.pathname.replace(/^\/api(\/v10)?/, '');
  const method = req.method ?? 'GET';
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  let body: Json = {};
  let files: UploadedFile[] = [];
  try {
    const type = req.headers['content-type'];
    if (isMultipart(type)) ({ body, files } = await parseMultipart(raw, type as string));
    else body = raw.byteLength === 0 ? {} : (JSON.parse(raw.toString('utf8')) as Json);
  } catch {
    body = {};
  }
  const answer = (
    status: number,
    payload: unknown,
    headers: Record<string, string>,
    template: string,
  ): void => {
    requests.push({ method, path, template, query: url.search, body, files, status });
    res.writeHead(status, {
      ...headers,
      ...(payload !== undefined && { 'Content-Type': 'application/json' }),
    });
    res.end(payload === undefined ? undefined : JSON.stringify(payload));
  };
  let params: string[] | undefined;
  const route = routes.find(
    (r) => r.method === method && (params = r.pattern.exec(path)?.slice(1)) !== undefined,
  );
  if (!route || !params) {
    answer(404, { message: '404: Not Found', code: 0 }, {}, path);
    return;
  }
  const bot = req.headers.authorization === `Bot ${state.token}`;
  if (route.auth && !bot) {
    answer(401, { message: '401: Unauthorized', code: 0 }, {}, route.template);
    return;
  }
  const major = route.template.startsWith('/webhooks/:id/:token')
    ? `${params[0]}/${params[1]}`
    : (params[0] ?? '');
  const verdict = limits.check(method, path, route.template, major, Date.now());
  if (!verdict.ok) {
    answer(429, verdict.body, verdict.headers, route.template);
    return;
  }
  try {
    const reply = route.handle({ method, params, query: url.searchParams, body, files, bot });
    answer(reply.status, reply.body, verdict.headers, route.template);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    const payload = {
      message: error.message,
      code: error.code,
      ...(error.errors && { errors: error.errors }),
    };
    answer(error.status, payload, verdict.headers, route.template);
  }
}
