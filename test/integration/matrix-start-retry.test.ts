/**
 * Supervision of the Matrix adapter with encryption on (issue 21): its start creates the bot's
 * device on the homeserver, so a homeserver that is down at boot made the start fail for good.
 * It is an outage like any other: the bridge reads `reconnecting` with the cause, the runtime
 * supervisor retries with backoff, and it ends `connected` once Synapse is back — never
 * `failed`, which is for refusals (a config problem) only.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdapter } from '../../src/bridges/matrix/index.js';
import type { NetworkName } from '../../src/bridges/types.js';
import { eventually } from '../support/eventually.js';
import { startSupervisedRuntime, type SupervisedRuntime } from '../support/supervised-runtime.js';
import { startMatrixWorld, synapseAvailable, type MatrixWorld } from './matrix-setup.js';

describe.skipIf(!synapseAvailable())('matrix: a homeserver down at start is retried', () => {
  let world: MatrixWorld;
  let supervised: SupervisedRuntime | undefined;

  beforeAll(async () => {
    world = await startMatrixWorld(
      { encryption: { enabled: true } },
      { appserviceEncryption: true },
    );
  }, 120_000);
  afterAll(async () => {
    await supervised?.close();
    await world?.stop();
  });

  it('reconnecting with the cause and retried while down, connected once it is back', async () => {
    await world.synapse.kill();
    supervised = await startSupervisedRuntime(
      createAdapter(
        { ...world.config, encryption: { enabled: true, store: join(world.dir, 'crypto.store') } },
        'matrix' as NetworkName,
      ),
    );
    const { runtime, reports } = supervised;
    expect(runtime.health().matrix?.state).toBe('reconnecting');
    expect(runtime.health().matrix?.detail).toContain('homeserver unreachable');
    await eventually(() => reports.filter((r) => /attempt 2;/.test(r.detail ?? '')).length > 0, {
      what: 'a second start attempt',
    });
    await world.synapse.restart();
    await eventually(() => runtime.health().matrix?.state === 'connected', {
      what: 'matrix connected after Synapse came back',
      timeoutMs: 30_000,
    });
    expect(reports.filter((r) => r.state === 'failed')).toEqual([]);
  }, 120_000);
});
