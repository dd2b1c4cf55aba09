/**
 * mDNS discovery between two real nodes. @libp2p/mdns cannot be tied to an interface: it sends
 * to 224.0.0.251:5353 through the default multicast route, which on a normal host is the LAN.
 * So the pair runs in a child process inside a fresh network namespace (`unshare -rn`, no root
 * needed where unprivileged user namespaces are on) that holds only a loopback interface:
 * nothing leaves the machine, and no other machine's node can answer.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { sourceCommand } from '../../peers/gateway-spawn.js';
import type { PairReport } from './mdns-pair.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const PAIR = fileURLToPath(new URL('./mdns-pair.ts', import.meta.url));
const LIMIT_MS = 80_000;

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs mdns-pair.ts in a loopback-only network namespace; resolves when it exits. */
function runIsolated(): Promise<Outcome> {
  const node = sourceCommand(PAIR);
  // Inside the namespace loopback starts down; `ip` needs no privilege there (mapped root).
  const script = 'ip link set lo up && exec "$@"';
  return new Promise((resolve, reject) => {
    const child = spawn('unshare', ['-rn', 'sh', '-c', script, 'sh', ...node], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), LIMIT_MS);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`cannot run unshare (util-linux): ${err.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function reportOf(outcome: Outcome): PairReport {
  const line = outcome.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as PairReport;
  } catch {
    throw new Error(
      `the isolated mDNS pair printed no report (exit ${outcome.code}). A failure of ` +
        `"unshare -rn" means this machine forbids unprivileged network namespaces ` +
        `(sysctl user.max_user_namespaces, or a container without CLONE_NEWUSER). ` +
        `stderr: ${outcome.stderr.slice(-1500)}`,
    );
  }
}

describe('mDNS discovery', () => {
  it('two nodes with no bootstrap list find each other on loopback and gossip a message, and ignore other libp2p nodes', async () => {
    const report = reportOf(await runIsolated());
    expect(report.error).toBeUndefined();
    // Only loopback in the namespace: no other machine's node can take part.
    expect(report.interfaces).toEqual(['lo']);
    expect(report.stage, `stopped at ${report.stage}: ${JSON.stringify(report)}`).toBe('done');
    // Only A: not the stock libp2p node announcing the shared service, which found nobody.
    expect(report.peersOfB).toEqual([report.peerA]);
    expect(report.stranger).toBeDefined();
    expect(report.peersOfStranger).toEqual([]);
    expect(report.textsOnB).toEqual(['found over mDNS']);
  }, 90_000);
});
