import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { buildImportGraph, findCycles } from './import-graph.js';

const src = fileURLToPath(new URL('../../../src', import.meta.url));

describe('import cycles', () => {
  let scratch: string | undefined;
  afterEach(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
    scratch = undefined;
  });

  /** Writes `files` (path -> text) under a fresh temporary folder and returns it. */
  function tree(files: Record<string, string>): string {
    scratch = mkdtempSync(join(tmpdir(), 'import-graph-'));
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(scratch, path, '..'), { recursive: true });
      writeFileSync(join(scratch, path), text);
    }
    return scratch;
  }

  it('src/ has none, counting type-only imports', () => {
    const graph = buildImportGraph(src);
    // The walk saw the tree: node.ts imports ingest.ts (a guard against a parser that finds nothing).
    expect(graph.get(join(src, 'core/node.ts'))).toContain(join(src, 'core/ingest.ts'));
    expect(findCycles(graph, src).map((cycle) => cycle.join(' -> '))).toEqual([]);
  });

  it('reports a cycle closed by a type-only import, naming its files in order', () => {
    const root = tree({
      'core/node.ts': "import { Ingestor } from './ingest.js';\nexport const n = Ingestor;\n",
      'core/ingest.ts':
        "import type { NodeInternals } from './node.js';\nexport class Ingestor {}\n",
    });
    expect(findCycles(buildImportGraph(root), root)).toEqual([
      ['core/ingest.ts', 'core/node.ts', 'core/ingest.ts'],
    ]);
  });

  it('reports re-exports and multi-line imports, and ignores comments and dynamic imports', () => {
    const root = tree({
      'a.ts': "export * from './b.js';\n",
      'b.ts': "import {\n  c,\n  type D,\n} from './c.js';\nexport const b = c;\n",
      'c.ts': "/** see `import { a } from './a.js'` */\nexport const c = () => import('./a.js');\n",
    });
    expect(findCycles(buildImportGraph(root), root)).toEqual([]);
    writeFileSync(join(root, 'c.ts'), "export { a as c } from './a.js';\n");
    expect(findCycles(buildImportGraph(root), root)).toEqual([['a.ts', 'b.ts', 'c.ts', 'a.ts']]);
  });
});
