import type { z } from 'zod';
import { ValidationError } from '../../core/errors.js';
import type { AppContext } from './context.js';
import { BadJsonError } from './errors.js';

/**
 * One zod issue as the core's ValidationError, so the 400 names the field. An unknown field
 * wins over the others: `{"txt":"hi"}` is a typo of `text`, and "unknown field txt" says so
 * where "text: required" would send the caller looking for the wrong mistake.
 */
export function toValidationError(issues: readonly z.core.$ZodIssue[]): ValidationError {
  const issue = issues.find((i) => i.code === 'unrecognized_keys') ?? issues[0];
  if (!issue) return new ValidationError('body', 'invalid request');
  if (issue.code === 'unrecognized_keys') {
    const prefix = issue.path.length > 0 ? `${issue.path.map(String).join('.')}.` : '';
    const keys = issue.keys.map((k) => `${prefix}${k}`).join(', ');
    return new ValidationError(keys, `unknown field ${keys}`);
  }
  const field = issue.path.length > 0 ? issue.path.map(String).join('.') : 'body';
  return new ValidationError(field, `${field}: ${issue.message}`);
}

/** Parses the JSON body and validates it; 400 for bad JSON or the first bad field. */
export async function readBody<S extends z.ZodType>(
  c: AppContext,
  schema: S,
): Promise<z.output<S>> {
  const text = await c.req.text();
  let raw: unknown;
  try {
    raw = text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    throw new BadJsonError('request body is not valid JSON');
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new BadJsonError('request body must be a JSON object');
  }
  const result = schema.safeParse(raw);
  if (!result.success) throw toValidationError(result.error.issues);
  return result.data;
}

/** Validates the query string the same way. */
export function readQuery<S extends z.ZodType>(c: AppContext, schema: S): z.output<S> {
  const result = schema.safeParse(c.req.query());
  if (!result.success) throw toValidationError(result.error.issues);
  return result.data;
}
