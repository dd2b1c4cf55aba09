/**
 * A real process kill between send and ack: the gateway side runs in a child process, the
 * network in this one. SIGKILL arrives while the network holds its answer to a send, so the
 * outbox row is left 'sending'; the restarted process resends with the same idempotency key.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createMappingStore } from '../../src/mapping/index.js';
import { spawnSource } from '../peers/gateway-spawn.js';
import { tempDir } from '../support/core.js';
import { startHttpNetwork, type HttpNetwork } from '../support/http-network.js';

const root = join(import.meta.dirname, '..', '..');
const child = join(root, 'test', 'support', 'router-child.ts');
let network: HttpNetwork | undefined;
afterAll(() => network?.close());

function run(args: string[]) {
  const proc = spawnSource(child, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout?.on('data', (d) => (out += String(d)));
  proc.stderr?.on('data', (d) => (out += String(d)));
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return { proc, exited, output: () => out };
}

describe('router across a process kill', () => {
  it('posts exactly once at the target and keeps the mapping for later edits', async () => {
    network = await startHttpNetwork();
    const dataDir = tempDir('mc-kill-');
    const held = network.holdAnswerTo('in flight');

    const first = run([dataDir, network.url, 'first']);
    await held; // the network has the message; the child waits for the answer
    first.proc.kill('SIGKILL');
    expect(await first.exited).toBeNull();

    const second = run([dataDir, network.url, 'second']);
    const code = await second.exited;
    expect(second.output()).toContain('done');
    expect(code).toBe(0);

    expect(network.posts.map((p) => p.text)).toEqual(['edited after restart', 'in flight']);
    const inFlight = network.posts[1];
    expect(network.sendKeys.filter((k) => k === inFlight?.key)).toHaveLength(2);
    expect(network.posts[0]?.edits).toBe(1);

    const store = await createMappingStore({ kind: 'sqlite', path: join(dataDir, 'mapping.db') });
    await store.init();
    expect(await store.outbox.countByState()).toMatchObject({ pending: 0, sending: 0, dead: 0 });
    const sent = await store.outbox.getByKey(inFlight?.key as string);
    expect(sent?.externalIds).toEqual([inFlight?.id]);
    await store.close();
  });
});
