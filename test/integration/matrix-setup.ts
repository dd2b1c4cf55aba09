/**
 * Shared setup of the Matrix suites: a registration for a free appservice port, a real Synapse
 * that loads it, and the adapter config pointing at both. Without Synapse (and no way to install
 * it) the suites skip — except in CI, where that fails.
 */
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AdapterComponents, InboundEvent } from '../../src/bridges/types.js';
import {
  buildRegistration,
  readMatrixConfig,
  registrationYaml,
  type MatrixAdapterConfig,
  type Registration,
} from '../../src/bridges/matrix/index.js';
import { freePort } from '../peers/free-port.js';
import { eventually } from '../support/eventually.js';
import {
  callApi,
  readGatewayLog,
  spawnGateway,
  stopGateway,
  waitForProbe,
  writeGatewayConfig,
} from '../peers/gateway-spawn.js';
import {
  startSynapse,
  synapseInstalled,
  type SynapseOptions,
  type SynapsePeer,
} from '../peers/synapse.js';

/** True when the Matrix suites can run here (Synapse installed, or CI, where it must be). */
export function synapseAvailable(): boolean {
  if (synapseInstalled()) return true;
  if (process.env.CI === 'true') {
    // startSynapse installs it; if that fails the suite fails, which is what CI wants.
    return true;
  }
  return false;
}

export interface MatrixWorld {
  readonly synapse: SynapsePeer;
  readonly config: MatrixAdapterConfig;
  readonly registration: Registration;
  readonly dir: string;
  stop(): Promise<void>;
}

/** Writes a registration for a free port, starts Synapse with it, returns the adapter config. */
export async function startMatrixWorld(
  extra: Record<string, unknown> = {},
  synapseOptions: Omit<SynapseOptions, 'appServices'> = {},
): Promise<MatrixWorld> {
  const dir = mkdtempSync(join(tmpdir(), 'mc-matrix-'));
  const port = await freePort();
  const path = join(dir, 'registration.yaml');
  const base = {
    homeserverUrl: 'http://127.0.0.1:1',
    domain: 'localhost',
    registration: path,
    listen: { host: '127.0.0.1', port },
    userPrefix: 'mc_',
    // The test file servers listen on 127.0.0.1, which the fetch policy refuses by default.
    media: { allow: ['127.0.0.1'] },
    ...extra,
  };
  const registration = buildRegistration(readMatrixConfig(base));
  writeFileSync(path, registrationYaml(registration));
  const synapse = await startSynapse({ ...synapseOptions, appServices: [path] });
  const config = readMatrixConfig({ ...base, homeserverUrl: synapse.url });
  return {
    synapse,
    config,
    registration,
    dir,
    async stop() {
      await synapse.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Components whose `emit` collects events, for driving the adapter through its contract. */
export function collector(): { components: AdapterComponents; events: InboundEvent[] } {
  const events: InboundEvent[] = [];
  const quiet = () => undefined;
  return {
    events,
    components: {
      logger: { debug: quiet, info: quiet, warn: quiet, error: quiet },
      emit: async (event) => {
        events.push(event);
      },
      reportHealth: () => undefined,
      clock: { now: () => Date.now() },
    },
  };
}

/** Waits until `pick` finds something in `events` (bounded). */
export async function waitForEvent<T>(
  events: readonly InboundEvent[],
  pick: (e: readonly InboundEvent[]) => T | undefined,
  ms = 20_000,
): Promise<T> {
  return eventually(() => pick(events), {
    what: `an inbound event (so far: ${events.length})`,
    timeoutMs: ms,
  }).catch((error: unknown) => {
    throw new Error(`timed out; events so far: ${JSON.stringify(events.map((e) => e.kind))}`, {
      cause: error,
    });
  });
}

/** A loopback HTTP server serving fixed files (avatars and attachments of Multichat people). */
export async function fileServer(
  files: Record<string, { type: string; data: Uint8Array }>,
): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const file = files[req.url ?? ''];
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    res
      .writeHead(200, { 'content-type': file.type, 'content-length': file.data.byteLength })
      .end(Buffer.from(file.data));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/** A 1×1 PNG. */
export const PNG = Uint8Array.from(
  Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
    'base64',
  ),
);

/** A `multichat start` process with the given config (bridges, links), HTTP on a free port. */
export interface GatewayProcess {
  readonly httpUrl: string;
  readonly token: string;
  api<T = unknown>(method: string, path: string, body?: unknown, token?: string): Promise<T>;
  log(): string;
  stop(): Promise<void>;
}

export async function startGatewayProcess(sections: {
  bridges?: Record<string, unknown>;
  links?: readonly Record<string, unknown>[];
}): Promise<GatewayProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'mc-gw-matrix-'));
  const httpPort = await freePort();
  const token = 'matrix-e2e-admin-token-0123456789a';
  const config = writeGatewayConfig(dir, {
    httpPort,
    p2pPort: await freePort(),
    adminToken: token,
    ...(sections.bridges && { bridges: sections.bridges }),
    ...(sections.links && { links: sections.links }),
  });
  const spawned = spawnGateway(dir, config);
  const httpUrl = `http://127.0.0.1:${httpPort}`;
  try {
    await waitForProbe(spawned, httpUrl, '/readyz', 'gateway', dir);
  } catch (error) {
    await stopGateway(spawned);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    httpUrl,
    token,
    log: () => readGatewayLog(dir),
    async api<T>(method: string, path: string, body?: unknown, as = token): Promise<T> {
      const answer = await callApi<T>(httpUrl, as, method, path, body);
      if (answer.status < 200 || answer.status > 299) {
        throw new Error(`${method} ${path} -> ${answer.status} ${answer.text}`);
      }
      return answer.body;
    },
    async stop() {
      await stopGateway(spawned);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
