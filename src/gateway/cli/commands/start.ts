import { span } from '../../../core/spans.js';
import { loadConfig } from '../../config/index.js';
import { createLogger } from '../../logging/logger.js';
import { CommandFailedError } from '../errors.js';
import type { CliIo, Command } from '../types.js';
import { p2pBanner, p2pExposure } from '../../p2p-banner.js';
import { watchBridges, type BridgeDown } from '../../bridge-watch.js';

/**
 * `supervision.exitWhenDownMinutes` in ms. `MULTICHAT_TEST_EXIT_WHEN_DOWN_SECONDS` (for tests
 * only: minutes are too long to wait for) overrides it in seconds.
 */
function downLimitMs(minutes: number | undefined, env: NodeJS.ProcessEnv): number | undefined {
  const seconds = Number(env.MULTICHAT_TEST_EXIT_WHEN_DOWN_SECONDS);
  if (Number.isFinite(seconds) && seconds > 0) return seconds * 1000;
  return minutes === undefined ? undefined : minutes * 60_000;
}

/** Resolves on the first SIGINT or SIGTERM; later signals only log. */
function waitForSignal(io: CliIo): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const handler = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
      // Keep swallowing signals while we drain, so a second Ctrl-C does not kill mid-write.
      const again = (): void => io.err('still stopping: finishing in-flight writes');
      process.on('SIGINT', again);
      process.on('SIGTERM', again);
      resolve(signal);
    };
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
  });
}

/**
 * `start`: runs the gateway until SIGINT/SIGTERM, then stops it cleanly (exit 0). A bad config
 * throws the config error (exit 2); a failure to start or stop is exit 1, and so is a bridge
 * down longer than `supervision.exitWhenDownMinutes` (the gateway is stopped cleanly first).
 */
export const startCommand: Command = {
  name: 'start',
  summary: 'run the gateway (node, HTTP API, dashboard) until SIGINT/SIGTERM',
  usage: 'start [--config FILE]',
  help: [['--config FILE', 'config file (else $MULTICHAT_CONFIG, else the embedded default)']],
  options: { config: { type: 'string', short: 'c' } },
  positionals: [0, 0],
  async run(args, io) {
    const configPath = typeof args.values.config === 'string' ? args.values.config : undefined;
    const { config, source } = await loadConfig(configPath, io.env);
    const logger = createLogger(config.log);
    logger.info(
      { config: source.kind === 'file' ? source.path : 'embedded default' },
      'starting gateway',
    );
    const signal = waitForSignal(io);
    let gateway;
    try {
      // Loaded only here so --help, keygen and friends never load the node and libp2p.
      span('start.import');
      const { startGateway } = await import('../../gateway.js');
      span('start.imported');
      gateway = await startGateway(config, logger);
    } catch (err) {
      logger.error({ err }, 'gateway failed to start');
      throw new CommandFailedError(`cannot start: ${(err as Error).message}`, { cause: err });
    }
    const tokenWhere =
      gateway.adminToken.kind === 'config'
        ? 'the admin token is http.adminToken from the config'
        : `admin token ${gateway.adminToken.created ? 'created in' : 'stored in'} ${gateway.adminToken.path}`;
    logger.info({ httpUrl: gateway.httpUrl, address: gateway.node.address }, 'gateway started');
    io.err(`Multichat gateway listening on ${gateway.httpUrl} (dashboard: ${gateway.httpUrl}/)`);
    io.err(`${tokenWhere} (send it as "Authorization: Bearer TOKEN")`);
    // The P2P exposure, said every start (the defaults reach every interface and the LAN).
    const p2p = p2pExposure(
      config.node.listen,
      gateway.status.p2p?.addresses?.() ?? [],
      config.node.mdns,
    );
    logger.info(p2p, 'p2p exposure');
    for (const line of p2pBanner(p2p)) io.err(line);
    io.err(`node address ${gateway.node.address}; stop with Ctrl-C`);
    const limitMs = downLimitMs(config.supervision.exitWhenDownMinutes, io.env);
    const status = gateway.status;
    const watch =
      limitMs === undefined
        ? undefined
        : watchBridges({ limitMs, health: () => status.bridges?.health() ?? {} });
    const got: NodeJS.Signals | BridgeDown | Error = await Promise.race([
      signal,
      gateway.storeRefused,
      ...(watch ? [watch.down] : []),
    ]);
    watch?.stop();
    if (typeof got === 'string') logger.info({ signal: got }, 'stopping gateway');
    else if (got instanceof Error) {
      // The background check after start found the store edited behind the node's back: serving
      // it would hand out history that no longer verifies, so stop and let a supervisor see it.
      const line = `the data dir's store failed verification (${got.message}): exiting with status 1`;
      logger.fatal({ err: got }, line);
      io.err(line);
    } else {
      const minutes = (got.downMs / 60_000).toFixed(1);
      const line = `bridge ${got.network} down for ${minutes} min (${got.state}${got.detail ? `: ${got.detail}` : ''}), over supervision.exitWhenDownMinutes: exiting with status 1 so a supervisor restarts the gateway`;
      logger.fatal({ ...got }, line);
      io.err(line);
    }
    try {
      await gateway.stop();
    } catch (err) {
      logger.error({ err }, 'gateway did not stop cleanly');
      return 1;
    }
    return typeof got === 'string' ? 0 : 1;
  },
};
