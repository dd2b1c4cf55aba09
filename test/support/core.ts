/** Test helpers for the core: nodes in temp dirs, removed after the test file. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { createNode } from '../../src/core/index.js';
import type { MultichatNode, NodeOptions } from '../../src/core/index.js';

const dirs: string[] = [];
const nodes: MultichatNode[] = [];

afterAll(async () => {
  for (const node of nodes.splice(0)) await node.stop().catch(() => undefined);
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

export function tempDir(prefix = 'mc-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

export async function tempNode(options: Partial<NodeOptions> = {}): Promise<MultichatNode> {
  const node = await createNode({
    dataDir: options.dataDir ?? tempDir(),
    sweepIntervalMs: 0,
    ...options,
  });
  await node.start();
  nodes.push(node);
  return node;
}

/** Copies every entry of `from` into `to` (what P2P sync does), in the given order. */
export function allEnvelopes(from: MultichatNode) {
  return [...from.frontier()].flatMap(([author]) => from.entriesAfter(author, 0, 1_000_000));
}
