import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNode } from '../../src/core/index.js';
import { main } from '../../src/gateway/cli/main.js';
import { startDiscordFake, type DiscordFake } from '../peers/discord-fake/index.js';
import { freePort } from '../peers/free-port.js';
import { startNgircd, type NgircdPeer } from '../peers/ngircd.js';
import { SlackFake } from '../peers/slack-fake/index.js';
import { startMatrixWorld, synapseAvailable, type MatrixWorld } from './matrix-setup.js';

let dir: string;
let discord: DiscordFake;
let slack: SlackFake;
let irc: NgircdPeer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mc-doctor-'));
  // A real store to run integrity_check on.
  const node = await createNode({ dataDir: join(dir, 'data'), sweepIntervalMs: 0 });
  await node.stop();
  [discord, slack, irc] = await Promise.all([startDiscordFake(), SlackFake.start(), startNgircd()]);
}, 60_000);

afterAll(async () => {
  await Promise.all([discord?.stop(), slack?.stop(), irc?.stop()]);
  await rm(dir, { recursive: true, force: true });
});

async function doctor(yaml: string, env: Record<string, string> = {}) {
  const file = join(dir, `c${Math.random().toString(36).slice(2)}.yaml`);
  await writeFile(file, yaml);
  const out: string[] = [];
  const code = await main(['doctor', '--config', file], {
    out: (l) => out.push(l),
    err: (l) => out.push(l),
    env,
  });
  return { code, text: out.join('\n') };
}

async function config(discordToken: string, ircPort: number): Promise<string> {
  return (
    [
      `node: { dataDir: ${join(dir, 'data')}, listen: ["/ip4/127.0.0.1/tcp/${await freePort()}"], mdns: false }`,
      `http: { port: ${await freePort()} }`,
      'bridges:',
      `  discord: { token: "\${DISCORD_TOKEN}", apiUrl: "${discord.apiUrl}", cdnUrl: "${discord.cdnUrl}" }`,
      `  slack: { botToken: ${slack.botToken}, appToken: ${slack.appToken}, apiUrl: "${slack.apiUrl}" }`,
      `  irc: { networks: { local: { host: 127.0.0.1, port: ${ircPort}, tls: false, nick: doc } } }`,
      '',
    ].join('\n') + `# token ${discordToken.length}\n`
  );
}

describe('multichat doctor (issue 21)', () => {
  it('passes with good credentials: store, P2P, Discord, Slack and IRC checked', async () => {
    const res = await doctor(await config(discord.token, irc.port), {
      DISCORD_TOKEN: discord.token,
    });
    expect(res.text).toMatch(/^ok {4}multichat\.db: integrity_check ok$/m);
    expect(res.text).toMatch(/^ok {4}p2p \/ip4\/127\.0\.0\.1\/tcp\/\d+: can listen$/m);
    expect(res.text).toMatch(/^ok {4}discord: token accepted/m);
    expect(res.text).toMatch(/^ok {4}slack bot: botToken accepted/m);
    // The fake, like Slack, allows one connections.open a minute: a second run is a warning.
    expect(res.text).toMatch(/^ok {4}slack socket: appToken accepted/m);
    expect(res.text).toMatch(/^ok {4}irc local: registered on 127\.0\.0\.1:\d+ as doc/m);
    expect(res.text).toContain('all checks passed');
    expect(res.code).toBe(0);
  });

  it('a refused Discord token and an unreachable IRC server are named with the fix, exit 1', async () => {
    const closed = await freePort();
    const res = await doctor(await config('wrong', closed), { DISCORD_TOKEN: 'not-the-token' });
    expect(res.code).toBe(1);
    expect(res.text).toMatch(/^FAIL {2}discord: bridges\.discord\.token was refused \(401\)$/m);
    expect(res.text).toMatch(/fix: copy the bot token again/);
    expect(res.text).toMatch(
      /^FAIL {2}irc local: cannot connect to 127\.0\.0\.1:\d+: ECONNREFUSED$/m,
    );
    expect(res.text).toMatch(/^ok {4}slack bot/m);
    expect(res.text).toContain('2 checks failed');
  });

  it('a config with problems lists them all and stops there, exit 1', async () => {
    const res = await doctor(
      'http: { port: eighty }\nbridges: { discord: { token: "${NOPE}" } }\n',
    );
    expect(res.code).toBe(1);
    expect(res.text).toContain('environment variable NOPE is not set');
    expect(res.text).toContain('http.port');
    expect(res.text).not.toContain('discord: token');
  });
});

describe.skipIf(!synapseAvailable())('multichat doctor against Synapse (issue 21)', () => {
  let world: MatrixWorld;
  beforeAll(async () => {
    world = await startMatrixWorld();
  }, 180_000);
  afterAll(async () => {
    await world?.stop();
  });

  const matrixConfig = (registration: string): string =>
    [
      `node: { dataDir: ${join(dir, 'data')}, listen: [], mdns: false }`,
      'bridges:',
      `  matrix: { homeserverUrl: "${world.synapse.url}", domain: localhost, registration: "${registration}" }`,
      '',
    ].join('\n');

  it('whoami as the appservice passes for the loaded registration, fails for an unknown one', async () => {
    const good = await doctor(matrixConfig(world.config.registration));
    expect(good.text).toMatch(/^ok {4}matrix: appservice accepted as @multichat:localhost$/m);
    expect(good.code).toBe(0);
    const other = join(dir, 'other-registration.yaml');
    await writeFile(other, 'id: other\nas_token: not-a-token-synapse-knows\nhs_token: x\n');
    const bad = await doctor(matrixConfig(other));
    expect(bad.code).toBe(1);
    expect(bad.text).toMatch(
      /^FAIL {2}matrix: whoami as the appservice answered 401 M_UNKNOWN_TOKEN$/m,
    );
    expect(bad.text).toContain('app_service_config_files');
  });
});
