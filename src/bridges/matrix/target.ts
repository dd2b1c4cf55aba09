/**
 * The Matrix link target: `{room}`, a room id (`!opaque:server`; room version 12 ids have no
 * `:server`) or an alias (`#name:server`). `resolveTarget` turns an alias into the room id,
 * creating portal rooms for aliases in the bridge's own namespace, so links are keyed by id.
 */
import { z } from 'zod';
import { InvalidLinkTargetError } from '../errors.js';
import type { LinkTarget } from '../types.js';
import { MatrixTargetError } from './errors.js';

/** Absent: "is required"; another type (a number written unquoted in YAML): "must be text". */
const textField = (what: string) => (issue: { readonly input?: unknown }) =>
  `${issue.input === undefined ? 'is required' : 'must be text'}: ${what}`;

const ROOM_ID = /^![^\s:]+(?::\S+)?$/;
const ALIAS = /^#[^\s:]+:\S+$/;

export const matrixTargetSchema = z
  .object({
    room: z
      .string({ error: textField('a Matrix room id (!id:server) or alias (#name:server)') })
      .refine((room) => ROOM_ID.test(room) || ALIAS.test(room), {
        error: (issue) =>
          `must be a Matrix room id (!id:server) or alias (#name:server); got ${JSON.stringify(issue.input)}`,
      }),
  })
  .strict();

export type MatrixTarget = z.infer<typeof matrixTargetSchema>;

/**
 * A stored target as the adapter reads it.
 * @throws MatrixTargetError (permanent) naming the field.
 */
export function matrixTarget(target: LinkTarget): MatrixTarget {
  const parsed = matrixTargetSchema.safeParse(target);
  if (!parsed.success)
    throw new MatrixTargetError(InvalidLinkTargetError.of(parsed.error.issues).message);
  return parsed.data;
}

/** The room of a target, or undefined when it is not a Matrix target (listing others' links). */
export function roomOfTarget(target: LinkTarget): string | undefined {
  const parsed = matrixTargetSchema.safeParse(target);
  return parsed.success ? parsed.data.room : undefined;
}
