import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNode } from '../../src/core/index.js';
import type { MultichatNode } from '../../src/core/types.js';
import {
  createApp,
  type AppDeps,
  type AppOptions,
  type GatewayApp,
} from '../../src/gateway/http/index.js';
import type { StatusProviders } from '../../src/gateway/status.js';

/** Parsed JSON of a response; tests index into it freely. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export const ADMIN = 'admin-token-for-tests-0123456789';

export interface TestApi {
  readonly node: MultichatNode;
  readonly gateway: GatewayApp;
  readonly status: StatusProviders;
  call(
    method: string,
    path: string,
    opts?: { token?: string; body?: unknown; raw?: string; signal?: AbortSignal },
  ): Promise<{ status: number; json: Json; headers: Headers; res: Response }>;
  close(): Promise<void>;
}

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

/** A real node in a temp dir behind the hono app (no port: app.request). */
export async function startApi(
  options: AppOptions = {},
  extra: Partial<Pick<AppDeps, 'typing'>> = {},
): Promise<TestApi> {
  const dir = await mkdtemp(join(tmpdir(), 'mc-http-'));
  const node = await createNode({ dataDir: dir, sweepIntervalMs: 0 });
  await node.start();
  const status: StatusProviders = {};
  const gateway = createApp({ node, adminToken: ADMIN, logger: quiet, status, ...extra }, options);
  return {
    node,
    gateway,
    status,
    async call(method, path, opts = {}) {
      const headers: Record<string, string> = {};
      if (opts.token !== undefined) headers.authorization = `Bearer ${opts.token}`;
      let body: string | undefined;
      if (opts.raw !== undefined) body = opts.raw;
      else if (opts.body !== undefined) body = JSON.stringify(opts.body);
      if (body !== undefined) headers['content-type'] = 'application/json';
      const res = await gateway.app.request(path, {
        method,
        headers,
        ...(body !== undefined ? { body } : {}),
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
      const type = res.headers.get('content-type') ?? '';
      const json = type.includes('application/json') ? await res.json() : undefined;
      return { status: res.status, json, headers: res.headers, res };
    },
    async close() {
      gateway.sse.closeAll();
      await node.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface SseEvent {
  event: string;
  data: Json;
}

/**
 * Reads server-sent events from a response until `until` returns true for the events so far,
 * or `maxMs` passes (then returns what it has; the test's assertions decide).
 */
export async function readEvents(
  res: Response,
  until: (events: SseEvent[]) => boolean,
  maxMs = 10_000,
): Promise<SseEvent[]> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const events: SseEvent[] = [];
  let buffer = '';
  const deadline = Date.now() + maxMs;
  try {
    while (!until(events) && Date.now() < deadline) {
      const chunk = await Promise.race([
        reader.read(),
        new Promise<'timeout'>((r) =>
          setTimeout(() => r('timeout'), Math.max(1, deadline - Date.now())),
        ),
      ]);
      if (chunk === 'timeout' || chunk.done) break;
      buffer += decoder.decode(chunk.value, { stream: true });
      let cut: number;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        let event = 'message';
        const data: string[] = [];
        for (const line of block.split('\n')) {
          if (line.startsWith('event: ')) event = line.slice(7);
          else if (line.startsWith('data: ')) data.push(line.slice(6));
        }
        if (data.length) events.push({ event, data: JSON.parse(data.join('\n')) });
      }
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return events;
}
