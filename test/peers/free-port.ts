import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/**
 * A TCP port that was free on 127.0.0.1 a moment ago, chosen BELOW the kernel's ephemeral range.
 *
 * Why not `listen(0)`: the OS hands out a port from the ephemeral range, the same range every
 * outgoing connection on the machine takes its local port from. With a dozen suites dialling
 * gateways, Synapse and PostgreSQL at once, a port closed here was taken by somebody's client
 * socket before the gateway bound it (CI saw `EADDRINUSE` on a P2P port). Ports below the range
 * are only ever taken by listeners, so the remaining race is between two test listeners picking the
 * same random port, which the spread and a per-process offset make rare; peers still retry.
 */
const FALLBACK_EPHEMERAL_LOW = 32768;
const LOWEST = 10000;

function ephemeralLow(): number {
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
      .trim()
      .split(/\s+/);
    const value = Number(low);
    return Number.isInteger(value) && value > LOWEST + 1000 ? value : FALLBACK_EPHEMERAL_LOW;
  } catch {
    return FALLBACK_EPHEMERAL_LOW;
  }
}

const span = ephemeralLow() - LOWEST;
/** Each test worker walks the range from its own starting point, so two workers rarely meet. */
let cursor = Math.floor(((process.pid * 7919) % span) + Math.random() * 97) % span;

function tryListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    cursor = (cursor + 1 + Math.floor(Math.random() * 13)) % span;
    const port = LOWEST + cursor;
    if (await tryListen(port)) return port;
  }
  throw new Error(`no free TCP port found between ${LOWEST} and ${LOWEST + span} on 127.0.0.1`);
}
