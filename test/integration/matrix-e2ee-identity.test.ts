/**
 * The bridge bot's cross-signing identity, seen from a person's client: a real Synapse with
 * the experimental appservice options docs/matrix.md names, `multichat start` as its own
 * process with encryption on, and alice on matrix-js-sdk with the Rust crypto (as in Element).
 * Alice's client finds the bot's master key and the bot's device signed by the bot's own
 * self-signing key; after a gateway restart (same crypto store file) the master key is the
 * same, so nobody sees the bot's identity change. Without Synapse: skipped (not in CI).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CryptoTestClient } from '../support/matrix-crypto-client.js';
import { eventually } from '../support/eventually.js';
import {
  startGatewayProcess,
  startMatrixWorld,
  synapseAvailable,
  type GatewayProcess,
  type MatrixWorld,
} from './matrix-setup.js';

const BOT = '@multichat:localhost';

interface KeysQuery {
  device_keys: Record<
    string,
    Record<string, { signatures?: Record<string, Record<string, string>> }>
  >;
  master_keys?: Record<string, { keys: Record<string, string> }>;
  self_signing_keys?: Record<string, { keys: Record<string, string> }>;
}

describe.skipIf(!synapseAvailable())('Matrix bridge bot cross-signing identity', () => {
  let world: MatrixWorld | undefined;
  let gateway: GatewayProcess | undefined;
  let alice: CryptoTestClient | undefined;
  let store: string;
  let firstMaster = '';

  const startGateway = (): Promise<GatewayProcess> => {
    const { homeserverUrl, domain, registration, listen, userPrefix } = world!.config;
    return startGatewayProcess({
      bridges: {
        matrix: {
          homeserverUrl,
          domain,
          registration,
          listen,
          userPrefix,
          encryption: { enabled: true, allow: 'all', store },
        },
      },
    });
  };

  /** What the homeserver tells anyone who asks for the bot's keys (alice's token). */
  const botKeys = async (): Promise<KeysQuery> => {
    const res = await fetch(`${world!.synapse.url}/_matrix/client/v3/keys/query`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${alice!.accessToken}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ device_keys: { [BOT]: [] } }),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as KeysQuery;
  };
  const masterOf = (keys: KeysQuery): string | undefined =>
    Object.values(keys.master_keys?.[BOT]?.keys ?? {})[0];

  beforeAll(async () => {
    world = await startMatrixWorld(
      { encryption: { enabled: true, allow: 'all' } },
      { appserviceEncryption: true },
    );
    store = join(world.dir, 'matrix-crypto.store');
    gateway = await startGateway();
    alice = await CryptoTestClient.register(world.synapse.url, 'alice');
    // An encrypted room shared with the bot (it joins when invited): alice's client then
    // tracks the bot's devices and keys, as a person's Element does for room members.
    const { room_id: room } = await alice.client.createRoom({
      invite: [BOT],
      initial_state: [
        {
          type: 'm.room.encryption',
          state_key: '',
          content: { algorithm: 'm.megolm.v1.aes-sha2' },
        },
      ],
    });
    await alice.waitFor((seen) =>
      seen.find(
        (e) =>
          e.roomId === room &&
          e.type === 'm.room.member' &&
          e.content['membership'] === 'join' &&
          e.sender === BOT,
      ),
    );
  }, 240_000);

  afterAll(async () => {
    alice?.stop();
    await gateway?.stop();
    await world?.stop();
  });

  it("shows alice's client the bot's master key and its device signed by the bot", async () => {
    const crypto = alice!.client.getCrypto()!;
    expect(await crypto.userHasCrossSigningKeys(BOT, true)).toBe(true);
    const [deviceId] = await alice!.knowDevicesOf(BOT);
    const status = await crypto.getDeviceVerificationStatus(BOT, deviceId!);
    // Signed by its owner's self-signing key; alice has not verified the bot herself.
    expect(status?.signedByOwner).toBe(true);
    expect(status?.crossSigningVerified).toBe(false);

    const keys = await botKeys();
    firstMaster = masterOf(keys) ?? '';
    expect(firstMaster).toMatch(/^[A-Za-z0-9+/]{43}$/);
    // The device's keys carry a signature by the self-signing key (its public part is the id).
    const selfSigning = Object.keys(keys.self_signing_keys?.[BOT]?.keys ?? {})[0];
    expect(selfSigning).toMatch(/^ed25519:/);
    const signatures = keys.device_keys[BOT]?.[deviceId!]?.signatures?.[BOT] ?? {};
    expect(Object.keys(signatures)).toContain(selfSigning);
  }, 60_000);

  it('keeps the same master key and signed device across a gateway restart', async () => {
    expect(firstMaster).not.toBe('');
    const devicesBefore = Object.keys((await botKeys()).device_keys[BOT] ?? {});
    await gateway!.stop();
    gateway = undefined;
    gateway = await startGateway();
    // The restarted bot re-uploads its identity from the store: the homeserver's copy is
    // unchanged, and the device (same id) still carries the self-signing signature.
    const keys = await eventually(
      async () => {
        const got = await botKeys();
        return gateway!.log().includes('bridge bot device ready') ? got : undefined;
      },
      { what: 'the restarted bot device', timeoutMs: 30_000 },
    );
    expect(masterOf(keys)).toBe(firstMaster);
    expect(Object.keys(keys.device_keys[BOT] ?? {})).toEqual(devicesBefore);
    const selfSigning = Object.keys(keys.self_signing_keys?.[BOT]?.keys ?? {})[0]!;
    const [deviceId] = devicesBefore;
    expect(Object.keys(keys.device_keys[BOT]?.[deviceId!]?.signatures?.[BOT] ?? {})).toContain(
      selfSigning,
    );
    expect(gateway!.log()).toMatch(/"identityCreated":false/);
  }, 120_000);
});
