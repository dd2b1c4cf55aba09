/**
 * The world of the files end-to-end suite and bench: one `multichat start` process (its own
 * data dir, loopback ports, a `media:` section) bridging the Discord fake, a real Synapse
 * (authenticated media, the Synapse default), and optionally the Slack fake (Socket Mode) and a
 * real ngircd, all linked to the Multichat channel `general`. Each fake is the adapter's
 * operator-configured origin (cdnUrl, apiUrl, homeserverUrl), which the fetcher trusts, so the
 * gateway needs no `allowPrivateAddresses` and its address rules stay on for everything else.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDiscordFake, type DiscordFake } from '../peers/discord-fake/index.js';
import { FAST_LIMITS } from '../peers/discord-fake/harness.js';
import { freePort } from '../peers/free-port.js';
import {
  callApi,
  readGatewayLog,
  spawnGateway,
  stopGateway,
  waitForProbe,
  writeGatewayConfig,
  type SpawnedGateway,
} from '../peers/gateway-spawn.js';
import { startNgircd, type NgircdPeer } from '../peers/ngircd.js';
import { startSlackFake, type FakeChannel, type SlackFake } from '../peers/slack-fake/index.js';
import { startMatrixWorld, type MatrixWorld } from '../integration/matrix-setup.js';
import { RawIrcClient } from './irc-client.js';
import { MatrixTestClient } from './matrix-client.js';

const ADMIN = 'media-e2e-admin-token-0123456789abcd';
export const PORTAL = '#mc_general:localhost';

export interface MediaWorldOptions {
  /** The gateway's top-level `media:` section. */
  readonly media?: Record<string, unknown>;
  readonly slack?: boolean;
  readonly irc?: boolean;
  readonly logLevel?: string;
  /**
   * More Discord ⇄ Matrix links (`more1`, `more2`, …), each its own Discord channel and portal
   * room: messages of one link go in order, so crossings at once need several links.
   */
  readonly moreLinks?: number;
}

/** One of the extra Discord ⇄ Matrix links. */
export interface ExtraLink {
  readonly discordChannel: string;
  readonly room: string;
}

export interface MediaGateway {
  readonly httpUrl: string;
  readonly dir: string;
  /** The gateway process id (the bench reads its memory in /proc). */
  readonly pid: number;
  /** Calls the API with the admin token; throws unless 2xx. */
  api<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  /** Calls the API as `token` (a user's); throws unless 2xx. */
  apiAs<T = unknown>(token: string, method: string, path: string, body?: unknown): Promise<T>;
  /** A raw GET with the admin token, or none when `token` is ''. */
  get(pathOrUrl: string, token?: string): Promise<Response>;
  log(): string;
  metrics(): Promise<string>;
}

export interface MediaWorld {
  readonly discord: DiscordFake;
  readonly matrix: MatrixWorld;
  /** A Matrix person in the portal room, reading with authenticated media. */
  readonly alice: MatrixTestClient;
  readonly room: string;
  readonly slack?: { readonly fake: SlackFake; readonly channel: FakeChannel };
  readonly irc?: { readonly server: NgircdPeer; readonly bob: RawIrcClient };
  readonly gateway: MediaGateway;
  readonly more: readonly ExtraLink[];
  stop(): Promise<void>;
}

export async function startMediaWorld(options: MediaWorldOptions = {}): Promise<MediaWorld> {
  const stops: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
  };
  try {
    const discord = await startDiscordFake(FAST_LIMITS);
    stops.push(() => discord.stop());
    const matrix = await startMatrixWorld();
    stops.push(() => matrix.stop());
    const bridges: Record<string, unknown> = {
      discord: { token: discord.token, apiUrl: discord.apiUrl, cdnUrl: discord.cdnUrl },
      matrix: {
        homeserverUrl: matrix.config.homeserverUrl,
        domain: matrix.config.domain,
        registration: matrix.config.registration,
        listen: matrix.config.listen,
        userPrefix: matrix.config.userPrefix,
      },
    };
    const link: Record<string, unknown> = {
      channel: 'general',
      discord: { channel: discord.channel.id },
      matrix: { room: PORTAL },
    };
    let slack: MediaWorld['slack'];
    if (options.slack) {
      const fake = await startSlackFake({ pingIntervalMs: 2_000 });
      stops.push(() => fake.stop());
      slack = { fake, channel: fake.addChannel('general', { botMember: false }) };
      bridges['slack'] = {
        botToken: fake.botToken,
        apiUrl: fake.apiUrl,
        mode: 'socket',
        appToken: fake.appToken,
      };
      link['slack'] = { channel: '#general' };
    }
    let irc: MediaWorld['irc'];
    if (options.irc) {
      const server = await startNgircd();
      stops.push(() => server.stop());
      const bob = await RawIrcClient.connect(server.port, 'ircbob');
      stops.push(() => bob.quit());
      await bob.join('#proj');
      irc = { server, bob };
      bridges['irc'] = {
        networks: {
          local: {
            host: '127.0.0.1',
            port: server.port,
            tls: false,
            nick: 'mcgw',
            flood: { burst: 10, delayMs: 100 },
          },
        },
      };
      link['irc'] = { network: 'local', channel: '#proj' };
    }
    const extra = Array.from({ length: options.moreLinks ?? 0 }, (_, i) => ({
      name: `more${i + 1}`,
      discord: discord.addChannel(`more${i + 1}`).id,
    }));
    const links = [
      link,
      ...extra.map((e) => ({
        channel: e.name,
        discord: { channel: e.discord },
        matrix: { room: `#mc_${e.name}:localhost` },
      })),
    ];
    const gateway = await spawnMediaGateway(bridges, links, options, stops);
    if (irc) {
      await irc.bob.waitForLine((l) => l.command === 'JOIN' && l.nick === 'mcgw', 30_000);
    }
    const alice = await MatrixTestClient.register(matrix.synapse.url, 'alice');
    const room = await alice.join(PORTAL);
    const more: ExtraLink[] = [];
    for (const e of extra) {
      more.push({ discordChannel: e.discord, room: await alice.join(`#mc_${e.name}:localhost`) });
    }
    return {
      more,
      discord,
      matrix,
      alice,
      room,
      ...(slack && { slack }),
      ...(irc && { irc }),
      gateway,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function spawnMediaGateway(
  bridges: Record<string, unknown>,
  links: Record<string, unknown>[],
  options: MediaWorldOptions,
  stops: (() => Promise<unknown>)[],
): Promise<MediaGateway> {
  const dir = mkdtempSync(join(tmpdir(), 'mc-media-e2e-'));
  stops.push(async () => rmSync(dir, { recursive: true, force: true }));
  const httpPort = await freePort();
  const path = writeGatewayConfig(dir, {
    httpPort,
    p2pPort: await freePort(),
    adminToken: ADMIN,
    logLevel: options.logLevel ?? 'info',
    bridges,
    links,
  });
  // writeGatewayConfig knows no `media:` section; JSON is YAML, so it is added here.
  const config = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  writeFileSync(path, JSON.stringify({ ...config, media: options.media ?? {} }));
  const spawned: SpawnedGateway = spawnGateway(dir, path);
  stops.push(() => stopGateway(spawned));
  const httpUrl = `http://127.0.0.1:${httpPort}`;
  await waitForProbe(spawned, httpUrl, '/readyz', 'gateway', dir);
  const get = (pathOrUrl: string, token = ADMIN) =>
    fetch(pathOrUrl.startsWith('http') ? pathOrUrl : `${httpUrl}${pathOrUrl}`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
      signal: AbortSignal.timeout(30_000),
    });
  const apiAs = async <T>(token: string, method: string, p: string, body?: unknown) => {
    const answer = await callApi<T>(httpUrl, token, method, p, body);
    if (answer.status < 200 || answer.status > 299) {
      throw new Error(`${method} ${p} -> ${answer.status} ${answer.text}`);
    }
    return answer.body;
  };
  return {
    httpUrl,
    dir,
    pid: spawned.child.pid ?? 0,
    api: <T>(method: string, p: string, body?: unknown) => apiAs<T>(ADMIN, method, p, body),
    apiAs,
    get,
    log: () => readGatewayLog(dir),
    metrics: async () => (await get('/metrics')).text(),
  };
}
