/**
 * The gateway's P2P host, started last: libp2p and its protocols are about half of the modules a
 * start loads, so they are imported only once the HTTP API listens (/healthz answers meanwhile;
 * /readyz waits for this). `import type` only above: nothing else pulls libp2p in earlier.
 */
import { join } from 'node:path';
import type { Logger } from 'pino';
import { loadOrCreateNodeKey } from '../core/identity.js';
import type { P2P } from '../core/p2p/index.js';
import { span } from '../core/spans.js';
import type { MultichatNode } from '../core/types.js';
import type { GatewayConfig } from './config/index.js';

/**
 * Imports libp2p and starts the host on config.node.listen/announce/bootstrap/mdns. A host that
 * fails to start is stopped before the error is rethrown (the caller then stops the rest).
 */
export async function startP2PHost(
  config: GatewayConfig,
  node: MultichatNode,
  logger: Logger,
): Promise<P2P> {
  const { createP2P } = await import('../core/p2p/index.js');
  const dataDir = config.node.dataDir;
  const p2p = createP2P({
    seed: loadOrCreateNodeKey(dataDir).seed,
    listen: config.node.listen,
    announce: config.node.announce,
    bootstrap: config.node.bootstrap,
    mdns: config.node.mdns,
    deniedPeersFile: join(dataDir, 'denied-peers'),
    blobMaxBytes: config.media.maxBytes,
  })({ node, logger: logger.child({ module: 'p2p' }) });
  span('start.p2p');
  try {
    await p2p.start();
  } catch (error) {
    await p2p.stop().catch(() => undefined);
    throw error;
  }
  span('start.p2p-started');
  return p2p;
}
