/**
 * Issue 23, secrets: one gateway configured with every secret the config knows — admin and
 * metrics tokens, the Discord bot token, Slack's bot token, app token and signing secret, the IRC
 * server password and NickServ password, the Matrix as_token/hs_token (in the registration file),
 * the PostgreSQL password of the mapping store — runs its bridges against ngircd, Synapse,
 * PostgreSQL and the Discord and Slack fakes, carries a message, and is poked with wrong
 * credentials. Then no secret may appear in its stdout/stderr (gateway.log, debug level) or in
 * any file under the data dir, and the data dir is 0700 with every file in it 0600.
 *
 * Where secrets must be stored, outside the data dir: the config file the operator wrote and the
 * Matrix registration file (Synapse reads the tokens from it). Neither is searched. SASL is not
 * configured (ngircd offers no SASL; the password would only be refused).
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDiscordFake, type DiscordFake } from '../peers/discord-fake/index.js';
import { freePort } from '../peers/free-port.js';
import { startNgircd, type NgircdPeer } from '../peers/ngircd.js';
import { findPostgresBin, startPostgres, type PostgresPeer } from '../peers/postgres.js';
import { startSlackFake, type SlackFake } from '../peers/slack-fake/index.js';
import { startMatrixWorld, type MatrixWorld } from '../integration/matrix-setup.js';
import { RawIrcClient } from '../support/irc-client.js';
import { eventually } from '../support/eventually.js';
import { matrixIrcAvailable } from '../support/matrix-irc-world.js';
import { KILLABLE_ADMIN_TOKEN, KillableGateway } from './support/killable-gateway.js';

const METRICS_TOKEN = 'metrics-secret-token-5f1c0e9a7b3d2c4e6f80';
const DISCORD_TOKEN = 'discord-secret-bot-token-8d7e6f5a4b3c2d1e0f';
const IRC_PASSWORD = 'irc-server-secret-pass-2b4d6f8a';
const NICKSERV_PASSWORD = 'nickserv-secret-pass-9c7a5e3b';
const PG_PASSWORD = 'pg-secret-pass-1a3c5e7g9i';

const available = matrixIrcAvailable() && findPostgresBin() !== undefined;

let ngircd: NgircdPeer | undefined;
let matrix: MatrixWorld | undefined;
let discord: DiscordFake | undefined;
let slack: SlackFake | undefined;
let postgres: PostgresPeer | undefined;
let irc: RawIrcClient | undefined;
let gateway: KillableGateway | undefined;

beforeAll(async () => {
  if (!available) return;
  ngircd = await startNgircd({ password: IRC_PASSWORD });
  matrix = await startMatrixWorld();
  discord = await startDiscordFake({ token: DISCORD_TOKEN });
  slack = await startSlackFake();
  postgres = await startPostgres();
  const slackPort = await freePort();
  slack.useHttp(`http://127.0.0.1:${slackPort}/slack/events`);
  slack.addChannel('general', { botMember: false });
  irc = await RawIrcClient.connect(ngircd.port, 'ircbob', IRC_PASSWORD);
  await irc.join('#sec');
  const { homeserverUrl, domain, registration, listen, userPrefix } = matrix.config;
  gateway = await KillableGateway.start({
    name: 'secrets',
    probe: '/readyz',
    logLevel: 'debug',
    http: { metricsToken: METRICS_TOKEN },
    sections: {
      store: {
        kind: 'postgres',
        url: postgres.url.replace('postgres@', `postgres:${PG_PASSWORD}@`),
      },
    },
    bridges: {
      irc: {
        networks: {
          local: {
            host: '127.0.0.1',
            port: ngircd.port,
            tls: false,
            nick: 'mcsec',
            password: IRC_PASSWORD,
            nickserv: { password: NICKSERV_PASSWORD },
          },
        },
      },
      matrix: { homeserverUrl, domain, registration, listen, userPrefix },
      discord: { token: DISCORD_TOKEN, apiUrl: discord.apiUrl },
      slack: {
        botToken: slack.botToken,
        appToken: slack.appToken,
        signingSecret: slack.signingSecret,
        apiUrl: slack.apiUrl,
        mode: 'http',
        listen: { host: '127.0.0.1', port: slackPort },
      },
    },
    links: [
      {
        channel: 'sec',
        irc: { network: 'local', channel: '#sec' },
        discord: { channel: discord.channel.id },
        slack: { channel: '#general' },
        matrix: { room: '#mc_sec:localhost' },
      },
    ],
  });
}, 240_000);

afterAll(async () => {
  await irc?.quit().catch(() => undefined);
  await gateway?.destroy();
  await Promise.all([
    matrix?.stop(),
    ngircd?.stop(),
    discord?.stop(),
    slack?.stop(),
    postgres?.stop(),
  ]);
}, 60_000);

/** Every file under `dir`, recursively; with `folders`, the folders too. */
function filesUnder(dir: string, folders = false): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    return e.isDirectory() ? [...(folders ? [path] : []), ...filesUnder(path, folders)] : [path];
  });
}

describe.skipIf(!available)('secrets of a gateway running every bridge', () => {
  it('appear in no output and no file of the data dir, which is 0700 with files 0600', async () => {
    const gw = gateway!;
    const secrets: Record<string, string> = {
      adminToken: KILLABLE_ADMIN_TOKEN,
      metricsToken: METRICS_TOKEN,
      discordToken: DISCORD_TOKEN,
      slackBotToken: slack!.botToken,
      slackAppToken: slack!.appToken,
      slackSigningSecret: slack!.signingSecret,
      ircPassword: IRC_PASSWORD,
      nickservPassword: NICKSERV_PASSWORD,
      matrixAsToken: matrix!.registration.as_token,
      matrixHsToken: matrix!.registration.hs_token,
      postgresPassword: PG_PASSWORD,
    };
    // Traffic: a line from IRC reaches Discord (every bridge carried something by then).
    await irc!.waitForLine((l) => l.command === 'JOIN' && l.nick === 'mcsec', 30_000);
    irc!.say('#sec', 'secret-free hello');
    await eventually(
      () =>
        [...discord!.state.messages.values()].some((m) => m.content.includes('secret-free hello')),
      { what: 'the IRC line on Discord', timeoutMs: 30_000 },
    );
    // A user token, the metrics endpoint, and wrong credentials everywhere the gateway listens.
    const user = await gw.ok<{ token: string }>('POST', '/api/v1/users', { username: 'sec' });
    secrets['userToken'] = user.token;
    expect((await gw.api('GET', '/api/v1/channels', undefined, user.token)).status).toBe(200);
    expect((await gw.metrics(METRICS_TOKEN)).status).toBe(200);
    expect((await gw.api('GET', '/api/v1/status', undefined, 'wrong-token')).status).toBe(401);
    const hsWrong = await fetch(
      `http://127.0.0.1:${matrix!.config.listen.port}/_matrix/app/v1/transactions/1?access_token=wrong`,
      { method: 'PUT', body: '{}', headers: { 'content-type': 'application/json' } },
    );
    expect(hsWrong.status).toBeGreaterThanOrEqual(400);
    await gw.stop();

    const output = gw.log();
    expect(output.length).toBeGreaterThan(1000); // debug logging did run
    const data = join(gw.dir, 'data');
    const files = filesUnder(data);
    const leaks: string[] = [];
    for (const [name, value] of Object.entries(secrets)) {
      if (output.includes(value)) leaks.push(`${name} in gateway.log`);
      for (const file of files)
        if (readFileSync(file).includes(value)) leaks.push(`${name} in ${file.slice(data.length)}`);
    }
    expect(leaks).toEqual([]);
    // Folders 0700, files 0600: nothing readable by another local user.
    const open = [data, ...filesUnder(data, true)]
      .map((path) => ({ path: path.slice(data.length) || '/', stat: statSync(path) }))
      .filter(({ stat }) => (stat.mode & 0o777) !== (stat.isDirectory() ? 0o700 : 0o600))
      .map(({ path, stat }) => `${path} ${(stat.mode & 0o777).toString(8)}`);
    expect(open).toEqual([]);
    // The search can find a secret: the operator's config file holds several of them.
    const config = readFileSync(join(gw.dir, 'config.json'), 'utf8');
    for (const value of [KILLABLE_ADMIN_TOKEN, METRICS_TOKEN, DISCORD_TOKEN, IRC_PASSWORD])
      expect(config.includes(value)).toBe(true);
    expect(statSync(data).mode & 0o777).toBe(0o700);
    console.log(
      JSON.stringify({
        scenario: 'secrets',
        secrets: Object.keys(secrets).length,
        files: files.map((f) => f.slice(data.length)),
        logBytes: output.length,
        leaks: leaks.length,
      }),
    );
  }, 120_000);
});
