import { loadConfig } from '../../config/index.js';
import { createLogger } from '../../logging/logger.js';
import { CommandFailedError } from '../errors.js';
import type { CliIo, Command } from '../types.js';
import { p2pBanner, p2pExposure } from '../../p2p-banner.js';

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
 * throws the config error (exit 2); a failure to start or stop is exit 1.
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
      const { startGateway } = await import('../../gateway.js');
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
    const got = await signal;
    logger.info({ signal: got }, 'stopping gateway');
    try {
      await gateway.stop();
    } catch (err) {
      logger.error({ err }, 'gateway did not stop cleanly');
      return 1;
    }
    return 0;
  },
};
