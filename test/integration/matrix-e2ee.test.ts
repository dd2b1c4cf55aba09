/**
 * Encrypted Matrix rooms, end to end: a real Synapse with the experimental appservice options
 * docs/matrix.md names, a real ngircd, `multichat start` as its own process, and alice on a
 * matrix-js-sdk client with the Rust crypto (as in Element). Alice's room is encrypted and
 * linked to an IRC channel: her text reaches IRC, an IRC line reaches her as an encrypted event
 * her client decrypts, and neither text is in Synapse's database. A gateway restart keeps the
 * bot's device and keys (its crypto store file). Without ngircd or Synapse: skipped (not in CI).
 */
import { readFileSync, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNgircd, type NgircdPeer } from '../peers/ngircd.js';
import { RawIrcClient } from '../support/irc-client.js';
import { CryptoTestClient, type SeenEvent } from '../support/matrix-crypto-client.js';
import { matrixIrcAvailable } from '../support/matrix-irc-world.js';
import {
  startGatewayProcess,
  startMatrixWorld,
  type GatewayProcess,
  type MatrixWorld,
} from './matrix-setup.js';

const ZW = '\u200b';
const ALIAS = '#secret:localhost';

describe.skipIf(!matrixIrcAvailable())('Matrix encrypted rooms ↔ IRC', () => {
  let ngircd: NgircdPeer | undefined;
  let world: MatrixWorld | undefined;
  let gateway: GatewayProcess | undefined;
  let irc: RawIrcClient;
  let alice: CryptoTestClient | undefined;
  let room: string;
  let store: string;
  /** Alice's first message, which the relation cases edit, react to and reply to. */
  let first = '';

  const startGateway = async (): Promise<GatewayProcess> => {
    const { homeserverUrl, domain, registration, listen, userPrefix } = world!.config;
    const started = await startGatewayProcess({
      bridges: {
        irc: {
          networks: {
            local: {
              host: '127.0.0.1',
              port: ngircd!.port,
              tls: false,
              nick: 'mcbridge',
              flood: { burst: 10, delayMs: 100 },
            },
          },
        },
        matrix: {
          homeserverUrl,
          domain,
          registration,
          listen,
          userPrefix,
          encryption: { enabled: true, allow: [ALIAS], store },
        },
      },
      links: [{ channel: 'secret', irc: { network: 'local', channel: '#secret' } }],
    });
    await irc.waitForLine((l) => l.command === 'JOIN' && l.nick === 'mcbridge', 30_000);
    return started;
  };

  /**
   * The room is linked once it exists, through the API: the gateway must be up before alice
   * acts, since Synapse drops to-device messages (her room keys) for an appservice it has
   * marked down (docs/matrix.md, "Encrypted rooms").
   */
  const linkRoom = (g: GatewayProcess): Promise<unknown> =>
    g.api('POST', '/api/v1/links', {
      channel: 'secret',
      network: 'matrix',
      target: { room: ALIAS },
      createChannel: false,
    });

  /** Alice's view of the bridge's encrypted messages in the room. */
  const fromBridge = (seen: readonly SeenEvent[]): SeenEvent[] =>
    seen.filter((e) => e.roomId === room && e.sender === '@multichat:localhost');

  beforeAll(async () => {
    ngircd = await startNgircd();
    world = await startMatrixWorld(
      { encryption: { enabled: true, allow: [ALIAS] } },
      { appserviceEncryption: true },
    );
    store = join(world.dir, 'matrix-crypto.store');
    irc = await RawIrcClient.connect(ngircd.port, 'ircbob');
    await irc.join('#secret');
    gateway = await startGateway();
    alice = await CryptoTestClient.register(world.synapse.url, 'alice');
    room = (
      await alice.client.createRoom({
        room_alias_name: 'secret',
        preset: 'public_chat' as never,
        initial_state: [
          {
            type: 'm.room.encryption',
            state_key: '',
            content: { algorithm: 'm.megolm.v1.aes-sha2' },
          },
        ],
      })
    ).room_id;
    await linkRoom(gateway);
    // The bot is in the room once the link resolved at start.
    await alice.waitFor((seen) =>
      seen.find(
        (e) =>
          e.roomId === room &&
          e.type === 'm.room.member' &&
          e.content['membership'] === 'join' &&
          e.sender === '@multichat:localhost',
      ),
    );
    // Alice's client shares the room key only with devices it knows: let its key query answer.
    await alice.knowDevicesOf('@multichat:localhost');
  }, 240_000);

  afterAll(async () => {
    alice?.stop();
    await irc?.quit().catch(() => undefined);
    await gateway?.stop();
    await world?.stop();
    await ngircd?.stop();
  });

  it('carries an encrypted Matrix message to IRC as its text', async () => {
    const before = irc.messagesIn('#secret').length;
    first = await alice!.send(room, 'the vault code is 4711');
    const [got] = (await irc.waitForMessages('#secret', before + 1, 60_000)).slice(before);
    expect(got?.text.replaceAll(ZW, '')).toBe('<alice> the vault code is 4711');
    expect(got?.nick).toBe('mcbridge');
  }, 90_000);

  it('carries an edit, a reaction and a reply made in the encrypted room to IRC', async () => {
    const before = irc.messagesIn('#secret').length;
    const relates = (rel: Record<string, unknown>) => ({ 'm.relates_to': rel });
    await alice!.sendEvent(room, 'm.room.message', {
      msgtype: 'm.text',
      body: '* the vault code is 4712',
      'm.new_content': { msgtype: 'm.text', body: 'the vault code is 4712' },
      ...relates({ rel_type: 'm.replace', event_id: first }),
    });
    await alice!.sendEvent(
      room,
      'm.reaction',
      relates({ rel_type: 'm.annotation', event_id: first, key: '👍' }),
    );
    await alice!.sendEvent(room, 'm.room.message', {
      msgtype: 'm.text',
      body: 'and change it monthly',
      ...relates({ 'm.in_reply_to': { event_id: first } }),
    });
    const got = (await irc.waitForMessages('#secret', before + 3, 60_000))
      .slice(before)
      .map((m) => m.text.replaceAll(ZW, ''));
    // IRC cannot change a line: the edit is a correction line; a reaction is an action naming
    // the message; a reply names whom it answers. Each needs the relation the decryption kept.
    expect(got).toEqual([
      '<alice> (edit) the vault code is 4712',
      '* alice reacted 👍 to alice: "the vault code is 4711"',
      '<alice> alice: and change it monthly',
    ]);
  }, 90_000);

  it('carries an IRC line into the encrypted room as an event alice decrypts', async () => {
    irc.say('#secret', 'meet at the north gate');
    const got = await alice!.waitFor((seen) =>
      fromBridge(seen).find((e) => String(e.content['body']).includes('north gate')),
    );
    expect(got.wireType).toBe('m.room.encrypted');
    expect(got.failure).toBeUndefined();
    expect(got.type).toBe('m.room.message');
    // Through the bot, the IRC person's name in front (ghosts have no devices).
    expect(got.content['body']).toBe('ircbob: meet at the north gate');
  });

  it('runs a !mc command typed in the encrypted room and answers it encrypted', async () => {
    const before = irc.messagesIn('#secret').length;
    await alice!.send(room, '!mc links');
    const answer = await alice!.waitFor((seen) =>
      fromBridge(seen).find(
        (e) => e.type === 'm.room.message' && e.content['msgtype'] === 'm.notice',
      ),
    );
    expect(answer.wireType).toBe('m.room.encrypted');
    expect(answer.content['body']).toBe('Sorry, @alice:localhost is not a bridge admin.');
    // A later message is the barrier: the command itself never reached IRC.
    await alice!.send(room, 'after the command');
    const got = (await irc.waitForMessages('#secret', before + 1, 60_000)).slice(before);
    expect(got.map((m) => m.text.replaceAll(ZW, ''))).toEqual(['<alice> after the command']);
  }, 90_000);

  it('keeps both texts out of Synapse’s database', () => {
    const db = world!.synapse.databasePath;
    const bytes = Buffer.concat(
      [db, `${db}-wal`].filter((p) => existsSync(p)).map((p) => readFileSync(p)),
    );
    // The database did store the room's events (encrypted): the check is not vacuous.
    expect(bytes.includes('m.megolm.v1.aes-sha2')).toBe(true);
    expect(bytes.includes('vault code')).toBe(false);
    expect(bytes.includes('north gate')).toBe(false);
  });

  it('keeps its crypto store in a 0600 file and still works both ways after a restart', async () => {
    expect(statSync(store).mode & 0o777).toBe(0o600);
    const devices = await alice!.knowDevicesOf('@multichat:localhost');
    expect(devices).toHaveLength(1);
    await gateway!.stop();
    gateway = undefined;
    gateway = await startGateway();
    await linkRoom(gateway);
    const before = irc.messagesIn('#secret').length;
    await alice!.send(room, 'after the restart, from matrix');
    const [got] = (await irc.waitForMessages('#secret', before + 1, 60_000)).slice(before);
    expect(got?.text.replaceAll(ZW, '')).toBe('<alice> after the restart, from matrix');
    irc.say('#secret', 'after the restart, from irc');
    const back = await alice!.waitFor((seen) =>
      fromBridge(seen).find((e) =>
        String(e.content['body']).includes('after the restart, from irc'),
      ),
    );
    expect(back.wireType).toBe('m.room.encrypted');
    expect(back.content['body']).toBe('ircbob: after the restart, from irc');
    // The same device, keys read back from the store: no second device appeared.
    expect(await alice!.knowDevicesOf('@multichat:localhost')).toEqual(devices);
  }, 120_000);
});
