import type { z } from 'zod';
import { formatPath } from './env.js';
import { showValue } from './redact.js';

/** Minimal view of zod 4's internal definition, enough to walk object shapes by path. */
interface SchemaDef {
  readonly type: string;
  readonly shape?: Record<string, { _zod: { def: SchemaDef } }>;
  readonly innerType?: { _zod: { def: SchemaDef } };
  readonly in?: { _zod: { def: SchemaDef } };
  readonly element?: { _zod: { def: SchemaDef } };
  readonly valueType?: { _zod: { def: SchemaDef } };
}

/**
 * Turns zod issues into one readable line each: the key path, what was expected and the value
 * found (only its type under a secret key; see redact.ts). Unknown keys get the closest known key as a hint ("did you mean http.port?").
 */
export function describeIssues(
  issues: readonly z.core.$ZodIssue[],
  schema: z.ZodType,
  input: unknown,
): string[] {
  const lines: string[] = [];
  // zod 4 still runs a string's length check on an array of the wrong type; once the type is
  // wrong, the other checks at that key only confuse.
  const wrongType = new Set(
    issues.filter((i) => i.code === 'invalid_type').map((i) => formatPath(i.path)),
  );
  for (const issue of issues) {
    if (issue.code !== 'invalid_type' && wrongType.has(formatPath(issue.path))) continue;
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeysAt(schema, issue.path);
      for (const key of issue.keys) {
        const full = formatPath([...issue.path, key]);
        const hint = closest(key, known);
        lines.push(
          hint === undefined
            ? `unknown key ${full}${known.length ? ` — known keys: ${known.join(', ')}` : ''}`
            : `unknown key ${full} — did you mean ${formatPath([...issue.path, hint])}?`,
        );
      }
      continue;
    }
    const value = valueAt(input, issue.path);
    const key = formatPath(issue.path);
    lines.push(
      `${key}: ${expectation(issue, value)}${value === undefined ? '' : `, got ${showValue(issue.path, value)}`}`,
    );
  }
  return lines;
}

function expectation(issue: z.core.$ZodIssue, value: unknown): string {
  switch (issue.code) {
    case 'invalid_type':
      return value === undefined
        ? `is required (expected ${issue.expected})`
        : `expected ${issue.expected}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(' | ')}`;
    case 'too_small':
      return `expected ${issue.origin === 'string' ? 'length ' : issue.origin === 'array' ? 'item count ' : ''}${issue.inclusive === false ? '>' : '>='} ${String(issue.minimum)}`;
    case 'too_big':
      return `expected ${issue.origin === 'string' ? 'length ' : issue.origin === 'array' ? 'item count ' : ''}${issue.inclusive === false ? '<' : '<='} ${String(issue.maximum)}`;
    case 'invalid_format':
      if (issue.format === 'url') return 'expected an http(s) URL';
      if ('prefix' in issue)
        return `expected a string starting with ${JSON.stringify(issue.prefix)}`;
      if ('includes' in issue)
        return `expected a string containing ${JSON.stringify(issue.includes)}`;
      return `expected ${issue.format}${issue.pattern ? ` matching ${issue.pattern}` : ''}`;
    default:
      return issue.message;
  }
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = input;
  for (const part of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[part];
  }
  return cur;
}

/** The keys an object schema at `path` accepts (empty when the path is not an object). */
export function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let def: SchemaDef | undefined = unwrap(
    (schema as unknown as { _zod: { def: SchemaDef } })._zod.def,
  );
  for (const part of path) {
    if (!def) return [];
    if (def.type === 'object' && typeof part === 'string')
      def = unwrap(def.shape?.[part]?._zod.def);
    else if (def.type === 'array') def = unwrap(def.element?._zod.def);
    else if (def.type === 'record') def = unwrap(def.valueType?._zod.def);
    else return [];
  }
  return def?.type === 'object' && def.shape ? Object.keys(def.shape) : [];
}

function unwrap(def: SchemaDef | undefined): SchemaDef | undefined {
  let cur = def;
  for (let i = 0; cur && i < 10; i++) {
    const next = cur.innerType ?? (cur.type === 'pipe' ? cur.in : undefined);
    if (!next) return cur;
    cur = next._zod.def;
  }
  return cur;
}

/** The known key nearest to `key` by edit distance, if near enough to be a likely typo. */
export function closest(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return bestDistance <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
    }
    prev = row;
  }
  return prev[b.length]!;
}
