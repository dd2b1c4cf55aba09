import { Hono } from 'hono';
import { ValidationError } from '../../../core/errors.js';
import { reactionKeyProblem } from '../../../core/names.js';
import type { MessageId } from '../../../core/types.js';
import { readBody, readQuery } from '../body.js';
import { requireUser, type AppDeps, type AppEnv } from '../context.js';
import { editMessageBody, listMessagesQuery, sendMessageBody } from '../schemas.js';
import { messageJson } from '../views.js';
import { channelOr404, messageOr404, requireMember } from './lookup.js';

/** Messages of a channel: post, list (channel order, oldest first), edit, delete, react. */
export function messageRoutes(deps: AppDeps): Hono<AppEnv> {
  const { node } = deps;
  const app = new Hono<AppEnv>();
  const base = '/channels/:id/messages';

  app.post(base, async (c) => {
    const me = requireUser(c);
    const channel = channelOr404(node, c.req.param('id'), c.get('auth'));
    const body = await readBody(c, sendMessageBody);
    const result = await node.submit(me.id, {
      kind: 'sendMessage',
      channel: channel.id,
      text: body.text,
      ...(body.replyTo ? { replyTo: body.replyTo as MessageId } : {}),
      ...(body.threadRoot ? { threadRoot: body.threadRoot as MessageId } : {}),
      ...(body.expiresInSeconds ? { expiresInSeconds: body.expiresInSeconds } : {}),
    });
    const message = result.message ?? (result.created && node.getMessage(result.created));
    return c.json(message ? messageJson(message) : {}, 201);
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
    return c.json({ messages: messages.map(messageJson) });
  });

  app.get(`${base}/:mid`, (c) => {
    const me = requireUser(c);
    const channel = channelOr404(node, c.req.param('id'), c.get('auth'));
    requireMember(node, channel, me.id);
    return c.json(messageJson(messageOr404(node, channel, c.req.param('mid'))));
  });

  app.patch(`${base}/:mid`, async (c) => {
    const me = requireUser(c);
    const channel = channelOr404(node, c.req.param('id'), c.get('auth'));
    const message = messageOr404(node, channel, c.req.param('mid'));
    const { text } = await readBody(c, editMessageBody);
    const result = await node.submit(me.id, { kind: 'editMessage', message: message.id, text });
    return c.json(messageJson(result.message ?? node.getMessage(message.id) ?? message));
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
