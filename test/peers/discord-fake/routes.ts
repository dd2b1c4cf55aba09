/**
 * The REST routes of the fake (under `/api/v10`), each written from the public docs: gateway
 * discovery, channels, channel messages (with `nonce` + `enforce_nonce`), reactions with a
 * URL-encoded emoji, threads from a message, active and public archived threads, webhooks (create, list, execute with `?wait=true`
 * and `thread_id`, edit and delete webhook messages), application commands and interaction
 * callbacks. Webhook executes and channel messages also take files (multipart, `./multipart.ts`),
 * stored on the fake CDN; a file over the upload limit answers 413 with code 40005. Errors use
 * Discord's `{message, code}` bodies and JSON error codes.
 */
import { randomBytes } from 'node:crypto';
import type { FakeCdn } from './cdn.js';
import type { Messages } from './messages.js';
import { uploadName, type UploadedFile } from './multipart.js';
import type { FakeChannel, FakeMessage, FakeState, FakeWebhook, Json } from './state.js';

export interface Request {
  readonly method: string;
  readonly params: readonly string[];
  readonly query: URLSearchParams;
  readonly body: Json;
  /** The `files[n]` parts of a multipart request. */
  readonly files: readonly UploadedFile[];
  /** True when `Authorization: Bot <token>` matched. */
  readonly bot: boolean;
}

export interface Reply {
  readonly status: number;
  readonly body?: unknown;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly errors?: Json,
  ) {
    super(message);
  }
}

export interface Route {
  readonly method: string;
  readonly pattern: RegExp;
  /** Route template for rate-limit buckets, ids replaced by `:id`. */
  readonly template: string;
  /** Route needs the bot token (webhook-token routes do not). */
  readonly auth: boolean;
  readonly handle: (req: Request) => Reply;
}

const ID = '(\\d{15,20})';
const MAX_CONTENT = 2000;
const ok = (body: unknown): Reply => ({ status: 200, body });
const NO_CONTENT: Reply = { status: 204 };

export interface UploadRules {
  readonly cdn: FakeCdn;
  /** Largest file Discord takes (10 MiB for bots and webhooks of an unboosted server). */
  readonly limitBytes: number;
}

/** Forum (15) and media (16) channels: only posts, no plain messages. */
const FORUMS = new Set([15, 16]);

export function buildRoutes(
  state: FakeState,
  messages: Messages,
  gatewayUrl: () => string,
  upload: UploadRules,
): Route[] {
  const channel = (id: string | undefined): FakeChannel => {
    const found = id === undefined ? undefined : state.channels.get(id);
    if (!found) throw new ApiError(404, 10003, 'Unknown Channel');
    return found;
  };
  const message = (channelId: string | undefined, id: string | undefined): FakeMessage => {
    const found = id === undefined ? undefined : state.messages.get(id);
    if (!found || found.channel_id !== channelId) throw new ApiError(404, 10008, 'Unknown Message');
    return found;
  };
  const webhook = (id: string | undefined, token?: string): FakeWebhook => {
    const found = id === undefined ? undefined : state.webhooks.get(id);
    if (!found || (token !== undefined && found.token !== token))
      throw new ApiError(404, 10015, 'Unknown Webhook');
    return found;
  };
  /** Where a webhook message goes: its channel, or the thread named by `thread_id`. */
  const webhookTarget = (hook: FakeWebhook, query: URLSearchParams): FakeChannel => {
    const threadId = query.get('thread_id');
    if (threadId === null && FORUMS.has(channel(hook.channel_id).type))
      throw new ApiError(
        400,
        220001,
        'Webhooks posted to forum channels must have a thread_name or thread_id',
      );
    if (threadId === null) return channel(hook.channel_id);
    const thread = channel(threadId);
    if (thread.parent_id !== hook.channel_id) throw new ApiError(400, 10003, 'Unknown Channel');
    return thread;
  };
  const content = (body: Json, hasFiles = false): string => {
    const text = typeof body['content'] === 'string' ? body['content'] : '';
    if (text.length > MAX_CONTENT) {
      throw new ApiError(400, 50035, 'Invalid Form Body', {
        content: {
          _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 2000 or fewer in length.' }],
        },
      });
    }
    if (text.trim() === '' && !hasFiles)
      throw new ApiError(400, 50006, 'Cannot send an empty message');
    return text;
  };
  const reference = (body: Json): { message_id: string; channel_id?: string } | undefined => {
    const ref = body['message_reference'] as
      { message_id?: string; channel_id?: string } | undefined;
    return ref?.message_id === undefined
      ? undefined
      : { message_id: ref.message_id, ...(ref.channel_id && { channel_id: ref.channel_id }) };
  };
  /** An edit may empty the content of a message that keeps files. */
  const hasFiles = (found: FakeMessage): boolean =>
    Array.isArray(found['attachments']) && found['attachments'].length > 0;
  /** The attachment objects of the uploaded files, stored on the CDN. */
  const attachments = (target: FakeChannel, body: Json, files: readonly UploadedFile[]) => {
    if (files.length > 10) throw new ApiError(400, 50035, 'Invalid Form Body', { files: {} });
    if (files.some((f) => f.data.byteLength > upload.limitBytes))
      throw new ApiError(413, 40005, 'Request entity too large');
    return files.map((f) =>
      upload.cdn.attachment(target.id, {
        filename: uploadName(body, f),
        data: f.data,
        contentType: f.contentType,
      }),
    );
  };
  const webhookView = (hook: FakeWebhook): Json => {
    // The token is only shown to the application that created the webhook.
    if (hook.application_id === state.application.id) return { ...hook };
    const { token: _token, ...rest } = hook;
    return rest;
  };
  const memberUser = (id: string) =>
    [...state.guilds.values()].map((g) => g.members.get(id)?.user).find((u) => u !== undefined);
  const emojiKey = (encoded: string | undefined): string => {
    const key = decodeURIComponent(encoded ?? '');
    if (key === '') throw new ApiError(400, 10014, 'Unknown Emoji');
    return key;
  };

  const r = (
    method: string,
    path: string,
    auth: boolean,
    handle: (req: Request) => Reply,
  ): Route => ({
    method,
    pattern: new RegExp(
      `^${path.replaceAll(':id', ID).replace(':emoji', '([^/]+)').replace(':token', '([^/]+)')}$`,
    ),
    template: path,
    auth,
    handle,
  });

  return [
    r('GET', '/gateway', false, () => ok({ url: gatewayUrl() })),
    r('GET', '/gateway/bot', true, () =>
      ok({
        url: gatewayUrl(),
        shards: 1,
        session_start_limit: {
          total: 1000,
          remaining: 999,
          reset_after: 14_400_000,
          max_concurrency: 1,
        },
      }),
    ),
    r('GET', '/users/@me', true, () => ok(state.bot)),
    r('GET', '/oauth2/applications/@me', true, () =>
      ok({ id: state.application.id, name: 'Multichat', bot: state.bot, flags: 0 }),
    ),
    r('GET', '/channels/:id', true, ({ params }) => ok(channel(params[0]))),
    // Modify Channel: only `topic` is taken (0-1024 characters, Manage Channels needed).
    r('PATCH', '/channels/:id', true, ({ params, body }) => {
      const target = channel(params[0]);
      if (state.manageChannelsDenied.has(target.id))
        throw new ApiError(403, 50013, 'Missing Permissions');
      const topic = body['topic'] === null ? null : String(body['topic'] ?? '');
      if (topic !== null && [...topic].length > 1024)
        throw new ApiError(400, 50035, 'Invalid Form Body', { topic: {} });
      messages.channelUpdate(target, topic);
      return ok(target);
    }),
    r('GET', '/channels/:id/webhooks', true, ({ params }) => {
      const id = channel(params[0]).id;
      return ok([...state.webhooks.values()].filter((w) => w.channel_id === id).map(webhookView));
    }),
    r('POST', '/channels/:id/webhooks', true, ({ params, body }) => {
      const target = channel(params[0]);
      if (state.webhooksDenied.has(target.id))
        throw new ApiError(403, 50013, 'Missing Permissions');
      const name = String(body['name'] ?? '');
      if (name.length < 1 || name.length > 80 || /clyde|discord/i.test(name)) {
        throw new ApiError(400, 50035, 'Invalid Form Body', {
          name: { _errors: [{ code: 'BASE_TYPE_BAD_NAME' }] },
        });
      }
      const hook: FakeWebhook = {
        id: state.ids.next(),
        type: 1,
        channel_id: target.id,
        guild_id: target.guild_id,
        name,
        avatar: null,
        token: randomBytes(24).toString('base64url'),
        application_id: state.application.id,
        user: state.bot,
      };
      state.webhooks.set(hook.id, hook);
      return ok(hook);
    }),
    r('GET', '/webhooks/:id', true, ({ params }) => ok(webhookView(webhook(params[0])))),
    r('POST', '/webhooks/:id/:token', false, ({ params, query, body, files }) => {
      const hook = webhook(params[0], params[1]);
      const where = webhookTarget(hook, query);
      const text = content(body, files.length > 0);
      const uploaded = attachments(where, body, files);
      const author = {
        id: hook.id,
        username: typeof body['username'] === 'string' ? body['username'] : hook.name,
        global_name: null,
        discriminator: '0000',
        avatar: null,
        bot: true,
      };
      const created = messages.create(where, {
        author,
        content: text,
        webhookId: hook.id,
        attachments: uploaded,
      });
      return query.get('wait') === 'true' ? ok(state.messageObject(created)) : NO_CONTENT;
    }),
    r('GET', '/webhooks/:id/:token/messages/:id', false, ({ params, query }) => {
      const hook = webhook(params[0], params[1]);
      const found = message(webhookTarget(hook, query).id, params[2]);
      if (found.webhook_id !== hook.id) throw new ApiError(404, 10008, 'Unknown Message');
      return ok(state.messageObject(found));
    }),
    r('PATCH', '/webhooks/:id/:token/messages/:id', false, ({ params, query, body }) => {
      const hook = webhook(params[0], params[1]);
      const found = message(webhookTarget(hook, query).id, params[2]);
      if (found.webhook_id !== hook.id) throw new ApiError(404, 10008, 'Unknown Message');
      return ok(state.messageObject(messages.edit(found, content(body, hasFiles(found)))));
    }),
    r('DELETE', '/webhooks/:id/:token/messages/:id', false, ({ params, query }) => {
      const hook = webhook(params[0], params[1]);
      const found = message(webhookTarget(hook, query).id, params[2]);
      if (found.webhook_id !== hook.id) throw new ApiError(404, 10008, 'Unknown Message');
      messages.delete(found);
      return NO_CONTENT;
    }),
    r('GET', '/channels/:id/messages/:id', true, ({ params }) =>
      ok(state.messageObject(message(params[0], params[1]))),
    ),
    // Get Channel Messages: `before`, `after` or `around` a snowflake, `limit` 1-100 (default
    // 50), newest first whichever is given; 403 50001 without Read Message History.
    r('GET', '/channels/:id/messages', true, ({ params, query }) => {
      const target = channel(params[0]);
      if (state.historyDenied.has(target.id)) throw new ApiError(403, 50001, 'Missing Access');
      const limit = Number(query.get('limit') ?? 50);
      if (!Number.isInteger(limit) || limit < 1 || limit > 100)
        throw new ApiError(400, 50035, 'Invalid Form Body', { limit: {} });
      const all = [...state.messages.values()]
        .filter((m) => m.channel_id === target.id)
        .sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
      const after = query.get('after');
      const before = query.get('before');
      let page: FakeMessage[];
      if (after !== null) page = all.filter((m) => BigInt(m.id) > BigInt(after)).slice(0, limit);
      else if (before !== null)
        page = all.filter((m) => BigInt(m.id) < BigInt(before)).slice(-limit);
      else page = all.slice(-limit);
      return ok(page.reverse().map((m) => state.messageObject(m)));
    }),
    // Trigger Typing Indicator: the bot shows as typing for ~10 s (recorded, nothing stored).
    r('POST', '/channels/:id/typing', true, ({ params }) => {
      channel(params[0]);
      return NO_CONTENT;
    }),
    r('POST', '/channels/:id/messages', true, ({ params, body, files }) => {
      const target = channel(params[0]);
      if (FORUMS.has(target.type))
        throw new ApiError(400, 50008, 'Cannot send messages in a non-text channel');
      const text = content(body, files.length > 0);
      const nonce = body['nonce'] === undefined ? undefined : String(body['nonce']);
      if (nonce !== undefined && nonce.length > 25)
        throw new ApiError(400, 50035, 'Invalid Form Body', { nonce: {} });
      const key =
        nonce !== undefined && body['enforce_nonce'] === true
          ? `${state.bot.id} ${nonce}`
          : undefined;
      const seen = key === undefined ? undefined : state.messages.get(state.nonces.get(key) ?? '');
      if (seen) return ok(state.messageObject(seen));
      const ref = reference(body);
      if (ref) message(ref.channel_id ?? target.id, ref.message_id);
      const created = messages.create(target, {
        author: state.bot,
        content: text,
        attachments: attachments(target, body, files),
        ...(nonce !== undefined && { nonce }),
        ...(ref && { reference: ref }),
      });
      if (key !== undefined) state.nonces.set(key, created.id);
      return ok(state.messageObject(created));
    }),
    r('PATCH', '/channels/:id/messages/:id', true, ({ params, body }) => {
      const found = message(params[0], params[1]);
      if (found.author.id !== state.bot.id)
        throw new ApiError(403, 50005, 'Cannot edit a message authored by another user');
      return ok(state.messageObject(messages.edit(found, content(body, hasFiles(found)))));
    }),
    r('DELETE', '/channels/:id/messages/:id', true, ({ params }) => {
      messages.delete(message(params[0], params[1]));
      return NO_CONTENT;
    }),
    r('PUT', '/channels/:id/messages/:id/reactions/:emoji/@me', true, ({ params }) => {
      messages.react(message(params[0], params[1]), state.bot, emojiKey(params[2]), true);
      return NO_CONTENT;
    }),
    // Get Reactions: the users who reacted with an emoji, by id, `after` a user, `limit` 1-100
    // (default 25).
    r('GET', '/channels/:id/messages/:id/reactions/:emoji', true, ({ params, query }) => {
      const found = message(params[0], params[1]);
      const ids = [...(state.reactions.get(found.id)?.get(emojiKey(params[2])) ?? [])];
      const limit = Number(query.get('limit') ?? 25);
      if (!Number.isInteger(limit) || limit < 1 || limit > 100)
        throw new ApiError(400, 50035, 'Invalid Form Body', { limit: {} });
      const after = query.get('after');
      const users = ids
        .sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1))
        .filter((id) => after === null || BigInt(id) > BigInt(after))
        .slice(0, limit)
        .map((id) => (id === state.bot.id ? state.bot : memberUser(id)))
        .filter((u) => u !== undefined);
      return ok(users);
    }),
    // List Active Guild Threads: every thread of the guild that is not archived.
    r('GET', '/guilds/:id/threads/active', true, ({ params }) => {
      const threads = [...state.channels.values()].filter(
        (c) =>
          c.guild_id === params[0] &&
          c.type === 11 &&
          (c['thread_metadata'] as { archived?: boolean } | undefined)?.archived !== true,
      );
      return ok({ threads, members: [] });
    }),
    // List Public Archived Threads: the channel's archived threads, latest archived first,
    // archived `before` an ISO8601 timestamp, `limit` 2-100 (default 50), with `has_more`.
    r('GET', '/channels/:id/threads/archived/public', true, ({ params, query }) => {
      const parent = channel(params[0]);
      if (state.historyDenied.has(parent.id)) throw new ApiError(403, 50001, 'Missing Access');
      const limit = Number(query.get('limit') ?? 50);
      if (!Number.isInteger(limit) || limit < 2 || limit > 100)
        throw new ApiError(400, 50035, 'Invalid Form Body', { limit: {} });
      const before = Date.parse(query.get('before') ?? '') || Infinity;
      const archivedAt = (c: FakeChannel): number => {
        const meta = c['thread_metadata'] as { archived?: boolean; archive_timestamp?: string };
        return meta.archived === true ? Date.parse(meta.archive_timestamp ?? '') : NaN;
      };
      const all = [...state.channels.values()]
        .filter((c) => c.parent_id === parent.id && c.type === 11 && archivedAt(c) < before)
        .sort((a, b) => archivedAt(b) - archivedAt(a));
      return ok({ threads: all.slice(0, limit), members: [], has_more: all.length > limit });
    }),
    r('DELETE', '/channels/:id/messages/:id/reactions/:emoji/@me', true, ({ params }) => {
      messages.react(message(params[0], params[1]), state.bot, emojiKey(params[2]), false);
      return NO_CONTENT;
    }),
    // Start Thread in Forum or Media Channel: the post and its first message (which has the
    // post's id) in one call; the answer is the thread with `message`.
    r('POST', '/channels/:id/threads', true, ({ params, body }) => {
      const parent = channel(params[0]);
      if (!FORUMS.has(parent.type))
        throw new ApiError(400, 50024, 'Cannot execute action on this channel type');
      const first = (body['message'] ?? {}) as Json;
      const thread = state.addChannel(
        parent.guild_id,
        String(body['name'] ?? '').slice(0, 100),
        11,
        parent.id,
      );
      messages.threadCreated(thread);
      const created = messages.create(thread, {
        id: thread.id,
        author: state.bot,
        content: content(first),
      });
      return { status: 201, body: { ...thread, message: state.messageObject(created) } };
    }),
    r('POST', '/channels/:id/messages/:id/threads', true, ({ params, body }) => {
      const parent = channel(params[0]);
      const starter = message(parent.id, params[1]);
      if (state.channels.has(starter.id))
        throw new ApiError(400, 160004, 'A thread has already been created for this message');
      const thread = state.addChannel(
        parent.guild_id,
        String(body['name'] ?? 'thread').slice(0, 100),
        11,
        parent.id,
        starter.id,
      );
      messages.threadCreated(thread);
      return { status: 201, body: thread };
    }),
    r('PUT', '/applications/:id/guilds/:id/commands', true, ({ params, body }) => {
      const list = (Array.isArray(body) ? body : []) as Json[];
      const saved = list.map((c) => ({
        ...c,
        id: state.ids.next(),
        application_id: params[0],
        guild_id: params[1],
        version: '1',
      }));
      state.commands.set(`${params[1]}`, saved);
      return ok(saved);
    }),
    r('POST', '/interactions/:id/:token/callback', false, ({ params, body }) => {
      state.interactionReplies.push({ interaction: params[0] as string, ...body });
      return NO_CONTENT;
    }),
    r('GET', '/guilds/:id/members/:id', true, ({ params }) => {
      const member = messages.memberObject(params[0] as string, params[1] as string);
      if (!member) throw new ApiError(404, 10007, 'Unknown Member');
      return ok(member);
    }),
  ];
}
