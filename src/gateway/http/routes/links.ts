/**
 * `GET /api/v1/links`, `POST /api/v1/links`, `DELETE /api/v1/links/:id` (admin token only).
 * The bridge runtime's LinkManager does the work; this module validates bodies and turns the
 * bridge and mapping errors into the core's named errors, which the app's one `onError` maps
 * to 400/404/409.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { ConflictError, NotFoundError, ValidationError } from '../../../core/errors.js';
import { InvalidLinkError, NetworkNotConfiguredError } from '../../../bridges/errors.js';
import type { LinkManager } from '../../../bridges/runtime/index.js';
import { InvalidTargetError, LinkExistsError, LinkNotFoundError } from '../../../mapping/index.js';
import type { LinkId } from '../../../mapping/types.js';
import type { RouteModule } from '../app.js';
import { operation } from '../openapi/operation.js';
import type { Json } from '../openapi/index.js';
import { readBody } from '../body.js';
import { requireAdmin, type AppEnv } from '../context.js';

const createLinkBody = z
  .object({
    channel: z.string().min(1),
    network: z.string().min(1),
    target: z.record(z.string(), z.string().min(1)),
    createChannel: z.boolean().optional(),
    allowEncrypted: z.boolean().optional(),
  })
  .strict();

/**
 * Maps the runtime's errors to the ones the HTTP layer already answers. A target its network's
 * schema refuses (`InvalidLinkTargetError`, a subclass of InvalidLinkError) or one the network
 * says it cannot use becomes a 400 whose message names the field and why.
 */
function translate(error: unknown): never {
  if (error instanceof InvalidLinkError) throw new ValidationError(error.field, error.message);
  if (error instanceof NetworkNotConfiguredError)
    throw new ValidationError('network', error.message);
  if (error instanceof InvalidTargetError) throw new ValidationError('target', error.message);
  if (error instanceof LinkExistsError) throw new ConflictError(error.message);
  if (error instanceof LinkNotFoundError) throw new NotFoundError('link', error.message);
  throw error;
}

/** The links route module for `createApp({ routes: [...] })`. */
export function linkRoutes(links: LinkManager): RouteModule {
  return () => {
    const app = new Hono<AppEnv>();

    app.get('/links', async (c) => {
      requireAdmin(c);
      return c.json({ links: await links.list() });
    });

    app.post('/links', async (c) => {
      requireAdmin(c);
      const body = await readBody(c, createLinkBody);
      const link = await links.create(body).catch(translate);
      return c.json(link, 201);
    });

    app.delete('/links/:id', async (c) => {
      requireAdmin(c);
      const id = c.req.param('id') as LinkId;
      if (!(await links.get(id))) throw new NotFoundError('link', id);
      await links.remove(id).catch(translate);
      return c.body(null, 204);
    });

    return app;
  };
}

const linkSchema: Json = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    channel: { type: 'string' },
    channelName: { type: 'string' },
    network: { type: 'string' },
    target: { type: 'object', additionalProperties: { type: 'string' } },
    createdAt: { type: 'string' },
    encrypted: {
      type: 'boolean',
      description: 'the channel is end-to-end encrypted and this gateway decrypts it to deliver',
    },
  },
  required: ['id', 'channel', 'network', 'target', 'createdAt', 'encrypted'],
};

/** OpenAPI path items of these routes, for `startGateway`'s `openApiPaths`. */
export const linkOpenApiPaths: Readonly<Record<string, Json>> = {
  '/api/v1/links': {
    get: operation({
      summary: 'List links (admin)',
      auth: 'admin',
      ok: [
        200,
        'links, oldest first',
        { type: 'object', properties: { links: { type: 'array', items: linkSchema } } },
      ],
    }),
    post: operation({
      summary: 'Link a channel (id or name; created when missing) to an external target (admin)',
      auth: 'admin',
      body: createLinkBody,
      fields: {
        target: {
          description:
            "the network's target: irc {network, channel: '#chan'} (network configured under " +
            "bridges.irc.networks); matrix {room: '!id:server' | '#alias:server'}; discord " +
            "{channel: snowflake, thread?: snowflake}; slack {channel: 'C0123ABCD' | '#name'}",
        },
        allowEncrypted: {
          description:
            'required (true) to link an end-to-end encrypted channel: the gateway then joins it ' +
            'and decrypts every message to deliver it, so the gateway operator can read the channel',
        },
      },
      ok: [201, 'the link', linkSchema],
      answers: {
        400:
          'bad body, a network not configured under bridges: (the message lists those that are), ' +
          "or a target its network refuses: the message names the field and why, e.g. 'target.channel: " +
          'must be an IRC channel name…\' or \'target.network: "x" is not a configured IRC network; ' +
          "configured: libera'; or an encrypted channel without allowEncrypted: true " +
          '(the message starts \'channel "NAME" is end-to-end encrypted\' and names the flag)',
        409: 'the link exists, or the channel name is held by several channels',
      },
    }),
  },
  '/api/v1/links/{id}': {
    delete: operation({
      summary: 'Remove a link; its pending deliveries are dead-lettered (admin)',
      auth: 'admin',
      params: ['id'],
      ok: [204, 'removed'],
    }),
  },
};
