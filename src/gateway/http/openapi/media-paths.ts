/**
 * The media routes in the OpenAPI document, written out: their bodies are raw bytes and their
 * answers files, which the JSON table of paths.ts does not describe.
 */
import { obj, ref, type Json } from './components.js';

const error = (description: string): Json => ({
  description,
  content: { 'application/json': { schema: ref('Error') } },
});
const hex64 = { type: 'string', pattern: '^[0-9a-f]{64}$', description: 'hex sha256' };
const fileName = {
  type: 'string',
  minLength: 1,
  maxLength: 255,
  pattern: '^[^\\u0000-\\u001f\\u007f]+$',
  description: 'the file name (no control characters); default "file"',
};
const bytes = { type: 'string', format: 'binary' };

export function mediaPaths(): Record<string, Json> {
  return {
    '/api/v1/media': {
      post: {
        summary: 'Upload a file (raw body, its Content-Type recorded); attach it by hash',
        security: [{ bearer: [] }],
        parameters: [{ name: 'name', in: 'query', required: false, schema: fileName }],
        requestBody: {
          required: false,
          content: { 'application/octet-stream': { schema: bytes } },
        },
        responses: {
          '201': {
            description: 'stored (hash = sha256 of the bytes); url is the read endpoint',
            links: {
              read: {
                operationId: 'readMedia',
                parameters: { hash: '$response.body#/hash' },
                description: 'the uploader reads the file back',
              },
            },
            content: {
              'application/json': {
                schema: {
                  ...obj({
                    hash: hex64,
                    name: { type: 'string' },
                    mimeType: { type: 'string' },
                    size: { type: 'integer', minimum: 0 },
                    width: { type: 'integer' },
                    height: { type: 'integer' },
                    url: { type: 'string' },
                  }),
                  required: ['hash', 'name', 'mimeType', 'size', 'url'],
                },
              },
            },
          },
          '400': error('invalid query parameter; the message names it'),
          '401': error('missing or unknown token'),
          '403': error('refused: the admin token cannot act as a user'),
          '413': error('the file is larger than media.maxBytes'),
        },
      },
    },
    '/api/v1/media/{hash}': {
      get: {
        operationId: 'readMedia',
        summary:
          'A file: to members of a channel where a message shares it, its uploader, the admin, or anyone with a signed link (expires + sig)',
        // A signed link needs no token.
        security: [{ bearer: [] }, {}],
        parameters: [
          { name: 'hash', in: 'path', required: true, schema: hex64 },
          { name: 'name', in: 'query', required: false, schema: { type: 'string' } },
          {
            name: 'expires',
            in: 'query',
            required: false,
            schema: { type: 'string', pattern: '^[0-9]{1,12}$', description: 'unix seconds' },
          },
          { name: 'sig', in: 'query', required: false, schema: { type: 'string' } },
        ],
        responses: {
          '200': {
            description:
              'the bytes; anything but a raster image, audio or video comes as an attachment under a restrictive CSP',
            headers: {
              'Content-Length': { schema: { type: 'integer', minimum: 0 } },
              'X-Content-Type-Options': { schema: { const: 'nosniff' } },
            },
            content: { 'application/octet-stream': { schema: bytes }, '*/*': { schema: bytes } },
          },
          '400': error('not a sha256 hash, or a bad query parameter'),
          '401': error('no token and no signed link'),
          '403': error('not allowed to read this file, or the signed link is wrong or expired'),
          '404': error('no such file here, and no peer delivered it'),
          '502': error(
            'a file of an encrypted channel whose bytes do not open with the key of its message (e2ee_blob_tampered)',
          ),
        },
      },
    },
  };
}
