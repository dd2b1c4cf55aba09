/**
 * The static import graph of a TypeScript source tree, and the cycles in it. Type-only imports
 * count: a type cycle (node.ts <-> ingest.ts through NodeInternals) still ties the files together,
 * and it is what issue 16 asked to remove. Dynamic `import()` does not count: it runs later.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** file -> the files it imports (absolute paths). */
export type ImportGraph = Map<string, string[]>;

/** `import … from './x.js'`, `export … from './x.js'` (no quote may sit between keyword and from). */
const FROM = /^[ \t]*(?:import|export)\b[^;'"`]*?\bfrom\s*['"](\.{1,2}\/[^'"]*)['"]/gm;
/** `import './x.js'` (a module loaded for its effects). */
const BARE = /^[ \t]*import\s*['"](\.{1,2}\/[^'"]*)['"]/gm;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Block comments and whole-line comments go first: a doc comment may quote an import. */
function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^[ \t]*\/\/.*$/gm, '');
}

/** The `.ts` file a relative specifier names (`./x.js` is written for `./x.ts`), if it exists. */
function resolveSpecifier(from: string, specifier: string): string | undefined {
  const target = resolve(dirname(from), specifier);
  const candidates = [
    target.replace(/\.js$/, '.ts'),
    target,
    `${target}.ts`,
    join(target, 'index.ts'),
  ];
  return candidates.find((path) => path.endsWith('.ts') && existsSync(path));
}

export function buildImportGraph(root: string): ImportGraph {
  const graph: ImportGraph = new Map();
  for (const file of sourceFiles(root)) {
    const text = withoutComments(readFileSync(file, 'utf8'));
    const targets = new Set<string>();
    for (const pattern of [FROM, BARE]) {
      for (const match of text.matchAll(pattern)) {
        const target = resolveSpecifier(file, match[1]!);
        if (target) targets.add(target);
      }
    }
    graph.set(file, [...targets]);
  }
  return graph;
}

/**
 * One cycle per back edge found by a depth-first walk, each as the list of files (relative to
 * `root`) from the first file back to it. Empty when the graph has no cycle.
 */
export function findCycles(graph: ImportGraph, root: string): string[][] {
  const done = new Set<string>();
  const path: string[] = [];
  const onPath = new Set<string>();
  const cycles: string[][] = [];
  const visit = (file: string): void => {
    path.push(file);
    onPath.add(file);
    for (const next of graph.get(file) ?? []) {
      if (onPath.has(next)) {
        cycles.push([...path.slice(path.indexOf(next)), next].map((f) => relative(root, f)));
      } else if (!done.has(next)) {
        visit(next);
      }
    }
    path.pop();
    onPath.delete(file);
    done.add(file);
  };
  for (const file of [...graph.keys()].sort()) if (!done.has(file)) visit(file);
  return cycles;
}
