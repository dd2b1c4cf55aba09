/**
 * Starts a real Synapse (PyPI `matrix-synapse` in the ignored virtualenv `.peers/synapse-venv`)
 * for the Matrix suites: a config written here on a free loopback port, SQLite, no federation
 * listener, registration open without verification, generous rate limits and the given
 * appservice registrations wired in. `kill()` + `restart()` keep the port, database and keys, so
 * an outage test sees the same homeserver come back.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port.js';
import { eventually } from '../support/eventually.js';
import { terminate } from './terminate.js';

const run = promisify(execFile);

/** The virtualenv Synapse lives in (ignored by git; CI fills it with .ci/install-synapse.sh). */
export const SYNAPSE_VENV = resolve(import.meta.dirname, '../../.peers/synapse-venv');
const PYTHON = join(SYNAPSE_VENV, 'bin', 'python');

export interface SynapseOptions {
  /** Appservice registration files to load (they must exist before the start). */
  readonly appServices?: readonly string[];
  /** The server name (the part after `:` in user ids). Default `localhost`. */
  readonly serverName?: string;
  /**
   * Turns on the experimental options an encrypting appservice needs (docs/matrix.md,
   * "Encrypted rooms"): to-device messages (MSC2409/MSC4203) and one-time-key counts and
   * device lists (MSC3202) in transactions. Off by default, as in a stock Synapse.
   */
  readonly appserviceEncryption?: boolean;
}

export interface SynapsePeer {
  /** e.g. http://127.0.0.1:45123 */
  readonly url: string;
  readonly serverName: string;
  readonly port: number;
  /** Its SQLite database file (to check what it stored). */
  readonly databasePath: string;
  /** Stops the server (SIGTERM, then SIGKILL) and keeps its folder for `restart()`. */
  kill(): Promise<void>;
  /** Starts it again on the same port and waits until the client API answers. */
  restart(): Promise<void>;
  /** Stops the server and deletes its folder. Idempotent. */
  stop(): Promise<void>;
  /** The tail of what Synapse wrote, for failure messages. */
  output(): string;
}

/** True when the virtualenv holds an importable Synapse (checked without running Python). */
export function synapseInstalled(): boolean {
  if (!existsSync(PYTHON)) return false;
  const lib = join(SYNAPSE_VENV, 'lib');
  if (!existsSync(lib)) return false;
  return readdirSync(lib).some((py) => existsSync(join(lib, py, 'site-packages', 'synapse')));
}

/**
 * Installs Synapse into the virtualenv when it is missing (`python3 -m venv` + `pip install
 * matrix-synapse`, a few minutes once per machine). Throws with pip's output when that fails.
 */
export async function ensureSynapse(): Promise<void> {
  if (synapseInstalled()) return;
  mkdirSync(resolve(SYNAPSE_VENV, '..'), { recursive: true });
  await run('python3', ['-m', 'venv', SYNAPSE_VENV], { timeout: 120_000 });
  await run(
    join(SYNAPSE_VENV, 'bin', 'pip'),
    ['install', '--quiet', '--disable-pip-version-check', 'matrix-synapse'],
    {
      timeout: 900_000,
      maxBuffer: 16 * 1024 * 1024,
    },
  );
}

const fast = { per_second: 10_000, burst_count: 10_000 };

function configText(
  dir: string,
  port: number,
  serverName: string,
  appServices: readonly string[],
  appserviceEncryption: boolean,
): string {
  const lines = {
    server_name: serverName,
    pid_file: join(dir, 'homeserver.pid'),
    public_baseurl: `http://127.0.0.1:${port}/`,
    listeners: [
      {
        port,
        bind_addresses: ['127.0.0.1'],
        type: 'http',
        tls: false,
        x_forwarded: false,
        resources: [{ names: ['client'], compress: false }],
      },
    ],
    database: { name: 'sqlite3', args: { database: join(dir, 'homeserver.db') } },
    log_config: join(dir, 'log.yaml'),
    media_store_path: join(dir, 'media'),
    signing_key_path: join(dir, 'signing.key'),
    registration_shared_secret: 'multichat-test-shared-secret',
    macaroon_secret_key: 'multichat-test-macaroon-secret',
    form_secret: 'multichat-test-form-secret',
    report_stats: false,
    trusted_key_servers: [],
    suppress_key_server_warning: true,
    enable_registration: true,
    enable_registration_without_verification: true,
    app_service_config_files: [...appServices],
    presence: { enabled: true },
    url_preview_enabled: false,
    rc_message: fast,
    rc_registration: fast,
    rc_login: { address: fast, account: fast, failed_attempts: fast },
    rc_joins: { local: fast, remote: fast },
    rc_joins_per_room: fast,
    rc_invites: { per_room: fast, per_user: fast, per_issuer: fast },
    rc_admin_redaction: fast,
    rc_media_create: fast,
    rc_room_creation: fast,
    rc_presence: { per_user: fast },
    rc_delayed_event_mgmt: fast,
    ...(appserviceEncryption && {
      experimental_features: {
        msc2409_to_device_messages_enabled: true,
        msc3202_transaction_extensions: true,
      },
    }),
  };
  // JSON is valid YAML, and needs no YAML library here.
  return JSON.stringify(lines, null, 2);
}

const LOG_CONFIG = `version: 1
formatters:
  plain:
    format: '%(asctime)s %(levelname)s %(name)s %(message)s'
handlers:
  console:
    class: logging.StreamHandler
    formatter: plain
root:
  level: WARNING
  handlers: [console]
disable_existing_loggers: false
`;

/** Resolves once GET /_matrix/client/versions answers 200; rejects after `ms`. */
export async function waitForSynapse(
  url: string,
  ms = 90_000,
  alive: () => boolean = () => true,
): Promise<void> {
  // A failed fetch (not listening yet) counts as "not yet"; an exit ends the wait early.
  const state = await eventually(
    async () => {
      if (!alive()) return 'exited';
      const res = await fetch(`${url}/_matrix/client/versions`, {
        signal: AbortSignal.timeout(2_000),
      });
      return res.ok && 'up';
    },
    { what: `Synapse to answer at ${url}`, timeoutMs: ms, intervalMs: 200 },
  );
  if (state === 'exited') throw new Error('Synapse exited during startup');
}

/**
 * Starts Synapse on a free port (installing it first when missing).
 * @throws with Synapse's output when it does not come up.
 */
export async function startSynapse(options: SynapseOptions = {}): Promise<SynapsePeer> {
  await ensureSynapse();
  const serverName = options.serverName ?? 'localhost';
  const dir = mkdtempSync(join(tmpdir(), 'mc-synapse-'));
  const port = await freePort();
  const conf = join(dir, 'homeserver.yaml');
  writeFileSync(
    conf,
    configText(
      dir,
      port,
      serverName,
      options.appServices ?? [],
      options.appserviceEncryption ?? false,
    ),
  );
  writeFileSync(join(dir, 'log.yaml'), LOG_CONFIG);
  await run(PYTHON, ['-m', 'synapse.app.homeserver', '--config-path', conf, '--generate-keys'], {
    cwd: dir,
    timeout: 120_000,
  });
  const url = `http://127.0.0.1:${port}`;

  let child: ChildProcess | undefined;
  let log = '';
  const onExit = (): void => {
    child?.kill('SIGKILL');
  };
  process.once('exit', onExit);

  const launch = async (): Promise<void> => {
    const proc = spawn(PYTHON, ['-m', 'synapse.app.homeserver', '--config-path', conf], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    const keep = (d: Buffer): void => {
      log = (log + d.toString()).slice(-20_000);
    };
    proc.stdout?.on('data', keep);
    proc.stderr?.on('data', keep);
    try {
      await waitForSynapse(url, 90_000, () => proc.exitCode === null && proc.signalCode === null);
    } catch (error) {
      proc.kill('SIGKILL');
      throw new Error(`Synapse did not start:\n${log}`, { cause: error });
    }
  };

  const kill = async (): Promise<void> => {
    const proc = child;
    child = undefined;
    await terminate(proc, 10_000);
  };

  try {
    await launch();
  } catch (error) {
    process.removeListener('exit', onExit);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  let stopped = false;
  return {
    url,
    serverName,
    port,
    databasePath: join(dir, 'homeserver.db'),
    kill,
    async restart() {
      await kill();
      await launch();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await kill();
      process.removeListener('exit', onExit);
      rmSync(dir, { recursive: true, force: true });
    },
    output: () => log,
  };
}
