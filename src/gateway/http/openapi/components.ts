/** Shared component schemas of the OpenAPI document (responses and the error shape). */

export type Json = Record<string, unknown>;

export const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });
export const obj = (properties: Json): Json => ({ type: 'object', properties });

const origin = {
  type: 'object',
  properties: { network: { type: 'string' }, externalId: { type: 'string' } },
};
export const components: Json = {
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
      required: ['id', 'username', 'avatar'],
      properties: {
        id: { type: 'string' },
        username: { type: 'string' },
        avatar: { type: ['string', 'null'] },
        origin,
        lookalikeOf: {
          type: 'array',
          description: 'other users whose names look alike; absent when none',
          items: obj({ id: { type: 'string' }, username: { type: 'string' } }),
        },
        identities: {
          type: 'array',
          description:
            'present on /users answers: the profile on other networks: native = the person\u2019s own account (linkedAt: joined with a link code), ghost / puppet = a Matrix user or IRC nick the gateway speaks through for them',
          items: {
            type: 'object',
            required: ['network', 'externalId', 'kind'],
            properties: {
              network: { type: 'string' },
              externalId: { type: 'string' },
              kind: { enum: ['native', 'ghost', 'puppet'] },
              linkedAt: { type: 'string', format: 'date-time' },
            },
          },
        },
      },
    },
    Channel: {
      type: 'object',
      required: [
        'id',
        'name',
        'topic',
        'encrypted',
        'bridged',
        'visibility',
        'creator',
        'memberCount',
      ],
      properties: {
        id: { type: 'string' },
        name: { type: 'string' },
        topic: { type: ['string', 'null'] },
        encrypted: {
          type: 'boolean',
          description: 'content is end-to-end encrypted: only members read it',
        },
        bridged: {
          type: 'boolean',
          description:
            'a link of this gateway carries the channel to another network; with encrypted, the gateway is a member that decrypts it to deliver, so its operator can read it',
        },
        retentionSeconds: { type: 'integer' },
        visibility: { enum: ['public', 'private', 'direct'] },
        creator: { type: 'string' },
        memberCount: { type: 'integer' },
        role: {
          enum: ['member', 'moderator', 'admin', 'banned', null],
          description: "caller's role",
        },
      },
    },
    Message: {
      type: 'object',
      description: 'A deleted or expired message keeps its place with text null and deleted true.',
      required: [
        'id',
        'channel',
        'sender',
        'text',
        'deleted',
        'createdAt',
        'reactions',
        'attachments',
        'mentions',
      ],
      properties: {
        id: { type: 'string' },
        channel: { type: 'string' },
        sender: {
          type: 'object',
          properties: { id: { type: 'string' }, username: { type: 'string' }, origin },
        },
        text: { type: ['string', 'null'], description: 'Markdown; null when deleted' },
        emote: { type: 'boolean', description: 'the text is an emote (/me); absent otherwise' },
        deleted: { type: 'boolean' },
        createdAt: { type: 'string', format: 'date-time' },
        editedAt: { type: 'string', format: 'date-time' },
        replyTo: { type: 'string' },
        threadRoot: { type: 'string' },
        expiresAt: { type: 'string', format: 'date-time' },
        reactions: {
          type: 'object',
          additionalProperties: { type: 'array', items: { type: 'string' } },
        },
        attachments: {
          type: 'array',
          description:
            'files; url is /api/v1/media/{hash} for a stored file (hash absent for a plain link)',
          items: {
            ...obj({
              hash: { type: 'string' },
              url: { type: 'string' },
              name: { type: 'string' },
              mimeType: { type: 'string' },
              size: { type: 'integer' },
              width: { type: 'integer' },
              height: { type: 'integer' },
            }),
            required: ['name', 'url'],
          },
        },
        mentions: {
          type: 'array',
          description: 'ids of the people the message mentions',
          items: { type: 'string' },
        },
        origin,
      },
    },
  },
};
