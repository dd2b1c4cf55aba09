import { z } from 'zod';
import * as body from './schemas.js';

/**
 * The OpenAPI 3.1 document of the API. Request bodies come from the same zod schemas the
 * routes validate with; responses are described by the shared component schemas below.
 */

type Json = Record<string, unknown>;

const schemaOf = (s: z.ZodType): Json => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' });
  return rest;
};
const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });
const jsonContent = (schema: Json): Json => ({ 'application/json': { schema } });
const error = (description: string): Json => ({ description, content: jsonContent(ref('Error')) });

const origin = { type: 'object', properties: { network: { type: 'string' }, externalId: { type: 'string' } } };
const components: Json = {
  securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
  schemas: {
    Error: {
      type: 'object',
      required: ['error'],
      properties: {
        error: {
          type: 'object',
          required: ['code', 'message'],
          properties: { code: { type: 'string' }, message: { type: 'string' } },
        },
      },
    },
    User: {
      type: 'object',
      properties: { id: { type: 'string' }, username: { type: 'string' }, avatar: { type: ['string', 'null'] }, origin },
    },
    Channel: {
      type: 'object',
      properties: {
        id: { type: 'string' },
        name: { type: 'string' },
        topic: { type: ['string', 'null'] },
        encrypted: { type: 'boolean' },
        retentionSeconds: { type: 'integer' },
        visibility: { enum: ['public', 'private', 'direct'] },
        creator: { type: 'string' },
        memberCount: { type: 'integer' },
        role: { enum: ['member', 'moderator', 'admin', 'banned', null], description: "caller's role" },
      },
    },
    Message: {
      type: 'object',
      description: 'A deleted or expired message keeps its place with text null and deleted true.',
      properties: {
        id: { type: 'string' },
        channel: { type: 'string' },
        sender: { type: 'object', properties: { id: { type: 'string' }, username: { type: 'string' }, origin } },
        text: { type: ['string', 'null'], description: 'Markdown; null when deleted' },
        deleted: { type: 'boolean' },
        createdAt: { type: 'string', format: 'date-time' },
        editedAt: { type: 'string', format: 'date-time' },
        replyTo: { type: 'string' },
        threadRoot: { type: 'string' },
        expiresAt: { type: 'string', format: 'date-time' },
        reactions: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } },
        origin,
      },
    },
  },
};

interface Op {
  summary: string;
  auth?: 'none' | 'user' | 'admin' | 'any';
  body?: z.ZodType;
  ok: [status: number, description: string, schema?: Json];
  params?: string[];
  query?: z.ZodObject;
}

function operation(op: Op): Json {
  const out: Json = { summary: op.summary, responses: {} };
  const responses = out.responses as Json;
  responses[String(op.ok[0])] = op.ok[2]
    ? { description: op.ok[1], content: jsonContent(op.ok[2]) }
    : { description: op.ok[1] };
  const params: Json[] = (op.params ?? []).map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
  for (const [name, s] of Object.entries(op.query?.shape ?? {})) {
    params.push({ name, in: 'query', required: false, schema: schemaOf(s as z.ZodType) });
  }
  if (params.length) out.parameters = params;
  if (op.body) {
    out.requestBody = { required: true, content: jsonContent(schemaOf(op.body)) };
    responses['400'] = error('invalid body; the message names the field');
  }
  if (op.auth !== 'none') {
    out.security = [{ bearer: [] }];
    responses['401'] = error('missing or unknown token');
    responses['403'] = error('refused; the message names the rule');
    responses['429'] = error('rate limited; see Retry-After');
  }
  if (op.params?.length) responses['404'] = error('not found');
  return out;
}

const ch = ['id'];
const msg = ['id', 'mid'];
const obj = (properties: Json): Json => ({ type: 'object', properties });

const paths: Record<string, Record<string, Op>> = {
  '/healthz': { get: { summary: 'Liveness', auth: 'none', ok: [200, 'alive', obj({ status: { const: 'ok' } })] } },
  '/readyz': { get: { summary: 'Readiness: 200 when every configured bridge is connected, else 503', auth: 'none', ok: [200, 'ready', obj({ ready: { type: 'boolean' }, bridges: { type: 'object' } })] } },
  '/metrics': { get: { summary: 'Prometheus metrics (text)', auth: 'none', ok: [200, 'text exposition format'] } },
  '/api/v1/openapi.json': { get: { summary: 'This document', auth: 'none', ok: [200, 'OpenAPI 3.1'] } },
  '/api/v1/status': { get: { summary: 'Node address, P2P peers, channel count, bridge health', auth: 'admin', ok: [200, 'status', obj({ address: { type: 'string' }, peerId: { type: ['string', 'null'] }, peers: { type: 'integer' }, channels: { type: 'integer' }, bridges: { type: 'object' } })] } },
  '/api/v1/users': { post: { summary: 'Create a native user (admin)', auth: 'admin', body: body.createUserBody, ok: [201, 'the user and its token', obj({ id: { type: 'string' }, username: { type: 'string' }, token: { type: 'string' } })] } },
  '/api/v1/users/me': {
    get: { summary: 'The caller', auth: 'user', ok: [200, 'profile', ref('User')] },
    patch: { summary: 'Update the caller’s profile', auth: 'user', body: body.updateProfileBody, ok: [200, 'profile', ref('User')] },
  },
  '/api/v1/users/{id}': { get: { summary: 'A profile', auth: 'any', params: ['id'], ok: [200, 'profile', ref('User')] } },
  '/api/v1/channels': {
    post: { summary: 'Create a channel; the creator becomes its admin', auth: 'user', body: body.createChannelBody, ok: [201, 'channel', ref('Channel')] },
    get: { summary: 'Public channels and the caller’s channels (admin: all)', auth: 'any', ok: [200, 'channels', obj({ channels: { type: 'array', items: ref('Channel') } })] },
  },
  '/api/v1/channels/{id}': { get: { summary: 'A channel (id or name)', auth: 'user', params: ch, ok: [200, 'channel', ref('Channel')] } },
  '/api/v1/channels/{id}/join': { post: { summary: 'Join', auth: 'user', params: ch, ok: [200, 'channel with role', ref('Channel')] } },
  '/api/v1/channels/{id}/leave': { post: { summary: 'Leave', auth: 'user', params: ch, ok: [200, 'channel, role null', ref('Channel')] } },
  '/api/v1/channels/{id}/members': { get: { summary: 'Members and roles', auth: 'user', params: ch, ok: [200, 'members', obj({ members: { type: 'array', items: obj({ user: ref('User'), role: { type: 'string' } }) } })] } },
  '/api/v1/channels/{id}/members/{userId}': { put: { summary: 'Set a member’s role (needs the rights)', auth: 'user', params: ['id', 'userId'], body: body.roleBody, ok: [200, 'the new role', obj({ channel: { type: 'string' }, user: { type: 'string' }, role: { type: 'string' } })] } },
  '/api/v1/channels/{id}/messages': {
    post: { summary: 'Send a message (members)', auth: 'user', params: ch, body: body.sendMessageBody, ok: [201, 'message', ref('Message')] },
    get: { summary: 'Messages in channel order, oldest first (members)', auth: 'user', params: ch, query: body.listMessagesQuery, ok: [200, 'messages', obj({ messages: { type: 'array', items: ref('Message') } })] },
  },
  '/api/v1/channels/{id}/messages/{mid}': {
    get: { summary: 'One message', auth: 'user', params: msg, ok: [200, 'message', ref('Message')] },
    patch: { summary: 'Edit (sender)', auth: 'user', params: msg, body: body.editMessageBody, ok: [200, 'message', ref('Message')] },
    delete: { summary: 'Delete (sender or moderator)', auth: 'user', params: msg, ok: [204, 'deleted'] },
  },
  '/api/v1/channels/{id}/messages/{mid}/reactions/{emoji}': {
    put: { summary: 'React (emoji percent-encoded)', auth: 'user', params: [...msg, 'emoji'], ok: [204, 'added'] },
    delete: { summary: 'Remove a reaction', auth: 'user', params: [...msg, 'emoji'], ok: [204, 'removed'] },
  },
  '/api/v1/presence': {
    put: { summary: 'Set the caller’s presence', auth: 'user', body: body.presenceBody, ok: [200, 'presence', obj({ user: { type: 'string' }, status: { type: 'string' }, text: { type: ['string', 'null'] } })] },
    get: { summary: 'Known presences', auth: 'user', ok: [200, 'presence list', obj({ presence: { type: 'array' } })] },
  },
  '/api/v1/events': { get: { summary: 'Server-sent events: ready, message, edit, delete, reaction, presence, notification', auth: 'user', ok: [200, 'text/event-stream'] } },
};

/** Builds the document (cheap; the route caches it). */
export function openApiDocument(version: string): Json {
  const out: Json = {};
  for (const [path, ops] of Object.entries(paths)) {
    out[path] = Object.fromEntries(Object.entries(ops).map(([m, op]) => [m, operation(op)]));
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Multichat Gateway API', version, description: 'Errors are {"error":{"code","message"}}. The admin token may create users and read status; it cannot act as a user.' },
    paths: out,
    components,
  };
}

/** Paths listed in the document (tests check every route is described). */
export const documentedPaths = Object.keys(paths);
