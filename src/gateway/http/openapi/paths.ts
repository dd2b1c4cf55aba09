import * as body from '../schemas.js';
import { userListQuery } from '../routes/admin-users.js';
import { channelPaths } from './channel-paths.js';
import { obj, ref } from './components.js';
import type { Op } from './operation.js';
import { textPatterns } from './text-patterns.js';

const readiness = obj({
  ready: { type: 'boolean' },
  bridges: { type: 'object' },
  // Only while the P2P host is still starting (the HTTP API listens first).
  p2p: { enum: ['starting'] },
});
/** One server-sent event as schemathesis and other clients read it: a name, one line of JSON. */
const sseEvent = obj({
  event: {
    enum: [
      'ready',
      'message',
      'edit',
      'delete',
      'reaction',
      'presence',
      'notification',
      'typing',
      'overflow',
    ],
  },
  data: { type: 'string', contentMediaType: 'application/json' },
});
const tokenAnswer = {
  ...obj({ id: { type: 'string' }, username: { type: 'string' }, token: { type: 'string' } }),
  required: ['id', 'username', 'token'],
};
const taken = 'the username is taken, or looks like another user’s (the message names the user)';

/** Every route of the API, by path and method (the links routes join with the bridge runtime). */
export function paths(): Record<string, Record<string, Op>> {
  const username = {
    pattern: textPatterns().username,
    description:
      'no white space at its ends; no control, bidi, invisible or unpaired characters; stored NFC',
  };
  return {
    '/': {
      get: {
        summary: 'The dashboard (one HTML page that calls this API)',
        auth: 'none',
        ok: [200, 'HTML', { type: 'string' }],
        media: 'text/html',
      },
    },
    '/healthz': {
      get: {
        summary: 'Liveness',
        auth: 'none',
        ok: [200, 'alive', obj({ status: { const: 'ok' } })],
      },
    },
    '/readyz': {
      get: {
        summary:
          'Readiness: 200 once P2P has started and every configured bridge is connected, else 503',
        auth: 'none',
        ok: [200, 'ready', readiness],
        answers: { 503: ['P2P still starting, or a bridge not connected', readiness] },
      },
    },
    '/metrics': {
      get: {
        summary: 'Prometheus metrics (admin token or http.metricsToken)',
        auth: 'metrics',
        ok: [200, 'text exposition format 0.0.4', { type: 'string' }],
        media: 'text/plain',
      },
    },
    '/api/v1/openapi.json': {
      get: { summary: 'This document', auth: 'none', ok: [200, 'OpenAPI 3.1', { type: 'object' }] },
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
            peerIds: { type: 'array', items: { type: 'string' } },
            listen: { type: 'array', items: { type: 'string' } },
            sync: {},
            channels: { type: 'integer' },
            bridges: { type: 'object' },
            bridgeHistory: {
              type: 'object',
              description:
                "each bridge's last 20 health changes {state, detail?, at}, newest first (sampled every second; memory only)",
            },
          }),
        ],
      },
    },
    '/api/v1/users': {
      get: {
        summary:
          'With network and externalId (both): the profile of an external identity (any token). Without them: the native users of this node, by id, in pages of `limit` after `after` (admin)',
        auth: 'any',
        query: userListQuery,
        ok: [
          200,
          'a profile, or a page of users with `next` when more follow',
          {
            oneOf: [
              ref('User'),
              {
                ...obj({ users: { type: 'array', items: ref('User') }, next: { type: 'string' } }),
                required: ['users'],
              },
            ],
          },
        ],
        answers: { 403: 'a list needs the admin token', 404: 'no profile has that identity' },
      },
      post: {
        summary: 'Create a native user (admin)',
        auth: 'admin',
        body: body.createUserBody,
        fields: { username },
        ok: [
          201,
          'the user and its token',
          obj({ id: { type: 'string' }, username: { type: 'string' }, token: { type: 'string' } }),
        ],
        answers: { 409: taken },
      },
    },
    '/api/v1/users/me/token': {
      post: {
        summary: 'A new token for the caller; the old one answers 401 from now on',
        auth: 'user',
        ok: [201, 'the new token', tokenAnswer],
      },
      delete: {
        summary: 'Revoke every token of the caller (this one too)',
        auth: 'user',
        ok: [204, 'revoked'],
      },
    },
    '/api/v1/users/{id}/token': {
      post: {
        summary: 'A new token for a native user (id or username); older ones answer 401 (admin)',
        auth: 'admin',
        params: ['id'],
        ok: [201, 'the new token', tokenAnswer],
        answers: { 404: 'no native user of this node has that id or name' },
      },
      delete: {
        summary: 'Revoke every token of a native user (id or username) (admin)',
        auth: 'admin',
        params: ['id'],
        ok: [204, 'revoked'],
        answers: { 404: 'no native user of this node has that id or name' },
      },
    },
    '/api/v1/users/me': {
      get: { summary: 'The caller', auth: 'user', ok: [200, 'profile', ref('User')] },
      patch: {
        summary: 'Update the caller’s profile',
        auth: 'user',
        body: body.updateProfileBody,
        fields: { username },
        ok: [200, 'profile', ref('User')],
        answers: { 409: taken },
      },
    },
    '/api/v1/users/me/link-codes': {
      post: {
        summary:
          'A one-time code (10 minutes) that joins another network\u2019s account to the caller when entered there (/multichat link CODE, !multichat link CODE)',
        auth: 'user',
        ok: [
          201,
          'the code; show it only to the caller',
          {
            ...obj({
              code: { type: 'string' },
              expiresAt: { type: 'string', format: 'date-time' },
            }),
            required: ['code', 'expiresAt'],
          },
        ],
        answers: { 404: 'account linking is not available (no bridge runtime)' },
      },
    },
    '/api/v1/users/me/identities/{network}/{externalId}': {
      delete: {
        summary: 'Unlink an account joined with a link code; its next event gets its own profile',
        auth: 'user',
        params: ['network', 'externalId'],
        ok: [204, 'unlinked'],
        answers: {
          404: 'the caller has no such identity',
          409: 'not a linked account (the gateway\u2019s ghost or puppet)',
        },
      },
    },
    '/api/v1/users/{id}': {
      get: { summary: 'A profile', auth: 'any', params: ['id'], ok: [200, 'profile', ref('User')] },
    },
    ...channelPaths(),
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
        summary:
          'Server-sent events: ready, message, edit, delete, reaction, presence, notification, typing',
        auth: 'user',
        ok: [200, 'an endless event stream; a slow reader gets `overflow` and is closed', sseEvent],
        media: 'text/event-stream',
        answers: { 429: 'this token already holds http.maxStreamsPerToken streams' },
      },
    },
  };
}
