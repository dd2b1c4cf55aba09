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

export const sendMessageBody = z.strictObject({
  text: z.string().min(1),
  replyTo: z.string().min(1).optional(),
  threadRoot: z.string().min(1).optional(),
  expiresInSeconds: z.number().int().positive().max(defaultLimits.maxExpirySeconds).optional(),
});

export const editMessageBody = z.strictObject({ text: z.string().min(1) });

export const presenceBody = z.strictObject({
  status: z.enum(['online', 'away', 'offline']),
  text: z.string().max(256).optional(),
});

export const listMessagesQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).optional(),
  before: z.string().min(1).optional(),
  after: z.string().min(1).optional(),
});
