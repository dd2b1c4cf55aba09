import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ConfigFileError,
  ConfigValidationError,
  MissingEnvVarError,
  loadConfig,
  parseConfig,
} from '../../../src/gateway/config/index.js';
import { problemsOf } from '../../support/config-problems.js';

const configDirs: string[] = [];
afterAll(async () => {
  for (const dir of configDirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function tempConfigDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mc-config-'));
  configDirs.push(dir);
  return dir;
}

describe('config defaults', () => {
  it('an empty config is the embedded default', () => {
    const config = parseConfig({}, {});
    expect(config.node).toEqual({
      dataDir: './data',
      listen: ['/ip4/0.0.0.0/tcp/0'],
      announce: [],
      bootstrap: [],
      mdns: true,
    });
    expect(config.http.host).toBe('127.0.0.1');
    expect(config.http.port).toBe(8080);
    expect(config.http.adminToken).toBeUndefined();
    expect(config.store).toEqual({ kind: 'sqlite', maxHeldInbound: 10_000 });
    expect(config.log).toEqual({ level: 'info', format: 'json' });
    expect(config.bridges).toEqual({});
    expect(config.links).toEqual([]);
  });

  it('fills defaults inside a partly given section', () => {
    const config = parseConfig({ http: { port: 9999 }, bridges: { discord: { token: 't' } } }, {});
    expect(config.http).toMatchObject({ host: '127.0.0.1', port: 9999 });
    // The adapter's schema (src/bridges/discord/config.ts) owns these defaults; the gateway
    // fills them when it validates, so what it hands the adapter is complete.
    expect(config.bridges.discord).toEqual({
      token: 't',
      apiUrl: 'https://discord.com/api',
      webhookName: 'Multichat',
      useWebhooks: true,
      memberEvents: true,
      typing: true,
      membershipNotices: false,
      backfill: { maxAgeHours: 24, maxMessages: 1_000 },
      presenceEvents: false,
      roles: {},
      maxAttachmentBytes: 10 * 1024 * 1024,
      cdnUrl: 'https://cdn.discordapp.com',
      maxRateLimitWaitMs: 10_000,
      slashCommand: true,
      readyTimeoutMs: 30_000,
    });
  });

  it('no --config and no MULTICHAT_CONFIG loads the embedded default', async () => {
    const loaded = await loadConfig(undefined, {});
    expect(loaded.source).toEqual({ kind: 'embedded' });
    expect(loaded.config.http.port).toBe(8080);
  });

  it('MULTICHAT_CONFIG names the file when --config is absent, and --config wins', async () => {
    const dir = await tempConfigDir();
    const a = join(dir, 'a.yaml');
    const b = join(dir, 'b.yaml');
    await writeFile(a, 'http:\n  port: 1111\n');
    await writeFile(b, 'http:\n  port: 2222\n');
    expect((await loadConfig(undefined, { MULTICHAT_CONFIG: a })).config.http.port).toBe(1111);
    expect((await loadConfig(b, { MULTICHAT_CONFIG: a })).config.http.port).toBe(2222);
  });

  it('a missing file and broken YAML are refused with the file named', async () => {
    const dir = await tempConfigDir();
    const bad = join(dir, 'bad.yaml');
    await writeFile(bad, 'http: [unclosed\n');
    await expect(loadConfig(join(dir, 'nope.yaml'), {})).rejects.toThrow(ConfigFileError);
    await expect(loadConfig(bad, {})).rejects.toThrow(/bad\.yaml: not valid YAML/);
  });
});

describe('environment expansion', () => {
  it('replaces ${VAR} before validation, also inside longer strings', () => {
    const config = parseConfig(
      {
        http: { adminToken: '${ADMIN}' },
        store: { kind: 'postgres', url: 'postgres://u:${PGPASS}@localhost/db' },
      },
      { ADMIN: 'secret-admin-0123456789abcdefghijkl', PGPASS: 'pw' },
    );
    expect(config.http.adminToken).toBe('secret-admin-0123456789abcdefghijkl');
    expect(config.store.url).toBe('postgres://u:pw@localhost/db');
  });

  it('a missing variable is an error naming the key and the variable', () => {
    expect(() => parseConfig({ bridges: { discord: { token: '${DISCORD_TOKEN}' } } }, {})).toThrow(
      new MissingEnvVarError('bridges.discord.token', 'DISCORD_TOKEN'),
    );
    expect(() => parseConfig({ bridges: { discord: { token: '${DISCORD_TOKEN}' } } }, {})).toThrow(
      'bridges.discord.token: environment variable DISCORD_TOKEN is not set',
    );
  });

  it('supports ${VAR:-fallback} and the $${ escape', () => {
    const config = parseConfig(
      {
        node: { dataDir: '${DATA:-/var/lib/mc}' },
        http: { adminToken: '$${X}-0123456789abcdefghijklmnopq' },
      },
      {},
    );
    expect(config.node.dataDir).toBe('/var/lib/mc');
    expect(config.http.adminToken).toBe('${X}-0123456789abcdefghijklmnopq');
  });
});

describe('config errors', () => {
  it('an unknown key is refused with the closest known key as a hint', () => {
    expect(problemsOf(() => parseConfig({ http: { prot: 80 } }, {}))).toEqual([
      'unknown key http.prot — did you mean http.port?',
    ]);
    expect(problemsOf(() => parseConfig({ nodes: {} }, {}))).toEqual([
      'unknown key nodes — did you mean node?',
    ]);
  });

  it('hints keys inside records and arrays too', () => {
    const problems = problemsOf(() =>
      parseConfig(
        {
          bridges: { irc: { networks: { libera: { host: 'irc.example', nik: 'x' } } } },
          links: [{ chanel: 'general', irc: { network: 'libera', channel: '#a' } }],
        },
        {},
      ),
    );
    expect(problems).toContain(
      'unknown key bridges.irc.networks.libera.nik — did you mean bridges.irc.networks.libera.nick?',
    );
    expect(problems).toContain('unknown key links[0].chanel — did you mean links[0].channel?');
  });

  it('an unknown key with no near match lists the known keys', () => {
    expect(problemsOf(() => parseConfig({ log: { zzzzzzzz: 1 } }, {}))).toEqual([
      'unknown key log.zzzzzzzz — known keys: level, format',
    ]);
  });

  it('a wrong type names the key, the expected type and the value', () => {
    expect(problemsOf(() => parseConfig({ http: { port: 'eighty' } }, {}))).toEqual([
      'http.port: expected number, got "eighty"',
    ]);
    expect(problemsOf(() => parseConfig({ http: { port: 70000 } }, {}))).toEqual([
      'http.port: expected <= 65535, got 70000',
    ]);
    expect(problemsOf(() => parseConfig({ log: { format: 'xml' } }, {}))).toEqual([
      'log.format: expected one of "json" | "pretty", got "xml"',
    ]);
    expect(
      problemsOf(() => parseConfig({ node: { bootstrap: ['/ip4/10.0.0.1/tcp/4747'] } }, {})),
    ).toEqual([
      'node.bootstrap[0]: expected a string containing "/p2p/", got "/ip4/10.0.0.1/tcp/4747"',
    ]);
    expect(problemsOf(() => parseConfig({ node: { announce: ['example.org:4747'] } }, {}))).toEqual(
      ['node.announce[0]: expected a string starting with "/", got "example.org:4747"'],
    );
  });

  it('postgres without a url is refused naming store.url', () => {
    const problems = problemsOf(() => parseConfig({ store: { kind: 'postgres' } }, {}));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^store\.url: is required when store\.kind is postgres/);
  });

  it('a required bridge key is named when missing', () => {
    expect(
      problemsOf(() => parseConfig({ bridges: { matrix: { domain: 'example.org' } } }, {})),
    ).toEqual(['bridges.matrix.homeserverUrl: is required (expected string)']);
  });

  it('a link to an unconfigured network is refused', () => {
    const problems = problemsOf(() =>
      parseConfig({ links: [{ channel: 'general', slack: { channel: 'C1' } }] }, {}),
    );
    expect(problems).toEqual([
      'links[0].slack: links to slack but bridges.slack is not configured, got {"channel":"C1"}',
    ]);
  });

  it('the error message lists every problem', () => {
    expect(() => parseConfig({ http: { port: 'x', prot: 1 } }, {})).toThrow(
      /invalid config:\n {2}- http\.port: expected number, got "x"\n {2}- unknown key http\.prot/,
    );
  });
});

describe('config/example.yaml', () => {
  it('is valid once its environment variables are set', async () => {
    const env = {
      MULTICHAT_ADMIN_TOKEN: 'a'.repeat(32),
      IRC_SASL_PASSWORD: 'b',
      DISCORD_TOKEN: 'c',
      SLACK_BOT_TOKEN: 'd',
      SLACK_SIGNING_SECRET: 'e',
      SLACK_APP_TOKEN: 'f',
    };
    const { config } = await loadConfig(
      new URL('../../../config/example.yaml', import.meta.url).pathname,
      env,
    );
    expect(config.bridges.irc?.networks.libera?.sasl?.password).toBe('b');
    expect(config.links[0]?.irc).toEqual({ network: 'libera', channel: '#proj' });
    expect(config.node.listen).toEqual(['/ip4/0.0.0.0/tcp/4747']);
  });

  it('names the first missing variable', async () => {
    await expect(
      loadConfig(new URL('../../../config/example.yaml', import.meta.url).pathname, {}),
    ).rejects.toThrow('http.adminToken: environment variable MULTICHAT_ADMIN_TOKEN is not set');
  });
});

describe('config errors never print a secret', () => {
  // Each secret key of the config, as the path to put a bad value at (bridges need their other
  // required keys so the only problem is the secret).
  const ircNet = (extra: Record<string, unknown>) => ({
    bridges: { irc: { networks: { libera: { host: 'irc.example', ...extra } } } },
  });
  const slack = (extra: Record<string, unknown>) => ({
    bridges: { slack: { botToken: 'xoxb-ok', appToken: 'xapp-ok', ...extra } },
  });
  const cases: [string, (v: unknown) => Record<string, unknown>][] = [
    ['http.adminToken', (v) => ({ http: { adminToken: v } })],
    ['http.metricsToken', (v) => ({ http: { metricsToken: v } })],
    ['bridges.discord.token', (v) => ({ bridges: { discord: { token: v } } })],
    ['bridges.slack.botToken', (v) => slack({ botToken: v })],
    ['bridges.slack.appToken', (v) => slack({ appToken: v })],
    ['bridges.slack.signingSecret', (v) => slack({ signingSecret: v })],
    ['bridges.irc.networks.libera.password', (v) => ircNet({ password: v })],
    [
      'bridges.irc.networks.libera.sasl.password',
      (v) => ircNet({ sasl: { user: 'u', password: v } }),
    ],
    ['bridges.irc.networks.libera.nickserv.password', (v) => ircNet({ nickserv: { password: v } })],
  ];
  const values: [string, unknown][] = [
    ['a number', 987654321],
    ['an array', ['MTIzSECRETabc']],
    ['a mapping', { nested: 'MTIzSECRETabc' }],
  ];

  for (const [key, build] of cases) {
    for (const [kind, value] of values) {
      it(`${key} given ${kind} names the key and the type, not the value`, () => {
        const problems = problemsOf(() => parseConfig(build(value), {}));
        expect(problems).toEqual([`${key}: expected string, got ${kind} (value hidden)`]);
        const text = problems.join('\n');
        expect(text).not.toContain('987654321');
        expect(text).not.toContain('SECRET');
      });
    }
  }

  it('YAML turns `password: 123456` into a number: the error hides it', async () => {
    const dir = await tempConfigDir();
    const file = join(dir, 'irc.yaml');
    await writeFile(
      file,
      'bridges:\n  irc:\n    networks:\n      libera:\n        host: irc.example\n' +
        '        password: 123456\n',
    );
    const err = await loadConfig(file, {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigValidationError);
    expect((err as Error).message).toContain(
      'bridges.irc.networks.libera.password: expected string, got a number (value hidden)',
    );
    expect((err as Error).message).not.toContain('123456');
  });

  it('a secret nested under a wrongly typed parent is hidden too', () => {
    const problems = problemsOf(() =>
      parseConfig(ircNet({ sasl: [{ user: 'u', password: 'hunter2-SECRET' }] }), {}),
    );
    expect(problems.join('\n')).toContain('bridges.irc.networks.libera.sasl: expected object');
    expect(problems.join('\n')).not.toContain('SECRET');
  });

  it('URL credentials never appear in an error', () => {
    const problems = problemsOf(() =>
      parseConfig({ store: { kind: 'postgres', url: ['postgres://u:pw-SECRET@h/db'] } }, {}),
    );
    expect(problems.join('\n')).toContain('store.url: expected string');
    expect(problems.join('\n')).not.toContain('SECRET');
  });

  it('broken YAML around a secret is reported by position, without the line', async () => {
    const dir = await tempConfigDir();
    const file = join(dir, 'broken.yaml');
    await writeFile(file, 'http:\n  adminToken: [hunter2-SECRET\n');
    const err = await loadConfig(file, {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigFileError);
    expect((err as Error).message).toMatch(/broken\.yaml: not valid YAML: .*line \d+, column \d+/);
    expect((err as Error).message).not.toContain('SECRET');
  });

  it('http.adminToken and http.metricsToken need 32 characters; the error hides the token', () => {
    expect(problemsOf(() => parseConfig({ http: { adminToken: 'short-SECRET' } }, {}))).toEqual([
      'http.adminToken: expected length >= 32, got a string of 12 characters (value hidden)',
    ]);
    expect(problemsOf(() => parseConfig({ http: { metricsToken: 'x'.repeat(31) } }, {}))).toEqual([
      'http.metricsToken: expected length >= 32, got a string of 31 characters (value hidden)',
    ]);
    expect(parseConfig({ http: { adminToken: 'a'.repeat(32) } }, {}).http.adminToken).toHaveLength(
      32,
    );
  });
});

describe('http event stream and metrics keys', () => {
  it('default to 5 streams per token and a 1 MiB stream buffer, no metrics token', () => {
    const { http } = parseConfig({}, {});
    expect(http.maxStreamsPerToken).toBe(5);
    expect(http.streamBufferBytes).toBe(1024 * 1024);
    expect(http.metricsToken).toBeUndefined();
  });

  it('refuses a zero stream cap and a buffer under 1 KiB, naming the key', () => {
    expect(problemsOf(() => parseConfig({ http: { maxStreamsPerToken: 0 } }, {}))).toEqual([
      'http.maxStreamsPerToken: expected > 0, got 0',
    ]);
    expect(problemsOf(() => parseConfig({ http: { streamBufferBytes: 100 } }, {}))).toEqual([
      'http.streamBufferBytes: expected >= 1024, got 100',
    ]);
  });
});
