/**
 * The bridge bot's crypto engine against a recording fake homeserver: its first start makes a
 * cross-signing identity and uploads it (device signed by the self-signing key), a later start
 * from the same store uploads the SAME master key; an encrypted event whose room key never
 * came makes the bot send an `m.room_key_request` for exactly that session, after the short
 * wait, to its own user's devices (the Rust crypto asks only those; docs/matrix.md).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DeviceId,
  EncryptionSettings,
  initAsync,
  LocalTrust,
  OlmMachine,
  RoomId,
  UserId,
} from '@matrix-org/matrix-sdk-crypto-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import type { MatrixApi } from '../../../src/bridges/matrix/api.js';
import { CryptoEngine } from '../../../src/bridges/matrix/crypto/engine.js';
import type { RawEvent } from '../../../src/bridges/matrix/host.js';
import { eventually } from '../../support/eventually.js';

const BOT = '@multichat:localhost';
const ROOM = '!secret:localhost';

interface Call {
  readonly method: string;
  readonly path: string;
  readonly body: Record<string, unknown>;
}

/** Answers what the crypto asks for, as Synapse would for a bot alone on its account. */
function fakeHomeserver(ownDevices: Record<string, unknown> = {}): {
  api: MatrixApi;
  calls: Call[];
} {
  const calls: Call[] = [];
  const api = {
    request(method: string, path: string, options: { body?: unknown } = {}) {
      const body = (options.body ?? {}) as Record<string, unknown>;
      calls.push({ method, path, body });
      if (path.endsWith('/keys/upload'))
        return Promise.resolve({ one_time_key_counts: { signed_curve25519: 50 } });
      if (path.endsWith('/keys/query')) return Promise.resolve({ device_keys: ownDevices });
      if (path.endsWith('/keys/claim')) return Promise.resolve({ one_time_keys: {} });
      if (path.endsWith('/keys/signatures/upload')) return Promise.resolve({ failures: {} });
      return Promise.resolve({});
    },
  };
  return { api: api as unknown as MatrixApi, calls };
}

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const dir = mkdtempSync(join(tmpdir(), 'mc-crypto-id-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const masterIn = (calls: Call[]): string[] =>
  calls
    .filter((c) => c.path.endsWith('/keys/device_signing/upload'))
    .map((c) => {
      const master = c.body['master_key'] as { keys: Record<string, string> };
      return Object.values(master.keys)[0]!;
    });

describe('Matrix crypto: the bot’s cross-signing identity', () => {
  it('is made and uploaded once, then re-uploaded unchanged from the store', async () => {
    const storePath = join(dir, 'identity.store');
    const first = fakeHomeserver();
    const a = await CryptoEngine.open({
      api: first.api,
      botUserId: BOT,
      storePath,
      logger: quiet,
    });
    const [master] = masterIn(first.calls);
    expect(master).toMatch(/^[A-Za-z0-9+/]{43}$/);
    // The device is signed by the self-signing key the same start uploaded.
    const signing = first.calls.find((c) => c.path.endsWith('/keys/device_signing/upload'))!;
    const selfSigning = Object.keys(
      (signing.body['self_signing_key'] as { keys: Record<string, string> }).keys,
    )[0]!;
    const signed = first.calls.find((c) => c.path.endsWith('/keys/signatures/upload'))!;
    const forBot = (signed.body[BOT] ?? {}) as Record<string, { signatures: object }>;
    const device = forBot[a.deviceId];
    expect(Object.keys((device?.signatures as Record<string, object>)[BOT]!)).toContain(
      selfSigning,
    );
    const deviceId = a.deviceId;
    await a.close();

    const second = fakeHomeserver();
    const b = await CryptoEngine.open({
      api: second.api,
      botUserId: BOT,
      storePath,
      logger: quiet,
    });
    expect(b.deviceId).toBe(deviceId);
    expect(masterIn(second.calls)).toEqual([master]);
    await b.close();
  }, 30_000);
});

describe('Matrix crypto: a missing room key', () => {
  it('is asked of the bot’s own verified devices only, after the wait, naming its session', async () => {
    await initAsync();
    // Alice's device encrypts with a session the bot never received.
    const alice = (await OlmMachine.initialize(
      new UserId('@alice:localhost'),
      new DeviceId('ALICEDEV'),
    )) as OlmMachine;
    const encrypted = async (n: number): Promise<RawEvent> => {
      await alice.invalidateGroupSession(new RoomId(ROOM));
      await alice.shareRoomKey(new RoomId(ROOM), [], new EncryptionSettings());
      const content = await alice.encryptRoomEvent(
        new RoomId(ROOM),
        'm.room.message',
        JSON.stringify({ msgtype: 'm.text', body: `the key never came ${n}` }),
      );
      return {
        type: 'm.room.encrypted',
        event_id: `$nokey${n}`,
        room_id: ROOM,
        sender: '@alice:localhost',
        origin_server_ts: Date.now(),
        content: JSON.parse(content) as Record<string, unknown>,
      } as unknown as RawEvent;
    };
    // A second device of the bot's own account, as the homeserver would list it.
    const other = (await OlmMachine.initialize(
      new UserId(BOT),
      new DeviceId('OTHERDEV'),
    )) as OlmMachine;
    const upload = (await other.outgoingRequests()).find(
      (r: { body: string }) => (JSON.parse(r.body) as Record<string, unknown>)['device_keys'],
    ) as { body: string };
    const otherKeys = (JSON.parse(upload.body) as { device_keys: unknown }).device_keys;

    const hs = fakeHomeserver({ [BOT]: { OTHERDEV: otherKeys } });
    const engine = await CryptoEngine.open({
      api: hs.api,
      botUserId: BOT,
      storePath: join(dir, 'request.store'),
      logger: quiet,
    });
    engine.keyRequestDelayMs = 200;
    const requests = () =>
      hs.calls.filter((c) => c.path.includes('/sendToDevice/m.room_key_request/'));

    // The Rust crypto asks only its own account's devices, and only when one is verified:
    // a bridge bot alone on its account asks nobody (docs/matrix.md).
    const first = await encrypted(1);
    expect(await engine.decrypt(first, () => undefined)).toBeUndefined();
    // Three times the wait: a request would have been sent by now (nothing to wait for).
    await new Promise((resolve) => setTimeout(resolve, 600));
    await engine.decrypt(await encrypted(2), () => undefined);
    expect(engine.pending.size).toBe(2);

    // Once the other device is verified (here by local trust, as an operator's verification
    // would), the next missing key is asked of it.
    // The machine is private to the engine; the test reaches it to play the operator.
    const machine = (engine as unknown as { machine: OlmMachine }).machine;
    const device = await eventually(
      () => machine.getDevice(new UserId(BOT), new DeviceId('OTHERDEV')),
      {
        what: 'the bot’s other device known',
      },
    );
    expect(requests()).toEqual([]);
    await device.setLocalTrust(LocalTrust.Verified);
    const third = await encrypted(3);
    await engine.decrypt(third, () => undefined);
    const [sent] = await eventually(() => (requests().length > 0 ? requests() : undefined), {
      what: 'an m.room_key_request',
    });
    const messages = sent!.body['messages'] as Record<string, Record<string, unknown>>;
    expect(Object.keys(messages)).toEqual([BOT]);
    const request = Object.values(messages[BOT]!)[0] as {
      action: string;
      body: { room_id: string; session_id: string };
    };
    expect(request.action).toBe('request');
    expect(request.body.room_id).toBe(ROOM);
    expect(request.body.session_id).toBe((third.content as Record<string, unknown>)['session_id']);
    await engine.close();
    alice.close();
    other.close();
  }, 30_000);
});
