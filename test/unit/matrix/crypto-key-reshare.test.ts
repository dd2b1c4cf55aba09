/**
 * A lost room key asked for again (src/bridges/matrix/crypto/key-recovery.ts), with the bot's
 * real crypto engine against a fake homeserver and alice as a real Rust-crypto OlmMachine (as
 * in Element). Alice shares her room key with the bot, but the to-device message is lost (as
 * Synapse drops it for an appservice it counts as down). The bot, unable to decrypt, opens a
 * new Olm session to alice's device with an encrypted m.dummy (retried after a failed send);
 * alice's crypto then re-shares the same room key with the bot when she sends next, and that
 * message decrypts. The lost one does not (the re-shared key starts at its current index).
 * After a restart, with an Olm session to alice already there, nothing is sent (counted).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DeviceId,
  DeviceLists,
  EncryptionSettings,
  initAsync,
  OlmMachine,
  RequestType,
  RoomId,
  UserId,
} from '@matrix-org/matrix-sdk-crypto-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import type { MatrixApi } from '../../../src/bridges/matrix/api.js';
import { CryptoEngine } from '../../../src/bridges/matrix/crypto/engine.js';
import type { RawEvent } from '../../../src/bridges/matrix/host.js';
import { eventually } from '../../support/eventually.js';

const BOT = '@multichat:localhost';
const ALICE = '@alice:localhost';
const ROOM = '!secret:localhost';
type Json = Record<string, unknown>;
interface Req {
  id: string;
  type: number;
  body: string;
}

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const dir = mkdtempSync(join(tmpdir(), 'mc-crypto-reshare-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Alice's device, its keys uploaded (we keep them to answer the bot's query and claim). */
async function aliceDevice(): Promise<{ alice: OlmMachine; keys: Json; otks: Json }> {
  await initAsync();
  const alice = (await OlmMachine.initialize(
    new UserId(ALICE),
    new DeviceId('ALICEDEV'),
  )) as OlmMachine;
  const upload = ((await alice.outgoingRequests()) as Req[]).find(
    (r) => r.type === RequestType.KeysUpload,
  )!;
  const body = JSON.parse(upload.body) as { device_keys: Json; one_time_keys: Json };
  await alice.markRequestAsSent(
    upload.id,
    upload.type,
    JSON.stringify({ one_time_key_counts: { signed_curve25519: 50 } }),
  );
  return { alice, keys: body.device_keys, otks: body.one_time_keys };
}

/** The homeserver as the bot sees it; `failSends` to-device sends fail first (a bad moment). */
function fakeHomeserver(alice: { keys: Json; otks: Json }, failSends = 0) {
  const calls: Array<{ path: string; body: Json }> = [];
  const otks = Object.entries(alice.otks);
  const api = {
    request(method: string, path: string, options: { body?: unknown } = {}) {
      const body = (options.body ?? {}) as Json;
      calls.push({ path, body });
      if (path.endsWith('/keys/upload'))
        return Promise.resolve({ one_time_key_counts: { signed_curve25519: 50 } });
      if (path.endsWith('/keys/query'))
        return Promise.resolve({ device_keys: { [ALICE]: { ALICEDEV: alice.keys } } });
      if (path.endsWith('/keys/claim')) {
        const [id, key] = otks.shift()!;
        return Promise.resolve({ one_time_keys: { [ALICE]: { ALICEDEV: { [id]: key } } } });
      }
      if (path.includes('/sendToDevice/m.room.encrypted/') && failSends-- > 0)
        return Promise.reject(new Error('502 from the homeserver'));
      return Promise.resolve({});
    },
  };
  return { api: api as unknown as MatrixApi, calls };
}

/** Feeds alice the bot's keys (from its upload), as her key query and claim would. */
async function aliceKnowsBot(alice: OlmMachine, upload: Json): Promise<void> {
  const keys = upload['device_keys'] as { device_id: string };
  await alice.updateTrackedUsers([new UserId(BOT)]);
  for (const r of (await alice.outgoingRequests()) as Req[])
    if (r.type === RequestType.KeysQuery)
      await alice.markRequestAsSent(
        r.id,
        r.type,
        JSON.stringify({ device_keys: { [BOT]: { [keys.device_id]: keys } } }),
      );
  const claim = (await alice.getMissingSessions([new UserId(BOT)])) as Req | undefined;
  const [id, key] = Object.entries(upload['one_time_keys'] as Json)[0]!;
  await alice.markRequestAsSent(
    claim!.id,
    claim!.type,
    JSON.stringify({ one_time_keys: { [BOT]: { [keys.device_id]: { [id]: key } } } }),
  );
}

/** Alice sends `body`: her room key shares (to-device, returned) then the event. */
async function aliceSends(alice: OlmMachine, n: number, body: string) {
  const shares = (await alice.shareRoomKey(
    new RoomId(ROOM),
    [new UserId(BOT)],
    new EncryptionSettings(),
  )) as Req[];
  for (const s of shares) await alice.markRequestAsSent(s.id, s.type, '{}');
  const content = await alice.encryptRoomEvent(
    new RoomId(ROOM),
    'm.room.message',
    JSON.stringify({ msgtype: 'm.text', body }),
  );
  const event = {
    type: 'm.room.encrypted',
    event_id: `$event${n}`,
    room_id: ROOM,
    sender: ALICE,
    origin_server_ts: Date.now(),
    content: JSON.parse(content) as Json,
  } as unknown as RawEvent;
  return { shares, event };
}

describe('Matrix crypto: a room key lost on its way to the bot', () => {
  it('is re-shared by its sender after the bot opens a new Olm session: the next message decrypts', async () => {
    const a = await aliceDevice();
    const hs = fakeHomeserver(a, 1);
    const storePath = join(dir, 'reshare.store');
    const engine = await CryptoEngine.open({
      api: hs.api,
      botUserId: BOT,
      storePath,
      logger: quiet,
    });
    engine.recovery.delaysMs = [50, 100];
    await aliceKnowsBot(a.alice, hs.calls.find((c) => c.path.endsWith('/keys/upload'))!.body);

    // Alice's key share to the bot is lost (never fed to the engine); her event arrives.
    const lost = await aliceSends(a.alice, 1, 'sent while the key was lost');
    expect(lost.shares.length).toBeGreaterThan(0);
    expect(await engine.decrypt(lost.event, () => undefined)).toBeUndefined();

    // The bot sends alice's device an Olm pre-key message (a new session): the first send
    // fails, the retry goes out.
    const sends = () => hs.calls.filter((c) => c.path.includes('/sendToDevice/m.room.encrypted/'));
    const [, sent] = await eventually(() => (sends().length >= 2 ? sends() : undefined), {
      what: 'the retried m.dummy',
    });
    expect(engine.recovery.counts).toEqual({ sent: 1, notPossible: 0 });
    const content = (sent!.body['messages'] as Record<string, Json>)[ALICE]!['ALICEDEV'] as Json;
    // Control: before the bot's new session reaches her, alice's crypto re-shares nothing.
    expect(
      await a.alice.shareRoomKey(new RoomId(ROOM), [new UserId(BOT)], new EncryptionSettings()),
    ).toEqual([]);
    const decrypted = JSON.parse(
      (await a.alice.receiveSyncChanges(
        JSON.stringify([{ type: 'm.room.encrypted', sender: BOT, content }]),
        new DeviceLists(),
        new Map(),
        new Set(),
      )) as string,
    ) as Array<{ type: string }>;
    expect(decrypted.map((e) => e.type)).toEqual(['m.dummy']);

    // Alice's next message re-shares her room key with the bot (same session): it decrypts.
    const next = await aliceSends(a.alice, 2, 'after the re-share');
    expect(next.shares).toHaveLength(1);
    expect((next.event.content as Json)['session_id']).toBe(
      (lost.event.content as Json)['session_id'],
    );
    const share = JSON.parse(next.shares[0]!.body) as { messages: Record<string, Json> };
    const toBot = Object.entries(share.messages[BOT]!).map(([device, c]) => ({
      type: 'm.room.encrypted',
      sender: ALICE,
      to_user_id: BOT,
      to_device_id: device,
      content: c,
    }));
    await engine.receive({ 'de.sorunome.msc2409.to_device': toBot });
    const plain = await engine.decrypt(next.event, () => undefined);
    expect((plain?.content as Json | undefined)?.['body']).toBe('after the re-share');
    // The lost one stays waiting: the re-shared key starts after it.
    expect(engine.pending.size).toBe(1);
    expect(await engine.decryptNow(lost.event)).toBeUndefined();
    await engine.close();

    // After a restart the bot has an Olm session with alice's device: a dummy over it would
    // not make her re-share, so none is sent; counted as not possible.
    const again = fakeHomeserver(a);
    const reopened = await CryptoEngine.open({
      api: again.api,
      botUserId: BOT,
      storePath,
      logger: quiet,
    });
    reopened.recovery.delaysMs = [50];
    await a.alice.invalidateGroupSession(new RoomId(ROOM));
    const lostAgain = await aliceSends(a.alice, 3, 'lost once more');
    expect(await reopened.decrypt(lostAgain.event, () => undefined)).toBeUndefined();
    await eventually(() => reopened.recovery.counts.notPossible === 1, {
      what: 'the attempt counted as not possible',
    });
    expect(again.calls.filter((c) => c.path.includes('/sendToDevice/'))).toEqual([]);
    expect(reopened.recovery.counts.sent).toBe(0);
    await reopened.close();
    a.alice.close();
  }, 30_000);
});
