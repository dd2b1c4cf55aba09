import * as body from '../schemas.js';
import { obj, ref } from './components.js';
import type { Op } from './operation.js';
import { textPatterns, type TextPatterns } from './text-patterns.js';

const ch = ['id'];
const msg = ['id', 'mid'];
const ambiguous = 'a channel name held by several channels (the message names their ids)';
const busy = 'the node is stopping, or the resource changed meanwhile: try again';
const clean = 'no control, bidi, invisible or unpaired characters; stored NFC';
const memberRule = 'refused by a rule (not a member, banned, no rights: the message names it)';

/** The channel and message routes, by path and method. */
export function channelPaths(): Record<string, Record<string, Op>> {
  const text = textPatterns();
  const messageText = { pattern: text.nonBlank, description: 'Markdown; not only white space' };
  return {
    '/api/v1/channels': {
      post: {
        summary: 'Create a channel; the creator becomes its admin',
        auth: 'user',
        body: body.createChannelBody,
        fields: {
          name: { pattern: text.channelName, description: `at most 80 UTF-16 units; ${clean}` },
          topic: { pattern: text.topic, description: `at most 1024 UTF-16 units; ${clean}` },
        },
        ok: [201, 'channel', ref('Channel')],
        answers: { 409: `a channel of this name exists on this node; or ${busy}` },
      },
      get: {
        summary: 'Public channels and the caller’s channels (admin: all)',
        auth: 'any',
        ok: [200, 'channels', obj({ channels: { type: 'array', items: ref('Channel') } })],
      },
    },
    '/api/v1/channels/{id}': {
      get: {
        summary: 'A channel (id or name); a private one is 404 to non-members',
        auth: 'any',
        params: ch,
        ok: [200, 'channel', ref('Channel')],
        answers: { 409: ambiguous },
      },
    },
    '/api/v1/channels/{id}/join': {
      post: {
        summary: 'Join',
        auth: 'user',
        params: ch,
        ok: [200, 'channel with role', ref('Channel')],
        answers: { 403: memberRule, 409: `already a member; ${ambiguous}; or ${busy}` },
      },
    },
    '/api/v1/channels/{id}/leave': {
      post: {
        summary: 'Leave',
        auth: 'user',
        params: ch,
        ok: [200, 'channel, role null', ref('Channel')],
        answers: { 403: memberRule, 409: `${ambiguous}; or ${busy}` },
      },
    },
    '/api/v1/channels/{id}/members': {
      get: {
        summary: 'Members and roles',
        auth: 'any',
        params: ch,
        ok: [
          200,
          'members',
          obj({
            members: { type: 'array', items: obj({ user: ref('User'), role: { type: 'string' } }) },
          }),
        ],
        answers: { 409: ambiguous },
      },
    },
    '/api/v1/channels/{id}/members/{userId}': {
      put: {
        summary: 'Set a member’s role (needs the rights)',
        auth: 'user',
        params: ['id', 'userId'],
        body: body.roleBody,
        ok: [
          200,
          'the new role',
          obj({ channel: { type: 'string' }, user: { type: 'string' }, role: { type: 'string' } }),
        ],
        answers: { 403: memberRule, 409: `${ambiguous}; or ${busy}` },
      },
    },
    '/api/v1/channels/{id}/messages': {
      post: {
        summary: 'Send a message (members); text may be empty when it has attachments',
        auth: 'user',
        params: ch,
        body: body.sendMessageBody,
        fields: {
          text: { description: 'Markdown; may be empty or absent when there are attachments' },
          attachments: {
            description: 'files uploaded with POST /api/v1/media; unknown hash: 400 naming it',
          },
          mentions: { description: 'user ids; an unknown one: 400 naming it' },
        },
        ok: [201, 'message', ref('Message')],
        answers: {
          403: memberRule,
          409: `${ambiguous}; or ${busy}`,
          413: 'the body exceeds http.maxBodyBytes, or the text 64 KiB of UTF-8',
        },
      },
      get: {
        summary: 'Messages in channel order, oldest first (members)',
        auth: 'user',
        params: ch,
        query: body.listMessagesQuery,
        ok: [200, 'messages', obj({ messages: { type: 'array', items: ref('Message') } })],
        answers: { 403: memberRule, 409: ambiguous },
      },
    },
    '/api/v1/channels/{id}/messages/{mid}': {
      get: {
        summary: 'One message',
        auth: 'user',
        params: msg,
        ok: [200, 'message', ref('Message')],
        answers: { 403: memberRule, 409: ambiguous },
      },
      patch: {
        summary: 'Edit (sender, while a member)',
        auth: 'user',
        params: msg,
        body: body.editMessageBody,
        fields: { text: messageText },
        ok: [200, 'message', ref('Message')],
        answers: {
          403: memberRule,
          409: `${ambiguous}; or ${busy}`,
          413: 'the body exceeds http.maxBodyBytes, or the text 64 KiB of UTF-8',
        },
      },
      delete: {
        summary: 'Delete (sender or moderator); the message stays listed with text null',
        auth: 'user',
        params: msg,
        ok: [204, 'deleted'],
        answers: { 403: memberRule, 409: `${ambiguous}; or ${busy}` },
      },
    },
    '/api/v1/channels/{id}/messages/{mid}/reactions/{emoji}': {
      put: {
        summary: 'React (one emoji or a :shortcode:, percent-encoded)',
        auth: 'user',
        params: [...msg, 'emoji'],
        paramSchemas: { emoji: reactionKey(text) },
        ok: [204, 'added'],
        answers: {
          400: 'not one emoji or a :shortcode:',
          403: memberRule,
          409: `already reacted with this key; ${ambiguous}; or ${busy}`,
        },
      },
      delete: {
        summary: 'Remove a reaction',
        auth: 'user',
        params: [...msg, 'emoji'],
        paramSchemas: { emoji: reactionKey(text) },
        ok: [204, 'removed'],
        answers: {
          400: 'not one emoji or a :shortcode:',
          403: memberRule,
          409: `${ambiguous}; or ${busy}`,
        },
      },
    },
  };
}

/**
 * A reaction key: the server allows 64 UTF-16 units. A shortcode is ASCII, so that is 64 of
 * JSON Schema's characters (code points); an emoji sequence is promised 32, always within 64 units.
 */
function reactionKey(text: TextPatterns): Record<string, unknown> {
  return {
    anyOf: [
      { type: 'string', minLength: 3, maxLength: 64, pattern: text.shortcode },
      { type: 'string', minLength: 1, maxLength: 32, pattern: text.emoji },
    ],
  };
}
