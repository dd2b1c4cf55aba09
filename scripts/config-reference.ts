/**
 * The config reference (docs/config.md), generated from the zod schema: every key, its type, its
 * default and what it does. A key's text is its `.describe()`, else the doc comment written
 * above it in the schema's source (found with the TypeScript parser: the comment of a property
 * of a `z.object({...})` literal, matched by the key and its sibling keys, so two objects that
 * share a key name do not share a comment).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { configSchema } from '../src/gateway/config/schema.js';

const root = join(fileURLToPath(import.meta.url), '..', '..');

/** The files whose doc comments describe config keys. */
export const SCHEMA_SOURCES = [
  'src/gateway/config/schema.ts',
  'src/gateway/config/links.ts',
  'src/gateway/config/bridges/index.ts',
  'src/bridges/config-schema.ts',
  'src/bridges/irc/config.ts',
  'src/bridges/matrix/config.ts',
  'src/bridges/discord/config.ts',
  'src/bridges/slack/config.ts',
];

/** One documented key. `path` uses `<name>` for a map's keys and `[]` for a list's items. */
export interface ConfigKey {
  readonly path: string;
  readonly type: string;
  readonly default?: string;
  readonly description?: string;
  readonly required: boolean;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

const signature = (key: string, siblings: readonly string[]): string =>
  `${key}|${[...siblings].sort().join(',')}`;

/** Doc comments of object-literal properties, by key and sibling keys. */
export function docComments(files: readonly string[] = SCHEMA_SOURCES): Map<string, string> {
  const out = new Map<string, string>();
  for (const file of files) {
    const text = readFileSync(join(root, file), 'utf8');
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
    const visit = (node: ts.Node): void => {
      if (ts.isObjectLiteralExpression(node)) {
        const keys = node.properties
          .map((p) => (p.name && ts.isIdentifier(p.name) ? p.name.text : undefined))
          .filter((k): k is string => k !== undefined);
        for (const prop of node.properties) {
          if (!prop.name || !ts.isIdentifier(prop.name)) continue;
          const comment = ts
            .getLeadingCommentRanges(text, prop.getFullStart())
            ?.map((r) => text.slice(r.pos, r.end))
            .filter((c) => c.startsWith('/**'))
            .at(-1);
          if (comment) out.set(signature(prop.name.text, keys), cleanComment(comment));
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return out;
}

function cleanComment(comment: string): string {
  return comment
    .replace(/^\/\*\*|\*\/$/g, '')
    .split('\n')
    .map((l) => l.replace(/^\s*\*\s?/, '').trim())
    .filter((l) => l !== '')
    .join(' ');
}

/** Every leaf key of the schema, in schema order. */
export function configKeys(schema: Any = configSchema): ConfigKey[] {
  const comments = docComments();
  const emptyConfig: Any = schema.parse({});
  const keys: ConfigKey[] = [];
  const walk = (
    s: Any,
    path: string,
    meta: {
      required: boolean;
      description?: string;
      default?: unknown;
      siblings?: string[];
      key?: string;
    },
  ): void => {
    const def = s._zod.def;
    const description: string | undefined = meta.description ?? s.description;
    switch (def.type) {
      case 'default':
      case 'prefault':
        return walk(def.innerType, path, {
          ...meta,
          description,
          required: false,
          default: meta.default ?? def.defaultValue,
        });
      case 'optional':
      case 'nullable':
      case 'readonly':
        return walk(def.innerType, path, { ...meta, description, required: false });
      case 'pipe':
        return walk(def.in, path, { ...meta, description });
      case 'object': {
        const names = Object.keys(def.shape);
        for (const name of names) {
          const own = comments.get(signature(name, names));
          walk(def.shape[name], path ? `${path}.${name}` : name, {
            required: true,
            siblings: names,
            key: name,
            ...(own && { description: own }),
          });
        }
        return;
      }
      case 'record':
        return walk(def.valueType, `${path}.<name>`, {
          required: false,
          ...(description && { description }),
        });
      case 'array':
        if (def.element._zod.def.type === 'object')
          return walk(def.element, `${path}[]`, { required: true });
        break;
    }
    // Defaults a section fills in as a whole (media's come from a transform) are read from the
    // parsed empty config.
    if (meta.default === undefined && !/[<[]/.test(path)) {
      const filled = path
        .split('.')
        .reduce<Any>((v, k) => (v === undefined || v === null ? undefined : v[k]), emptyConfig);
      if (filled !== undefined) meta = { ...meta, default: filled };
    }
    const objectDefault =
      typeof meta.default === 'object' && meta.default !== null && !Array.isArray(meta.default);
    keys.push({
      path,
      type: typeName(s),
      required: meta.required,
      ...(meta.default !== undefined &&
        !objectDefault && { default: JSON.stringify(meta.default) }),
      ...(description !== undefined && { description }),
    });
  };
  walk(schema, '', { required: false });
  return keys;
}

function typeName(s: Any): string {
  const def = s._zod.def;
  switch (def.type) {
    case 'enum':
      return Object.values(def.entries as Record<string, string>)
        .map((v) => `\`${v}\``)
        .join(' \\| ');
    case 'array':
      return `list of ${typeName(def.element)}`;
    case 'record':
      return `map of ${typeName(def.valueType)}`;
    case 'default':
    case 'optional':
    case 'nullable':
    case 'prefault':
      return typeName(def.innerType);
    case 'pipe':
      return typeName(def.in);
    case 'number':
      return s._zod.bag?.format === 'safeint' ? 'integer' : 'number';
    default:
      return def.type;
  }
}

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** docs/config.md. */
export function renderConfigReference(keys: readonly ConfigKey[] = configKeys()): string {
  const sections = new Map<string, ConfigKey[]>();
  for (const key of keys) {
    const top = key.path.split(/[.[]/)[0] as string;
    sections.set(top, [...(sections.get(top) ?? []), key]);
  }
  const lines = [
    '# Config reference',
    '',
    '<!-- Generated by `npm run docs:config` from the zod schema (src/gateway/config/schema.ts and',
    "each bridge's config.ts); test/unit/gateway/config-reference.test.ts fails when it is stale. -->",
    '',
    "Every key of the gateway's YAML config, its type, its default and what it does. Every key is",
    'optional unless marked **required** (within its section: a bridge is off unless its section',
    'is present). `${VAR}` takes a value from the environment, `${VAR:-fallback}` with a fallback.',
    '`<name>` stands for a name you choose; `[]` for the items of a list. Check a file with',
    '`multichat config check FILE`; `config/example.yaml` shows every key.',
    '',
  ];
  for (const [section, rows] of sections) {
    lines.push(
      `## \`${section}\``,
      '',
      '| Key | Type | Default | Description |',
      '| --- | --- | --- | --- |',
    );
    for (const k of rows) {
      const def =
        k.default !== undefined ? `\`${cell(k.default)}\`` : k.required ? '**required**' : '—';
      lines.push(`| \`${k.path}\` | ${k.type} | ${def} | ${cell(k.description ?? '')} |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { writeFileSync } = await import('node:fs');
  const text = renderConfigReference();
  writeFileSync(join(root, 'docs', 'config.md'), text);
  const missing = configKeys()
    .filter((k) => !k.description)
    .map((k) => k.path);
  console.log(`wrote docs/config.md (${text.split('\n').length} lines)`);
  if (missing.length) console.log(`keys without a description: ${missing.join(', ')}`);
}
