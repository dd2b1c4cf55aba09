import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { configKeys, renderConfigReference } from '../../../scripts/config-reference.js';
import { checkConfigTree } from '../../../src/gateway/config/check.js';

const ROOT = join(new URL('.', import.meta.url).pathname, '..', '..', '..');
const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

/** Key paths of a parsed YAML tree, written like configKeys(): `a.b`, `list[].c`, `map.<name>.d`. */
function yamlKeys(tree: unknown, maps: readonly string[], path = ''): Set<string> {
  const out = new Set<string>();
  if (Array.isArray(tree)) {
    for (const item of tree) {
      if (item !== null && typeof item === 'object') {
        for (const k of yamlKeys(item, maps, `${path}[]`)) out.add(k);
      } else out.add(path);
    }
    if (tree.length === 0) out.add(path);
  } else if (tree !== null && typeof tree === 'object') {
    for (const [key, value] of Object.entries(tree)) {
      const child = maps.includes(path) ? `${path}.<name>` : path ? `${path}.${key}` : key;
      for (const k of yamlKeys(value, maps, child)) out.add(k);
    }
  } else out.add(path);
  return out;
}

/** The example with its commented-out keys (`# key: value`) turned on. */
const uncommented = (text: string): string => text.replace(/^(\s*)# (?=[A-Za-z]+: )/gm, '$1');

describe('config reference and example (issue 21)', () => {
  const keys = configKeys();
  const maps = [
    ...new Set(
      keys.filter((k) => k.path.includes('.<name>')).map((k) => k.path.split('.<name>')[0]!),
    ),
  ];

  it('docs/config.md is what `npm run docs:config` writes from the schema', () => {
    expect(read('docs/config.md'), 'docs/config.md is stale: run npm run docs:config').toBe(
      renderConfigReference(keys),
    );
  });

  it('every key of the schema says what it does', () => {
    expect(keys.filter((k) => !k.description).map((k) => k.path)).toEqual([]);
    expect(keys.length).toBeGreaterThan(90);
  });

  it('config/example.yaml shows every key of the schema, and no key the schema lacks', () => {
    const text = read('config/example.yaml');
    const shown = new Set([
      ...yamlKeys(parseYaml(text), maps),
      ...yamlKeys(parseYaml(uncommented(text)), maps),
    ]);
    const schema = keys.map((k) => k.path);
    expect(
      schema.filter((k) => !shown.has(k)),
      'keys missing from config/example.yaml',
    ).toEqual([]);
    expect(
      [...shown].filter((k) => !schema.includes(k)),
      'keys the schema does not know',
    ).toEqual([]);
  });

  it('config/example.yaml is a valid config once its variables are set', () => {
    const text = read('config/example.yaml');
    const env = new Proxy({} as Record<string, string>, { get: () => 'x'.repeat(40) });
    expect(checkConfigTree(parseYaml(text), env).problems).toEqual([]);
  });
});
