import { z } from 'zod';
import { codePointLabel, forbiddenCharacter, type NameKind } from '../../core/names.js';
import { defaultLimits } from '../../core/options.js';

/**
 * Request bodies and query strings of the API. The routes validate with these and the OpenAPI
 * document is generated from them, so the two cannot drift.
 */

/**
 * A string checked by the name rules (docs/protocol.md, "Names"): the 400 names the field and the
 * first forbidden character's code point. The core stores the NFC form.
 */
function nameString(kind: NameKind, min: number, max: number) {
  // Lengths as the core counts them: a username in characters (code points, as JSON Schema counts
  // and logics/profile.ts checks), channel names and topics in UTF-16 units (logics/channel.ts).
  const sized =
    kind === 'username'
      ? z
          .string()
          .refine((t) => [...t].length >= min && [...t].length <= max, {
            message: `must have ${min} to ${max} characters`,
          })
          .meta({ minLength: min, maxLength: max })
      : z.string().min(min).max(max);
  return sized.superRefine((text, ctx) => {
    const cp = forbiddenCharacter(text, kind);
    if (cp === undefined) return;
    ctx.addIssue({
      code: 'custom',
      message: `a ${kind} may not contain ${codePointLabel(cp)} (control, bidi, invisible or unpaired character)`,
    });
  });
}

export const createUserBody = z.strictObject({ username: nameString('username', 1, 64) });

export const updateProfileBody = z
  .strictObject({
    username: nameString('username', 1, 64).optional(),
    avatar: z.string().min(1).max(2048).optional(),
  })
  .refine((b) => b.username !== undefined || b.avatar !== undefined, {
    message: 'give username or avatar',
    path: ['username'],
  })
  .meta({ minProperties: 1 });

export const createChannelBody = z.strictObject({
  name: nameString('channel name', 1, 80),
  topic: nameString('topic', 0, 1024).optional(),
  encrypted: z.boolean().optional(),
  retentionSeconds: z.number().int().positive().optional(),
  visibility: z.enum(['public', 'private']).optional(),
});

export const roleBody = z.strictObject({
  role: z.enum(['member', 'moderator', 'admin', 'banned']),
});

/** A file name: what a user sees and what a download is called; no control characters. */
const fileName = z
  .string()
  // Characters as JSON Schema and the core count them (code points), not UTF-16 units.
  .refine((t) => [...t].length >= 1 && [...t].length <= 255, {
    message: 'must have 1 to 255 characters',
  })
  .meta({ minLength: 1, maxLength: 255 })
  // eslint-disable-next-line no-control-regex -- the control characters are what it refuses
  .regex(/^[^\u0000-\u001f\u007f]+$/, 'a file name has no control characters');

/** A blob's address: the hex sha256 `POST /api/v1/media` answered. */
export const blobHash = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits');

export const sendMessageBody = z.strictObject({
  /** May be empty (or absent) when the message has attachments. */
  text: z.string().optional(),
  /** An emote (`/me waves`): the text is the action. */
  emote: z.boolean().optional(),
  /** Files uploaded with POST /media; the server fills their type, size and dimensions. */
  attachments: z
    .array(z.strictObject({ hash: blobHash, name: fileName.optional() }))
    .max(10)
    .optional(),
  /** Ids of the people the text mentions. */
  mentions: z.array(z.string().min(1).max(64)).max(50).optional(),
  replyTo: z.string().min(1).optional(),
  threadRoot: z.string().min(1).optional(),
  expiresInSeconds: z.number().int().positive().max(defaultLimits.maxExpirySeconds).optional(),
});

/** `emote` absent: the message stays what it was (an emote or not). */
export const editMessageBody = z.strictObject({
  text: z.string().min(1),
  emote: z.boolean().optional(),
});

export const presenceBody = z.strictObject({
  status: z.enum(['online', 'away', 'offline']),
  text: z.string().max(256).optional(),
});

export const uploadQuery = z.strictObject({ name: fileName.optional() });

/** A signed media link's query (see media-links.ts); all three come from the link. */
export const mediaQuery = z.strictObject({
  name: z.string().optional(),
  expires: z
    .string()
    .regex(/^[0-9]{1,12}$/)
    .optional(),
  sig: z.string().optional(),
});

export const listMessagesQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).optional(),
  before: z.string().min(1).optional(),
  after: z.string().min(1).optional(),
});
