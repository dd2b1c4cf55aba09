/**
 * Real core nodes (SQLite stores in temp dirs) with a P2P layer on loopback, in this process.
 * Every node started here is stopped, and its directory removed, after each test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { createNode, type NodeOptions } from '../../../src/core/index.js';
import { loadOrCreateNodeKey } from '../../../src/core/identity.js';
import { createP2P, type P2P, type P2POptions } from '../../../src/core/p2p/index.js';
import type { SyncNode } from '../../../src/core/p2p/types.js';
import type { MultichatNode } from '../../../src/core/types.js';

export interface RunningNode {
  readonly node: MultichatNode;
  readonly p2p: P2P;
  readonly dir: string;
}

const running: RunningNode[] = [];

const dirs: string[] = [];

afterEach(async () => {
  for (const r of running.splice(0)) await stopAndKeep(r);
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

export interface StartOptions {
  /** An existing data directory (a restart); a new temp dir when absent. */
  readonly dir?: string;
  readonly node?: Partial<NodeOptions>;
  readonly p2p?: Partial<P2POptions>;
  /** The node as its P2P layer sees it (a test may swap a part, e.g. the blob store). */
  readonly p2pNode?: (node: MultichatNode) => SyncNode;
}

export async function startRealNode(options: StartOptions = {}): Promise<RunningNode> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'mc-p2p-'));
  if (!dirs.includes(dir)) dirs.push(dir);
  const node = await createNode({ dataDir: dir, sweepIntervalMs: 0, ...options.node });
  await node.start();
  const p2p = createP2P({
    seed: loadOrCreateNodeKey(dir).seed,
    listen: ['/ip4/127.0.0.1/tcp/0'],
    mdns: false,
    syncIntervalMs: 0,
    redialIntervalMs: 0,
    ...options.p2p,
  })({ node: options.p2pNode?.(node) ?? node });
  await p2p.start();
  const r = { node, p2p, dir };
  running.push(r);
  return r;
}

/** Stops a node before the test ends and keeps its directory (for a restart on it). */
export async function stopAndKeep(r: RunningNode): Promise<void> {
  const at = running.indexOf(r);
  if (at !== -1) running.splice(at, 1);
  await r.p2p.stop();
  await r.node.stop();
}
