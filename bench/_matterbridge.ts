/**
 * Builds matterbridge (a Go module, never committed) under `.peers/matterbridge` (ignored by git)
 * and runs it with a generated TOML config that relays between two channels of one local IRC
 * server. `go install …@latest` is tried first; the module proxy may refuse the version list
 * (then `go install` fails on its deprecation check), so the fallback downloads the pinned
 * release with `go mod download`, copies it out of the read-only module cache and builds it
 * with only the IRC bridge compiled in. The leading `_` keeps run-all from running this file.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '..');
const PEERS = join(ROOT, '.peers');
const OUT = join(PEERS, 'matterbridge');
export const MATTERBRIDGE_BIN = join(OUT, 'matterbridge');
const MODULE = 'github.com/42wim/matterbridge';
const PINNED = 'v1.26.0';
/** Every bridge but IRC left out: a smaller, faster build. */
const TAGS =
  'noapi nodiscord nogitter noharmony nokeybase nomatrix nomattermost nomsteams nomumble nonctalk norocketchat noslack nosshchat nosteam notelegram novk nowhatsapp nozulip noxmpp';

function goEnv(): NodeJS.ProcessEnv {
  return { ...process.env, GOFLAGS: '-mod=mod', GOPATH: join(PEERS, 'go'), GOBIN: OUT };
}

/** Path of a matterbridge binary, built if missing; throws with the reasons when it cannot be. */
export async function ensureMatterbridge(): Promise<string> {
  if (existsSync(MATTERBRIDGE_BIN)) return MATTERBRIDGE_BIN;
  mkdirSync(OUT, { recursive: true });
  const opts = { env: goEnv(), timeout: 15 * 60_000, maxBuffer: 16 * 2 ** 20 };
  const errors: string[] = [];
  try {
    await run('go', ['install', `${MODULE}@latest`], { ...opts, cwd: PEERS });
    if (existsSync(MATTERBRIDGE_BIN)) return MATTERBRIDGE_BIN;
  } catch (error) {
    errors.push(
      `go install: ${String((error as { stderr?: string }).stderr ?? error).slice(0, 300)}`,
    );
  }
  try {
    const { stdout } = await run('go', ['mod', 'download', '-json', `${MODULE}@${PINNED}`], {
      ...opts,
      cwd: PEERS,
    });
    const dir = (JSON.parse(stdout) as { Dir?: string }).Dir;
    if (!dir) throw new Error(`go mod download gave no Dir: ${stdout.slice(0, 300)}`);
    const src = join(OUT, 'src');
    rmSync(src, { recursive: true, force: true });
    cpSync(dir, src, { recursive: true });
    await run('chmod', ['-R', 'u+w', src]);
    // The module zip carries an incomplete vendor/ folder: build from the module graph instead.
    rmSync(join(src, 'vendor'), { recursive: true, force: true });
    await run('go', ['build', '-tags', TAGS, '-o', MATTERBRIDGE_BIN, '.'], { ...opts, cwd: src });
    if (existsSync(MATTERBRIDGE_BIN)) return MATTERBRIDGE_BIN;
    errors.push('go build produced no binary');
  } catch (error) {
    errors.push(
      `go mod download + go build: ${String((error as { stderr?: string }).stderr ?? error).slice(0, 500)}`,
    );
  }
  throw new Error(errors.join('; '));
}

export interface MatterbridgeRun {
  readonly process: ChildProcess;
  stop(): Promise<void>;
  output(): string;
}

/** Starts matterbridge relaying between `channels` on the local server, bot nick `nick`. */
export function startMatterbridge(
  dir: string,
  options: { port: number; nick: string; channels: readonly string[]; messageDelayMs: number },
): MatterbridgeRun {
  const toml = [
    '[irc.local]',
    `Server="127.0.0.1:${options.port}"`,
    `Nick="${options.nick}"`,
    'UseTLS=false',
    'UseSASL=false',
    `MessageDelay=${options.messageDelayMs}`,
    // Large enough that no message is dropped during the throughput run.
    'MessageQueue=10000',
    'MessageLength=400',
    'RemoteNickFormat="<{NICK}> "',
    'ShowJoinPart=false',
    'NoSendJoinPart=true',
    '',
    '[general]',
    'IgnoreFailureOnStart=true',
    '',
    '[[gateway]]',
    'name="bench"',
    'enable=true',
    ...options.channels.flatMap((channel) => [
      '',
      '[[gateway.inout]]',
      'account="irc.local"',
      `channel="${channel}"`,
    ]),
    '',
  ].join('\n');
  const conf = join(dir, 'matterbridge.toml');
  writeFileSync(conf, toml);
  const child = spawn(MATTERBRIDGE_BIN, ['-conf', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout?.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-20_000)));
  child.stderr?.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-20_000)));
  return {
    process: child,
    output: () => log,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
