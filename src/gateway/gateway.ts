import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import type { Logger } from 'pino';
import { startBridges, type RunningBridges } from '../bridges/runtime/start.js';
import { createNode } from '../core/index.js';
import { span } from '../core/spans.js';
import { lockDataDir } from './data-dir-lock.js';
import type { P2P } from '../core/p2p/index.js';
import type { MultichatNode } from '../core/types.js';
import { startP2PHost } from './start-p2p.js';
import { ensureAdminToken, type AdminTokenSource } from './admin-token.js';
import { MediaLinks } from './media-links.js';
import { secureDataDir, withPrivateUmask } from './data-dir.js';
import type { GatewayConfig } from './config/index.js';
import { createApp, type RouteModule } from './http/app.js';
import { closeOnlyIdleConnections, type TimeoutEmitter } from './http/keep-alive.js';
import { linkOpenApiPaths, linkRoutes } from './http/routes/links.js';
import { outboxRoutes } from './http/routes/outbox.js';
import { outboxOpenApiPaths } from './http/openapi/outbox-paths.js';
import type { StatusProviders } from './status.js';
import { packageVersion } from './version.js';

/** How long shutdown waits for in-flight requests before cutting connections. */
const DRAIN_MS = 5_000;

export interface RunningGateway {
  /** e.g. http://127.0.0.1:8080 (the real port when the config asked for 0). */
  readonly httpUrl: string;
  readonly node: MultichatNode;
  readonly adminToken: AdminTokenSource;
  /** Slots the P2P host and bridge runtime fill in once they run. */
  readonly status: StatusProviders;
  /** Stops accepting requests, drains them, closes SSE streams, stops the node. Idempotent. */
  stop(): Promise<void>;
  /**
   * Settles when the node's background check after start finds a stored entry edited behind its
   * back (the node has stopped writing by then): the caller must stop the gateway and exit non-zero.
   */
  readonly storeRefused: Promise<Error>;
}

export interface StartOptions {
  /** Extra /api/v1 route modules (the bridge runtime's links routes). */
  readonly routes?: readonly RouteModule[];
  /** Their OpenAPI path items, keyed by full path. */
  readonly openApiPaths?: Readonly<Record<string, Record<string, unknown>>>;
}

/**
 * Starts the gateway: the Multichat node, the bridges, the HTTP API, then P2P (so /healthz
 * answers while libp2p loads). Blocks until the HTTP API and P2P both listen. On a
 * failure after the node started, the node is stopped before the error is rethrown. The data
 * dir is made 0700 and its database and key files 0600 first (a warning per fixed mode).
 */
export async function startGateway(
  config: GatewayConfig,
  logger: Logger,
  options: StartOptions = {},
): Promise<RunningGateway> {
  const dataDir = config.node.dataDir;
  // Before anything opens a file in it: SQLite gives a new -wal file the database's mode.
  secureDataDir(dataDir, logger);
  // One process per data dir: `multichat import` refuses while the gateway runs, and vice versa.
  const lock = lockDataDir(dataDir);
  return withPrivateUmask(async () => {
    let gateway: RunningGateway;
    try {
      gateway = await startServices(config, logger, options);
    } catch (error) {
      lock.release();
      throw error;
    }
    // Files created during the start, and any an older version left behind.
    secureDataDir(dataDir, logger);
    const stop = gateway.stop;
    return { ...gateway, stop: () => stop().finally(() => lock.release()) };
  });
}

async function startServices(
  config: GatewayConfig,
  logger: Logger,
  options: StartOptions,
): Promise<RunningGateway> {
  const dataDir = config.node.dataDir;
  // Start-up phases for bench/startup.ts (src/core/spans.ts: off unless MULTICHAT_SPANS is set).
  span('start.node');
  let onRefused: (error: Error) => void = () => undefined;
  const storeRefused = new Promise<Error>((resolve) => (onRefused = resolve));
  // The node's background check of the whole store waits for the whole start: started earlier,
  // it could refuse the store (and close it) while P2P is still loading, failing the start with
  // a closed database instead of naming the edited entry.
  let onStarted: () => void = () => undefined;
  const started = new Promise<void>((resolve) => (onStarted = resolve));
  const node = await createNode({
    dataDir,
    logger: logger.child({ module: 'core' }),
    onStoreRefused: (error) => onRefused(error),
    storeCheckAfter: started,
    // Blobs fetched from peers obey the same limit as uploads.
    limits: { maxBlobBytes: config.media.maxBytes },
  });
  await node.start();
  span('start.node-started');
  // /readyz answers 503 until P2P has started (/healthz, liveness, answers as soon as HTTP does).
  const status: StatusProviders = { p2pStarting: true };
  let server: ServerType | undefined;
  let p2p: P2P | undefined;
  let bridges: RunningBridges | undefined;
  try {
    const admin = await ensureAdminToken(dataDir, config.http.adminToken);
    // Signed links to /api/v1/media for the API and the bridges (IRC gets links, not files).
    // media.publicUrl when configured, else the HTTP listen URL once it is known.
    const publicUrl = config.media.publicUrl;
    const mediaLinks = await MediaLinks.open(dataDir, publicUrl ?? '');
    // Bridges: the bridge runtime starts here (config.bridges, config.links), sets
    // status.bridges and passes its links route module in `options.routes`.
    const running = await startBridges({
      node,
      logger,
      dataDir,
      store: config.store,
      bridges: config.bridges,
      links: config.links,
      media: config.media,
      retention: config.retention,
      // IRC gets files as these signed links; the base is set once the listen URL is known.
      mediaLinks,
    });
    bridges = running;
    span('start.bridges-started');
    status.bridges = {
      health: () => running.health(),
      mediaFailures: () => running.runtime.mediaFailures(),
      dropped: () => running.runtime.dropped(),
      undecryptable: () =>
        Object.keys(running.health()).flatMap((network) => {
          const counts = running.runtime.adapter(network)?.undecryptable?.();
          return counts ? [{ network, ...counts }] : [];
        }),
      outbox: () => running.store.outbox.summary(),
      onDelivered: (listener) => running.runtime.onDelivered(listener),
      linkedChannels: async () =>
        new Set((await running.runtime.links.list()).map((link) => link.channel)),
    };
    const routes = [
      ...(options.routes ?? []),
      linkRoutes(running.runtime.links),
      outboxRoutes({ outbox: running.store.outbox, kick: () => running.runtime.kick() }),
    ];
    const { app, sse } = createApp(
      {
        node,
        adminToken: admin.token,
        logger: logger.child({ module: 'http' }),
        status,
        media: { maxBytes: config.media.maxBytes, links: mediaLinks, fetchWaitMs: 10_000 },
        accounts: running.runtime.accounts,
        typing: (listener) => running.runtime.onTyping(listener),
      },
      {
        maxBodyBytes: config.http.maxBodyBytes,
        rateLimit: config.http.rateLimit,
        maxStreamsPerToken: config.http.maxStreamsPerToken,
        streamBufferBytes: config.http.streamBufferBytes,
        ...(config.http.metricsToken !== undefined && { metricsToken: config.http.metricsToken }),
        version: packageVersion(),
        routes,
        openApiPaths: { ...linkOpenApiPaths, ...outboxOpenApiPaths, ...options.openApiPaths },
      },
    );
    span('start.http');
    const listening = await listen(app.fetch, config.http.host, config.http.port);
    span('start.listening');
    server = listening.server;
    const host = config.http.host.includes(':') ? `[${config.http.host}]` : config.http.host;
    const httpUrl = `http://${host}:${listening.port}`;
    if (!publicUrl) mediaLinks.setBase(httpUrl);
    // P2P starts once the HTTP API listens: libp2p is about half of the modules a start loads,
    // so /healthz answers about twice as soon. Until status.p2p is set the API reports no peer
    // and no listen address; the start still fails (and stops everything) if P2P cannot start.
    p2p = await startP2PHost(config, node, logger);
    status.p2p = p2p;
    status.p2pStarting = false;
    onStarted();
    let stopping: Promise<void> | undefined;
    const stop = (): Promise<void> =>
      (stopping ??= (async () => {
        const srv = listening.server;
        const closed = new Promise<void>((resolve) => srv.close(() => resolve()));
        sse.closeAll();
        if ('closeIdleConnections' in srv) srv.closeIdleConnections();
        const timer = setTimeout(() => {
          if ('closeAllConnections' in srv) srv.closeAllConnections();
        }, DRAIN_MS);
        await closed;
        clearTimeout(timer);
        // P2P / Bridges: stop them here, before the node, so no new writes arrive.
        await running.stop();
        await p2p?.stop();
        await node.stop();
        logger.info('gateway stopped');
      })());
    return { httpUrl, node, adminToken: admin.source, status, stop, storeRefused };
  } catch (err) {
    // Requests may have been served by now (/healthz answers before P2P starts): cut them too.
    server?.close();
    if (server && 'closeAllConnections' in server) server.closeAllConnections();
    await bridges?.stop().catch(() => undefined);
    await p2p?.stop().catch(() => undefined);
    await node.stop().catch(() => undefined);
    throw err;
  }
}

/** Serves `fetch` on host:port; resolves once listening, rejects on EADDRINUSE and the like. */
function listen(
  fetch: (req: Request) => Response | Promise<Response>,
  hostname: string,
  port: number,
): Promise<{ server: ServerType; port: number }> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, hostname, port }, (info: AddressInfo) => {
      server.off('error', reject);
      resolve({ server, port: info.port });
    });
    // A request read after a long pause is served, not reset with its connection (keep-alive.ts).
    closeOnlyIdleConnections(server as TimeoutEmitter);
    server.once('error', reject);
  });
}
