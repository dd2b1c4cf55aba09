/**
 * The world the IRC ↔ Matrix end-to-end suites share: a real ngircd, a real Synapse, ircbob on
 * IRC in one channel, `multichat start` as its own process linking that channel to a portal
 * alias, and alice registered on Synapse and joined to the portal room. One place, so each
 * suite states only what it tests.
 */
import { findNgircd, startNgircd, type NgircdPeer } from '../peers/ngircd.js';
import {
  startGatewayProcess,
  startMatrixWorld,
  synapseAvailable,
  type GatewayProcess,
  type MatrixWorld,
} from '../integration/matrix-setup.js';
import { RawIrcClient } from './irc-client.js';
import { MatrixTestClient } from './matrix-client.js';

export interface MatrixIrcOptions {
  /** The Multichat channel name. */
  readonly channel: string;
  /** The IRC channel ircbob creates (so ngircd makes him op) and the bridge joins. */
  readonly ircChannel: string;
  /** The Matrix portal alias, as `#mc_…:localhost`. */
  readonly alias: string;
  /** IRC mode of the network; the gateway's default when absent. */
  readonly mode?: 'puppet';
  /** alice's Matrix display name, set before she joins; none when absent. */
  readonly aliceDisplayName?: string;
}

export interface MatrixIrcWorld {
  readonly ngircd: NgircdPeer;
  readonly world: MatrixWorld;
  readonly gateway: GatewayProcess;
  readonly irc: RawIrcClient;
  readonly alice: MatrixTestClient;
  /** The portal room id alice joined. */
  readonly room: string;
}

/** True when ngircd and Synapse are here; in CI a missing ngircd is an error, not a skip. */
export function matrixIrcAvailable(): boolean {
  const ircInstalled = findNgircd() !== undefined;
  if (!ircInstalled && process.env.CI === 'true')
    throw new Error('ngircd is missing in CI: run .ci/install-ngircd.sh first');
  return ircInstalled && synapseAvailable();
}

/** Starts the whole world; resolves once the bridge has joined on IRC and alice is in the room. */
export async function startMatrixIrcWorld(options: MatrixIrcOptions): Promise<MatrixIrcWorld> {
  // Filled as each part starts, so a failure part way stops what did start.
  const w: { -readonly [K in keyof MatrixIrcWorld]?: MatrixIrcWorld[K] } = {};
  try {
    const ngircd = (w.ngircd = await startNgircd());
    const world = (w.world = await startMatrixWorld());
    const irc = (w.irc = await RawIrcClient.connect(ngircd.port, 'ircbob'));
    await irc.join(options.ircChannel);
    const { homeserverUrl, domain, registration, listen, userPrefix } = world.config;
    const gateway = (w.gateway = await startGatewayProcess({
      bridges: {
        irc: {
          networks: {
            local: {
              host: '127.0.0.1',
              port: ngircd.port,
              tls: false,
              nick: 'mcbridge',
              ...(options.mode ? { mode: options.mode } : {}),
              flood: { burst: 10, delayMs: 100 },
            },
          },
        },
        matrix: { homeserverUrl, domain, registration, listen, userPrefix },
      },
      links: [
        {
          channel: options.channel,
          irc: { network: 'local', channel: options.ircChannel },
          matrix: { room: options.alias },
        },
      ],
    }));
    await irc.waitForLine((l) => l.command === 'JOIN' && l.nick === 'mcbridge', 30_000);
    const alice = await MatrixTestClient.register(world.synapse.url, 'alice');
    if (options.aliceDisplayName !== undefined)
      await alice.call(
        'PUT',
        `/_matrix/client/v3/profile/${encodeURIComponent(alice.userId)}/displayname`,
        { displayname: options.aliceDisplayName },
      );
    const room = await alice.join(options.alias);
    return { ngircd, world, gateway, irc, alice, room };
  } catch (error) {
    await stopMatrixIrcWorld(w);
    throw error;
  }
}

/** Stops what started, in reverse order; safe on a partly started world. */
export async function stopMatrixIrcWorld(w: Partial<MatrixIrcWorld> | undefined): Promise<void> {
  await w?.irc?.quit().catch(() => undefined);
  await w?.gateway?.stop();
  await w?.world?.stop();
  await w?.ngircd?.stop();
}
