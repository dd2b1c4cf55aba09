/**
 * The IRC ↔ Matrix world of the kill tests, with a gateway that may be SIGKILLed: a real ngircd,
 * a real Synapse, ircbob in #load on IRC, alice in the portal room on Matrix, and the gateway
 * (KillableGateway) linking both to the Multichat channel `load`. Plus reading a whole Matrix room
 * (the test client reads one page).
 */
import { startNgircd, type NgircdPeer } from '../../peers/ngircd.js';
import { startMatrixWorld, type MatrixWorld } from '../../integration/matrix-setup.js';
import { RawIrcClient } from '../../support/irc-client.js';
import { MatrixTestClient } from '../../support/matrix-client.js';
import { KillableGateway } from './killable-gateway.js';

export const IRC_CHANNEL = '#load';
/**
 * IRC clients that share the IRC → Matrix stream. ngircd handles about 3 lines a second from one
 * client (measured: 60 lines took 19 s), so one sender needs 11 minutes for 2,000 lines; spread
 * over 8 the stream runs at the gateway's pace instead of the server's per-client throttle.
 */
export const IRC_SENDERS = 8;
export const ALIAS = '#mc_load:localhost';

export interface IrcMatrixLoad {
  readonly ngircd: NgircdPeer;
  readonly world: MatrixWorld;
  readonly gateway: KillableGateway;
  readonly irc: RawIrcClient;
  /** ircbob1..ircbobN in #load: they say the IRC → Matrix stream between them. */
  readonly senders: readonly RawIrcClient[];
  readonly alice: MatrixTestClient;
  readonly room: string;
}

export async function startIrcMatrixLoad(): Promise<IrcMatrixLoad> {
  const w: { -readonly [K in keyof IrcMatrixLoad]?: IrcMatrixLoad[K] } = {};
  try {
    const ngircd = (w.ngircd = await startNgircd());
    const world = (w.world = await startMatrixWorld());
    const irc = (w.irc = await RawIrcClient.connect(ngircd.port, 'ircbob'));
    await irc.join(IRC_CHANNEL);
    const senders: RawIrcClient[] = (w.senders = []);
    for (let i = 1; i <= IRC_SENDERS; i++) {
      senders.push(await RawIrcClient.connect(ngircd.port, `ircbob${i}`));
      await senders[senders.length - 1]!.join(IRC_CHANNEL);
    }
    const { homeserverUrl, domain, registration, listen, userPrefix } = world.config;
    const gateway = (w.gateway = await KillableGateway.start({
      name: 'irc-matrix',
      probe: '/readyz',
      bridges: {
        irc: {
          networks: {
            local: {
              host: '127.0.0.1',
              port: ngircd.port,
              tls: false,
              nick: 'mcbridge',
              flood: { burst: 10, delayMs: 100 },
            },
          },
        },
        matrix: { homeserverUrl, domain, registration, listen, userPrefix },
      },
      links: [
        {
          channel: 'load',
          irc: { network: 'local', channel: IRC_CHANNEL },
          matrix: { room: ALIAS },
        },
      ],
    }));
    await irc.waitForLine((l) => l.command === 'JOIN' && l.nick === 'mcbridge', 30_000);
    const alice = (w.alice = await MatrixTestClient.register(world.synapse.url, 'alice'));
    const room = await alice.join(ALIAS);
    return { ngircd, world, gateway, irc, senders, alice, room };
  } catch (error) {
    await stopIrcMatrixLoad(w);
    throw error;
  }
}

export async function stopIrcMatrixLoad(w: Partial<IrcMatrixLoad> | undefined): Promise<void> {
  await Promise.all([w?.irc, ...(w?.senders ?? [])].map((c) => c?.quit().catch(() => undefined)));
  await w?.gateway?.destroy();
  await w?.world?.stop();
  await w?.ngircd?.stop();
}

/** Bodies of every m.room.message in `room`, oldest first (pages back through the room). */
export async function matrixBodies(alice: MatrixTestClient, room: string): Promise<string[]> {
  const bodies: string[] = [];
  let from: string | undefined;
  for (;;) {
    const page = await alice.call<{
      chunk: { type: string; content: { body?: string } }[];
      end?: string;
    }>(
      'GET',
      `/_matrix/client/v3/rooms/${encodeURIComponent(room)}/messages?dir=b&limit=500${from ? `&from=${encodeURIComponent(from)}` : ''}`,
    );
    for (const e of page.chunk)
      if (e.type === 'm.room.message' && typeof e.content.body === 'string')
        bodies.push(e.content.body);
    if (!page.end || page.chunk.length === 0) return bodies.reverse();
    from = page.end;
  }
}
