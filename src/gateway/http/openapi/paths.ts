import * as body from '../schemas.js';
import { obj, ref } from './components.js';
import type { Op } from './operation.js';

const ch = ['id'];
const msg = ['id', 'mid'];

/** Every route of the API, by path and method (the links routes join with the bridge runtime). */
export const paths: Record<string, Record<string, Op>> = {
  '/healthz': {
    get: {
      summary: 'Liveness',
      auth: 'none',
      ok: [200, 'alive', obj({ status: { const: 'ok' } })],
    },
  },
  '/readyz': {
    get: {
      summary: 'Readiness: 200 when every configured bridge is connected, else 503',
      auth: 'none',
      ok: [200, 'ready', obj({ ready: { type: 'boolean' }, bridges: { type: 'object' } })],
    },
  },
  '/metrics': {
    get: {
      summary: 'Prometheus metrics (text); bearer admin token or http.metricsToken',
      auth: 'admin',
      ok: [200, 'text exposition format'],
    },
  },
  '/api/v1/openapi.json': {
    get: { summary: 'This document', auth: 'none', ok: [200, 'OpenAPI 3.1'] },
  },
  '/api/v1/status': {
    get: {
      summary: 'Node address, P2P peers, channel count, bridge health',
      auth: 'admin',
      ok: [
        200,
        'status',
        obj({
          address: { type: 'string' },
          peerId: { type: ['string', 'null'] },
          peers: { type: 'integer' },
          channels: { type: 'integer' },
          bridges: { type: 'object' },
        }),
      ],
    },
  },
  '/api/v1/users': {
    post: {
      summary: 'Create a native user (admin)',
      auth: 'admin',
      body: body.createUserBody,
      ok: [
        201,
        'the user and its token',
        obj({ id: { type: 'string' }, username: { type: 'string' }, token: { type: 'string' } }),
      ],
    },
  },
  '/api/v1/users/me': {
    get: { summary: 'The caller', auth: 'user', ok: [200, 'profile', ref('User')] },
    patch: {
      summary: 'Update the caller’s profile',
      auth: 'user',
      body: body.updateProfileBody,
      ok: [200, 'profile', ref('User')],
    },
  },
  '/api/v1/users/{id}': {
    get: { summary: 'A profile', auth: 'any', params: ['id'], ok: [200, 'profile', ref('User')] },
  },
  '/api/v1/channels': {
    post: {
      summary: 'Create a channel; the creator becomes its admin',
      auth: 'user',
      body: body.createChannelBody,
      ok: [201, 'channel', ref('Channel')],
    },
    get: {
      summary: 'Public channels and the caller’s channels (admin: all)',
      auth: 'any',
      ok: [200, 'channels', obj({ channels: { type: 'array', items: ref('Channel') } })],
    },
  },
  '/api/v1/channels/{id}': {
    get: {
      summary: 'A channel (id or name)',
      auth: 'user',
      params: ch,
      ok: [200, 'channel', ref('Channel')],
    },
  },
  '/api/v1/channels/{id}/join': {
    post: {
      summary: 'Join',
      auth: 'user',
      params: ch,
      ok: [200, 'channel with role', ref('Channel')],
    },
  },
  '/api/v1/channels/{id}/leave': {
    post: {
      summary: 'Leave',
      auth: 'user',
      params: ch,
      ok: [200, 'channel, role null', ref('Channel')],
    },
  },
  '/api/v1/channels/{id}/members': {
    get: {
      summary: 'Members and roles',
      auth: 'user',
      params: ch,
      ok: [
        200,
        'members',
        obj({
          members: { type: 'array', items: obj({ user: ref('User'), role: { type: 'string' } }) },
        }),
      ],
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
    },
  },
  '/api/v1/channels/{id}/messages': {
    post: {
      summary: 'Send a message (members)',
      auth: 'user',
      params: ch,
      body: body.sendMessageBody,
      ok: [201, 'message', ref('Message')],
    },
    get: {
      summary: 'Messages in channel order, oldest first (members)',
      auth: 'user',
      params: ch,
      query: body.listMessagesQuery,
      ok: [200, 'messages', obj({ messages: { type: 'array', items: ref('Message') } })],
    },
  },
  '/api/v1/channels/{id}/messages/{mid}': {
    get: {
      summary: 'One message',
      auth: 'user',
      params: msg,
      ok: [200, 'message', ref('Message')],
    },
    patch: {
      summary: 'Edit (sender)',
      auth: 'user',
      params: msg,
      body: body.editMessageBody,
      ok: [200, 'message', ref('Message')],
    },
    delete: {
      summary: 'Delete (sender or moderator)',
      auth: 'user',
      params: msg,
      ok: [204, 'deleted'],
    },
  },
  '/api/v1/channels/{id}/messages/{mid}/reactions/{emoji}': {
    put: {
      summary: 'React (emoji percent-encoded)',
      auth: 'user',
      params: [...msg, 'emoji'],
      ok: [204, 'added'],
    },
    delete: {
      summary: 'Remove a reaction',
      auth: 'user',
      params: [...msg, 'emoji'],
      ok: [204, 'removed'],
    },
  },
  '/api/v1/presence': {
    put: {
      summary: 'Set the caller’s presence',
      auth: 'user',
      body: body.presenceBody,
      ok: [
        200,
        'presence',
        obj({
          user: { type: 'string' },
          status: { type: 'string' },
          text: { type: ['string', 'null'] },
        }),
      ],
    },
    get: {
      summary: 'Known presences',
      auth: 'user',
      ok: [200, 'presence list', obj({ presence: { type: 'array' } })],
    },
  },
  '/api/v1/events': {
    get: {
      summary: 'Server-sent events: ready, message, edit, delete, reaction, presence, notification',
      auth: 'user',
      ok: [200, 'text/event-stream'],
    },
  },
};

/** Builds the document (cheap; the route caches it). */
