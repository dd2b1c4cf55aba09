/**
 * Starts a real ngircd (Debian's package) for tests and benchmarks: a generated config in a temp
 * folder, a free loopback port, `ngircd -n -f <conf>` in the foreground. As root ngircd drops to
 * user `nobody`, so the folder is made writable for everyone. `restart()` keeps the port, so
 * clients that reconnect find the server again.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { eventually } from '../support/eventually.js';
import { terminate } from './terminate.js';

export interface NgircdOptions {
  /** ngircd's `MaxNickLength` (its default is 9, real networks allow ~30). Default 30. */
  readonly nickLength?: number;
  /** Password every client must send with PASS; none by default. */
  readonly password?: string;
  /** Also listen with TLS (a throwaway self-signed certificate) on `tlsPort`. */
  readonly tls?: boolean;
}

export interface NgircdPeer {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** The TLS port when started with `tls: true`. */
  readonly tlsPort?: number;
  /** Stops the server (SIGTERM, then SIGKILL) and keeps the folder for a restart. */
  kill(): Promise<void>;
  /** Starts it again on the same port and waits until it accepts connections. */
  restart(): Promise<void>;
  /** Stops the server and deletes its folder. Idempotent. */
  stop(): Promise<void>;
  /** What ngircd wrote to stdout/stderr, for failure messages. */
  output(): string;
}

const CANDIDATES = ['/usr/sbin/ngircd', '/usr/bin/ngircd', '/usr/local/sbin/ngircd'];

/** Path of the ngircd binary, or undefined when it is not installed. */
export function findNgircd(): string | undefined {
  return CANDIDATES.find((path) => existsSync(path));
}

function configText(dir: string, port: number, options: NgircdOptions, tlsPort?: number): string {
  return [
    '[Global]',
    'Name = irc.test',
    'Info = multichat test server',
    'AdminInfo1 = test',
    'AdminInfo2 = test',
    'AdminEMail = test@localhost',
    'Listen = 127.0.0.1',
    `Ports = ${port}`,
    `PidFile = ${join(dir, 'ngircd.pid')}`,
    ...(options.password ? [`Password = ${options.password}`] : []),
    '[Limits]',
    'MaxConnectionsIP = 0',
    `MaxNickLength = ${options.nickLength ?? 30}`,
    'MaxJoins = 0',
    '[Options]',
    'PAM = no',
    'Ident = no',
    'DNS = no',
    ...(tlsPort === undefined
      ? []
      : [
          '[SSL]',
          `CertFile = ${join(dir, 'cert.pem')}`,
          `KeyFile = ${join(dir, 'key.pem')}`,
          `Ports = ${tlsPort}`,
        ]),
    '',
  ].join('\n');
}

/** A throwaway key and certificate for `localhost` in `dir`, readable by ngircd's user. */
function selfSignedCertificate(dir: string): void {
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
    ],
    { stdio: 'ignore' },
  );
  chmodSync(key, 0o644);
  chmodSync(cert, 0o644);
}

/** Resolves once something accepts TCP connections on the port; rejects after `ms`. */
export async function waitForPort(port: number, ms = 15_000): Promise<void> {
  const open = () =>
    new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
  await eventually(open, { what: `a listener on 127.0.0.1:${port}`, timeoutMs: ms });
}

/**
 * Starts ngircd on a free port.
 * @throws when ngircd is not installed or does not come up (with its output).
 */
export async function startNgircd(options: NgircdOptions = {}): Promise<NgircdPeer> {
  const bin = findNgircd();
  if (!bin)
    throw new Error('ngircd is not installed (apt-get install ngircd, or .ci/install-ngircd.sh)');
  const dir = mkdtempSync(join(tmpdir(), 'mc-ngircd-'));
  chmodSync(dir, 0o777);
  const port = await freePort();
  const tlsPort = options.tls ? await freePort() : undefined;
  if (options.tls) selfSignedCertificate(dir);
  const conf = join(dir, 'ngircd.conf');
  writeFileSync(conf, configText(dir, port, options, tlsPort));
  chmodSync(conf, 0o644);

  let child: ChildProcess | undefined;
  let log = '';
  const onExit = (): void => {
    child?.kill('SIGKILL');
  };
  process.once('exit', onExit);

  const launch = async (): Promise<void> => {
    const proc = spawn(bin, ['-n', '-f', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    proc.stdout?.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-20_000)));
    proc.stderr?.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-20_000)));
    try {
      await waitForPort(port);
      if (tlsPort !== undefined) await waitForPort(tlsPort);
    } catch (error) {
      proc.kill('SIGKILL');
      throw new Error(`ngircd did not start:\n${log}`, { cause: error });
    }
  };

  const kill = async (): Promise<void> => {
    const proc = child;
    child = undefined;
    await terminate(proc, 3_000);
  };

  await launch();
  let stopped = false;
  return {
    host: '127.0.0.1',
    port,
    ...(tlsPort !== undefined && { tlsPort }),
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
