/**
 * The Web API methods the adapter calls, as their reference pages describe them: arguments,
 * the `{ok: true, …}` answers and the documented `error` strings. Writes that Slack reports
 * back to the app as events (its own messages, edits, deletes, reactions, joins, file shares)
 * are reported here too, through `host.emit`, so loop prevention is tested for real.
 */
import type { FakeChannel, FakeMessage, SlackState } from './state.js';

/** An `ok: false` answer with one of the documented error strings. */
export class ApiFail extends Error {
  constructor(readonly error: string) {
    super(error);
  }
}

export type Args = Record<string, unknown>;

export interface WebApiHost {
  readonly state: SlackState;
  /** Sends an Events API event to the app (Socket Mode or HTTP). */
  emit(event: Record<string, unknown>): void;
  uploadUrl(fileId: string): string;
  /** Scopes the app was not granted (missing_scope). */
  readonly missingScopes: ReadonlySet<string>;
  /** File names whose getUploadURLExternal is refused, with the error to answer (tests). */
  readonly refusedUploads: ReadonlyMap<string, string>;
}

type Handler = (args: Args, host: WebApiHost) => Record<string, unknown>;

const str = (args: Args, key: string): string | undefined => {
  const v = args[key];
  return typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined;
};

function need(args: Args, key: string, error = 'invalid_arguments'): string {
  const v = str(args, key);
  if (v === undefined) throw new ApiFail(error);
  return v;
}

function channelOf(host: WebApiHost, args: Args, key = 'channel'): FakeChannel {
  const channel = host.state.channels.get(need(args, key, 'channel_not_found'));
  if (!channel) throw new ApiFail('channel_not_found');
  if (channel.is_archived) throw new ApiFail('is_archived');
  return channel;
}

function member(host: WebApiHost, channel: FakeChannel): void {
  if (!channel.members.has(host.state.bot.id)) throw new ApiFail('not_in_channel');
}

function ownMessage(
  host: WebApiHost,
  channel: FakeChannel,
  ts: string,
  refusal: string,
): FakeMessage {
  const message = host.state.message(channel.id, ts);
  if (!message) throw new ApiFail('message_not_found');
  if (message.bot_id !== host.state.botId) throw new ApiFail(refusal);
  return message;
}

/** The message object Slack shows for a message (events and answers). */
export function messageObject(host: WebApiHost, m: FakeMessage): Record<string, unknown> {
  const fromBot = m.bot_id !== undefined;
  return {
    type: 'message',
    ...(fromBot && m.username !== undefined && { subtype: 'bot_message', username: m.username }),
    ...(m.files && { subtype: 'file_share', files: m.files, upload: true }),
    text: m.text,
    ts: m.ts,
    ...(m.user && { user: m.user }),
    ...(fromBot && { bot_id: m.bot_id, app_id: host.state.appId }),
    ...(m.icon_url && { icons: { image_48: m.icon_url, image_72: m.icon_url } }),
    ...(m.thread_ts && { thread_ts: m.thread_ts }),
    ...(m.edited && { edited: m.edited }),
  };
}

function post(args: Args, host: WebApiHost): Record<string, unknown> {
  const channel = channelOf(host, args);
  member(host, channel);
  const text = str(args, 'text');
  if (text === undefined && args['blocks'] === undefined) throw new ApiFail('no_text');
  const username = str(args, 'username');
  const icon = str(args, 'icon_url');
  if ((username || icon) && host.missingScopes.has('chat:write.customize'))
    throw new ApiFail('missing_scope');
  if (text && text.length > 40_000) throw new ApiFail('msg_too_long');
  const threadTs = str(args, 'thread_ts');
  const m = host.state.store({
    channel: channel.id,
    ts: host.state.nextTs(),
    bot_id: host.state.botId,
    ...(username === undefined && { user: host.state.bot.id }),
    ...(username !== undefined && { username }),
    ...(icon !== undefined && { icon_url: icon }),
    text: text ?? '',
    ...(threadTs !== undefined && { thread_ts: threadTs }),
  });
  const message = messageObject(host, m);
  host.emit({ ...message, channel: channel.id, channel_type: 'channel', event_ts: m.ts });
  return { channel: channel.id, ts: m.ts, message };
}

function update(args: Args, host: WebApiHost): Record<string, unknown> {
  const channel = channelOf(host, args);
  const m = ownMessage(host, channel, need(args, 'ts', 'message_not_found'), 'cant_update_message');
  const previous = messageObject(host, m);
  m.text = str(args, 'text') ?? '';
  const ts = host.state.nextTs();
  m.edited = { user: host.state.bot.id, ts };
  const message = messageObject(host, m);
  host.emit({
    type: 'message',
    subtype: 'message_changed',
    hidden: true,
    channel: channel.id,
    ts,
    event_ts: ts,
    message,
    previous_message: previous,
  });
  return { channel: channel.id, ts: m.ts, text: m.text, message };
}

function remove(args: Args, host: WebApiHost): Record<string, unknown> {
  const channel = channelOf(host, args);
  const m = ownMessage(host, channel, need(args, 'ts', 'message_not_found'), 'cant_delete_message');
  host.state.messages.delete(`${channel.id}/${m.ts}`);
  const ts = host.state.nextTs();
  host.emit({
    type: 'message',
    subtype: 'message_deleted',
    hidden: true,
    channel: channel.id,
    ts,
    event_ts: ts,
    deleted_ts: m.ts,
    previous_message: messageObject(host, m),
  });
  return { channel: channel.id, ts: m.ts };
}

function react(adding: boolean): Handler {
  return (args, host) => {
    const channel = channelOf(host, args);
    const m = host.state.message(channel.id, need(args, 'timestamp', 'message_not_found'));
    if (!m) throw new ApiFail('message_not_found');
    const name = need(args, 'name', 'invalid_name');
    if (!/^[a-z0-9_+'-]+(::skin-tone-[2-6])?$/.test(name)) throw new ApiFail('invalid_name');
    const who = m.reactions.get(name) ?? new Set<string>();
    const bot = host.state.bot.id;
    if (adding && who.has(bot)) throw new ApiFail('already_reacted');
    if (!adding && !who.has(bot)) throw new ApiFail('no_reaction');
    if (adding) who.add(bot);
    else who.delete(bot);
    if (who.size > 0) m.reactions.set(name, who);
    else m.reactions.delete(name);
    const ts = host.state.nextTs();
    host.emit({
      type: adding ? 'reaction_added' : 'reaction_removed',
      user: bot,
      reaction: name,
      item_user: m.user ?? bot,
      item: { type: 'message', channel: channel.id, ts: m.ts },
      event_ts: ts,
    });
    return {};
  };
}

function list(args: Args, host: WebApiHost): Record<string, unknown> {
  const types = (str(args, 'types') ?? 'public_channel').split(',');
  const limit = Math.min(1000, Number(str(args, 'limit') ?? 100));
  const all = [...host.state.channels.values()]
    .filter((c) => types.includes(c.is_private ? 'private_channel' : 'public_channel'))
    .filter((c) => !c.is_private || c.members.has(host.state.bot.id))
    .filter(
      (c) =>
        !(args['exclude_archived'] === 'true' || args['exclude_archived'] === true) ||
        !c.is_archived,
    );
  const start = Number(str(args, 'cursor') ?? 0);
  const page = all.slice(start, start + limit);
  const next = start + limit < all.length ? String(start + limit) : '';
  return {
    channels: page.map((c) => host.state.conversation(c)),
    response_metadata: { next_cursor: next },
  };
}

/**
 * files.completeUploadExternal: the uploaded files (bytes received, not yet completed) are
 * shared as one message of the bot in `channel_id` (and `thread_ts`), with `initial_comment` as
 * its text; without `channel_id` they stay private. Answers `files: [{id, title}]`.
 */
function complete(args: Args, host: WebApiHost): Record<string, unknown> {
  const raw = args['files'];
  const files = (typeof raw === 'string' ? JSON.parse(raw) : raw) as
    { id: string; title?: string }[] | undefined;
  if (!Array.isArray(files) || files.length === 0) throw new ApiFail('invalid_arguments');
  const stored = files.map((f) => {
    const file = host.state.files.get(f.id);
    if (!file?.bytes || file.completed) throw new ApiFail('file_not_found');
    return file;
  });
  const channelId = str(args, 'channel_id');
  const channel = channelId === undefined ? undefined : channelOf(host, args, 'channel_id');
  if (channel) member(host, channel);
  for (const [i, file] of stored.entries()) {
    const title = files[i]?.title;
    if (title) file.title = title;
    file.completed = true;
    file.user = host.state.bot.id;
  }
  if (channel) {
    const threadTs = str(args, 'thread_ts');
    const m = host.state.store({
      channel: channel.id,
      ts: host.state.nextTs(),
      user: host.state.bot.id,
      bot_id: host.state.botId,
      text: str(args, 'initial_comment') ?? '',
      ...(threadTs !== undefined && { thread_ts: threadTs }),
      files: stored.map((f) => host.state.fileObject(f)),
    });
    for (const f of stored) {
      f.channel = channel.id;
      f.share_ts = m.ts;
      if (threadTs !== undefined) f.thread_ts = threadTs;
    }
    host.emit({
      ...messageObject(host, m),
      channel: channel.id,
      channel_type: 'channel',
      event_ts: m.ts,
    });
  }
  return { files: stored.map((f) => ({ id: f.id, title: f.title ?? f.name })) };
}

/** files.delete: the bot may delete the files it uploaded; their share goes too. */
function deleteFile(args: Args, host: WebApiHost): Record<string, unknown> {
  const file = host.state.files.get(need(args, 'file', 'file_not_found'));
  if (!file) throw new ApiFail('file_not_found');
  host.state.files.delete(file.id);
  host.emit({ type: 'file_deleted', file_id: file.id, event_ts: host.state.nextTs() });
  const share =
    file.channel && file.share_ts ? host.state.message(file.channel, file.share_ts) : undefined;
  if (share) {
    host.state.messages.delete(`${share.channel}/${share.ts}`);
    const ts = host.state.nextTs();
    host.emit({
      type: 'message',
      subtype: 'message_deleted',
      hidden: true,
      channel: share.channel,
      ts,
      event_ts: ts,
      deleted_ts: share.ts,
      previous_message: messageObject(host, share),
    });
  }
  return {};
}

/** A stored message as conversations.history/replies show it (reactions with their users). */
function shown(host: WebApiHost, m: FakeMessage): Record<string, unknown> {
  const replies = [...host.state.messages.values()].filter(
    (r) => r.channel === m.channel && r.thread_ts === m.ts && r.ts !== m.ts,
  );
  const { reactions, channel: _channel, ...rest } = m;
  return {
    type: 'message',
    ...rest,
    ...(reactions.size > 0 && {
      reactions: [...reactions].map(([name, users]) => ({
        name,
        users: [...users],
        count: users.size,
      })),
    }),
    ...(replies.length > 0 && {
      reply_count: replies.length,
      latest_reply: replies
        .map((r) => r.ts)
        .sort()
        .at(-1),
    }),
  };
}

/** Cursor pagination as documented: `next_cursor` in `response_metadata`, `has_more`. */
function paged(host: WebApiHost, args: Args, items: FakeMessage[], newestFirst: boolean) {
  const limit = Math.min(Number(str(args, 'limit') ?? 100), 999);
  const start = Number(str(args, 'cursor') ?? 0);
  const ordered = newestFirst ? [...items].reverse() : items;
  const page = ordered.slice(start, start + limit);
  const more = start + limit < ordered.length;
  return {
    messages: page.map((m) => shown(host, m)),
    has_more: more,
    response_metadata: { next_cursor: more ? String(start + limit) : '' },
  };
}

/** `oldest` and `latest` bound the range, the bounds themselves only with `inclusive`. */
const within = (args: Args) => (m: FakeMessage) => {
  const oldest = str(args, 'oldest');
  const latest = str(args, 'latest');
  const inclusive = String(str(args, 'inclusive')) === 'true';
  const after = !oldest || Number(m.ts) > Number(oldest) || (inclusive && m.ts === oldest);
  return after && (!latest || Number(m.ts) < Number(latest) || (inclusive && m.ts === latest));
};

// conversations.history: top-level messages (and thread broadcasts) newest first, between
// `oldest` and `latest`; needs channels:history (missing_scope) and membership.
const history: Handler = (args, host) => {
  const channel = channelOf(host, args);
  if (host.missingScopes.has('channels:history')) throw new ApiFail('missing_scope');
  member(host, channel);
  const top = host.state
    .history(channel.id)
    .filter((m) => m.thread_ts === undefined || m.thread_ts === m.ts)
    .filter(within(args));
  return paged(host, args, top, true);
};

// conversations.replies: the parent first, then its replies oldest first.
const replies: Handler = (args, host) => {
  const channel = channelOf(host, args);
  if (host.missingScopes.has('channels:history')) throw new ApiFail('missing_scope');
  const ts = need(args, 'ts', 'thread_not_found');
  const parent = host.state.message(channel.id, ts);
  if (!parent) throw new ApiFail('thread_not_found');
  const thread = host.state
    .history(channel.id)
    .filter((m) => m.ts !== ts && m.thread_ts === ts)
    .filter(within(args));
  return paged(host, args, [parent, ...thread], false);
};

export const METHODS: Readonly<Record<string, Handler>> = {
  'auth.test': (_args, host) => ({
    url: `https://${host.state.team.domain}.slack.com/`,
    team: 'Multichat Fake',
    user: host.state.bot.name,
    team_id: host.state.team.id,
    user_id: host.state.bot.id,
    bot_id: host.state.botId,
    is_enterprise_install: false,
  }),
  'chat.postMessage': post,
  'chat.update': update,
  'chat.delete': remove,
  'reactions.add': react(true),
  'reactions.remove': react(false),
  'conversations.info': (args, host) => {
    const channel = host.state.channels.get(need(args, 'channel', 'channel_not_found'));
    if (!channel || (channel.is_private && !channel.members.has(host.state.bot.id)))
      throw new ApiFail('channel_not_found');
    return { channel: host.state.conversation(channel) };
  },
  'conversations.list': list,
  'conversations.history': history,
  'conversations.replies': replies,
  // As documented: the caller must be in the channel; topics are at most 250 characters;
  // the channel sees a `channel_topic` message by the caller.
  'conversations.setTopic': (args, host) => {
    const channel = channelOf(host, args);
    if (host.missingScopes.has('channels:manage')) throw new ApiFail('missing_scope');
    member(host, channel);
    const topic = str(args, 'topic') ?? '';
    if ([...topic].length > 250) throw new ApiFail('too_long');
    channel.topic = topic;
    const ts = host.state.nextTs();
    host.emit({
      type: 'message',
      subtype: 'channel_topic',
      ts,
      user: host.state.bot.id,
      text: `<@${host.state.bot.id}> set the channel topic: ${topic}`,
      topic,
      channel: channel.id,
      channel_type: 'channel',
      event_ts: ts,
    });
    return { channel: host.state.conversation(channel) };
  },
  'conversations.join': (args, host) => {
    const channel = channelOf(host, args);
    if (channel.is_private) throw new ApiFail('method_not_supported_for_channel_type');
    const joined = !channel.members.has(host.state.bot.id);
    channel.members.add(host.state.bot.id);
    if (joined)
      host.emit({
        type: 'member_joined_channel',
        user: host.state.bot.id,
        channel: channel.id,
        channel_type: 'C',
        team: host.state.team.id,
        event_ts: host.state.nextTs(),
      });
    return { channel: host.state.conversation(channel) };
  },
  'users.info': (args, host) => {
    const user = host.state.users.get(need(args, 'user', 'user_not_found'));
    if (!user) throw new ApiFail('user_not_found');
    return { user: { ...user, team_id: host.state.team.id } };
  },
  'files.getUploadURLExternal': (args, host) => {
    const filename = need(args, 'filename');
    const refusal = host.refusedUploads.get(filename);
    if (refusal !== undefined) throw new ApiFail(refusal);
    const length = Number(need(args, 'length'));
    if (!Number.isInteger(length) || length <= 0) throw new ApiFail('invalid_arguments');
    const id = host.state.newFileId();
    host.state.files.set(id, { id, name: filename, length });
    return { upload_url: host.uploadUrl(id), file_id: id };
  },
  'files.completeUploadExternal': complete,
  'files.delete': deleteFile,
};
