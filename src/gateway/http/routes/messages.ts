import { Hono } from 'hono';
import { ValidationError } from '../../../core/errors.js';
import { reactionKeyProblem } from '../../../core/names.js';
import type {
  Attachment,
  BlobHash,
  MessageId,
  MultichatNode,
  UserId,
  UserView,
} from '../../../core/types.js';
import { readBody, readQuery } from '../body.js';
import { requireUser, type AppDeps, type AppEnv } from '../context.js';
import { editMessageBody, listMessagesQuery, sendMessageBody } from '../schemas.js';
import { messageJson } from '../views.js';
import { canRead, channelOr404, messageOr404, requireMember } from './lookup.js';

/**
 * The attachments of a new message from the blobs it names: each must be one the sender
 * uploaded or may read (a member of a channel that shares it), or the sender could re-share a
 * file from a channel they are not in. Type, size and dimensions come from the store.
 */
function attachmentsOf(
  node: MultichatNode,
  me: UserView,
  files: readonly { hash: string; name?: string | undefined }[],
): Attachment[] {
  return files.map(({ hash, name }, i) => {
    const info = node.blobs.describe(hash as BlobHash);
    const mayUse =
      info !== undefined &&
      (node.blobs.uploadedBy(info.hash, me.id) ||
        node.blobs.channelsReferencing(info.hash).some((ch) => canRead(node, ch, me.id)));
    if (!mayUse) {
      throw new ValidationError(
        `attachments.${i}.hash`,
        `attachments.${i}.hash: no uploaded file ${hash} here that you may use; upload it with POST /api/v1/media first`,
      );
    }
    return {
      hash: info.hash,
      name: name ?? info.name ?? 'file',
      mimeType: info.mimeType ?? 'application/octet-stream',
      size: info.size,
      ...(info.width !== undefined && { width: info.width }),
      ...(info.height !== undefined && { height: info.height }),
    };
  });
}

/** Every mentioned id must be a user this node knows (400 naming the first that is not). */
function mentionsOf(node: MultichatNode, ids: readonly string[]): UserId[] {
  ids.forEach((id, i) => {
    if (!node.getUser(id as UserId)) {
      throw new ValidationError(`mentions.${i}`, `mentions.${i}: no user ${id}`);
    }
  });
  return ids as UserId[];
}

/** Messages of a channel: post, list (channel order, oldest first), edit, delete, react. */
export function messageRoutes(deps: AppDeps): Hono<AppEnv> {
  const { node } = deps;
  const links = deps.media?.links;
  const json = (m: Parameters<typeof messageJson>[0]) => messageJson(m, links);
  const app = new Hono<AppEnv>();
  const base = '/channels/:id/messages';

  app.post(base, async (c) => {
    const me = requireUser(c);
    const channel = channelOr404(node, c.req.param('id'), c.get('auth'));
    const body = await readBody(c, sendMessageBody);
    const attachments = attachmentsOf(node, me, body.attachments ?? []);
    const mentions = mentionsOf(node, body.mentions ?? []);
    const result = await node.submit(me.id, {
      kind: 'sendMessage',
      channel: channel.id,
      text: body.text ?? '',
      ...(body.emote === true && { emote: true }),
      ...(attachments.length > 0 && { attachments }),
      ...(mentions.length > 0 && { mentions }),
      ...(body.replyTo ? { replyTo: body.replyTo as MessageId } : {}),
      ...(body.threadRoot ? { threadRoot: body.threadRoot as MessageId } : {}),
      ...(body.expiresInSeconds ? { expiresInSeconds: body.expiresInSeconds } : {}),
    });
    const message = result.message ?? (result.created && node.getMessage(result.created));
    return c.json(message ? json(message) : {}, 201);
  });

  app.get(base, (c) => {
    const me = requireUser(c);
    const channel = channelOr404(node, c.req.param('id'), c.get('auth'));
    requireMember(node, channel, me.id);
    const q = readQuery(c, listMessagesQuery);
    const messages = node.listMessages(channel.id, {
      ...(q.limit !== undefined ? { limit: q.limit } : {}),
      ...(q.before ? { before: q.before as MessageId } : {}),
      ...(q.after ? { after: q.after as MessageId } : {}),
    });
    return c.json({ messages: messages.map(json) });
  });

  app.get(`${base}/:mid`, (c) => {
    const me = requireUser(c);
    const channel = channelOr404(node, c.req.param('id'), c.get('auth'));
    requireMember(node, channel, me.id);
    return c.json(json(messageOr404(node, channel, c.req.param('mid'))));
  });

  app.patch(`${base}/:mid`, async (c) => {
    const me = requireUser(c);
    const channel = channelOr404(node, c.req.param('id'), c.get('auth'));
    const message = messageOr404(node, channel, c.req.param('mid'));
    const { text, emote } = await readBody(c, editMessageBody);
    const result = await node.submit(me.id, {
      kind: 'editMessage',
      message: message.id,
      text,
      ...(emote !== undefined && { emote }),
    });
    return c.json(json(result.message ?? node.getMessage(message.id) ?? message));
  });

  app.delete(`${base}/:mid`, async (c) => {
    const me = requireUser(c);
    const channel = channelOr404(node, c.req.param('id'), c.get('auth'));
    const message = messageOr404(node, channel, c.req.param('mid'));
    await node.submit(me.id, { kind: 'redactMessage', message: message.id });
    return c.body(null, 204);
  });

  // hono hands the path parameter already percent-decoded, so `%F0%9F%91%8D` arrives as 👍 and
  // `%00` as NUL: the key is checked before anything else (names.ts, an emoji or a :shortcode:).
  for (const [method, kind] of [
    ['put', 'react'],
    ['delete', 'unreact'],
  ] as const) {
    app[method](`${base}/:mid/reactions/:emoji`, async (c) => {
      const me = requireUser(c);
      const emoji = c.req.param('emoji');
      const issue = reactionKeyProblem(emoji);
      if (issue) throw new ValidationError('emoji', `emoji: ${issue}`);
      const channel = channelOr404(node, c.req.param('id'), c.get('auth'));
      const message = messageOr404(node, channel, c.req.param('mid'));
      await node.submit(me.id, { kind, message: message.id, emoji });
      return c.body(null, 204);
    });
  }

  return app;
}
