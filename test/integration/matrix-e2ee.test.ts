/**
 * Encrypted Matrix rooms, end to end: a real Synapse with the experimental appservice options
 * docs/matrix.md names, a real ngircd, `multichat start` as its own process, and alice on a
 * matrix-js-sdk client with the Rust crypto (as in Element). Alice's room is encrypted and
 * linked to an IRC channel: her text reaches IRC, an IRC line reaches her as an encrypted event
 * her client decrypts, and neither text is in Synapse's database. Her text is readable in the
 * HTTP API; her redaction deletes it there (IRC: not carried, counted); files go both ways
 * encrypted (checked with the Rust crypto's own attachment code). A gateway restart keeps the
 * bot's device and keys (its crypto store file). Without ngircd or Synapse: skipped (not in CI).
 */
import { createHash } from 'node:crypto';
import { readFileSync, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Attachment, EncryptedAttachment, initAsync } from '@matrix-org/matrix-sdk-crypto-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNgircd, type NgircdPeer } from '../peers/ngircd.js';
import { RawIrcClient } from '../support/irc-client.js';
import { CryptoTestClient, type SeenEvent } from '../support/matrix-crypto-client.js';
import { eventually } from '../support/eventually.js';
import { matrixIrcAvailable } from '../support/matrix-irc-world.js';
import {
  startGatewayProcess,
  startMatrixWorld,
  type GatewayProcess,
  type MatrixWorld,
} from './matrix-setup.js';

const ZW = '\u200b';
const ALIAS = '#secret:localhost';
const BOT = '@multichat:localhost';

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

  /** A Multichat user who reads channel `secret` through the HTTP API (the native API). */
  let readerToken = '';
  interface NativeMessage {
    id: string;
    text: string | null;
    deleted?: boolean;
    attachments?: Array<{ name: string; hash: string; url: string }>;
    sender: { username: string; origin?: { network: string } };
  }
  const nativeMessages = async (): Promise<NativeMessage[]> => {
    if (!readerToken) {
      const user = await gateway!.api<{ token: string }>('POST', '/api/v1/users', {
        username: 'reader',
      });
      readerToken = user.token;
      await gateway!.api('POST', '/api/v1/channels/secret/join', undefined, readerToken);
    }
    const got = await gateway!.api<{ messages: NativeMessage[] }>(
      'GET',
      '/api/v1/channels/secret/messages?limit=200',
      undefined,
      readerToken,
    );
    return got.messages;
  };
  /** One sample of /metrics; undefined when the series is not shown. */
  const sample = async (name: string, labels: string): Promise<number | undefined> => {
    const res = await fetch(`${gateway!.httpUrl}/metrics`, {
      headers: { authorization: `Bearer ${gateway!.token}` },
    });
    const line = (await res.text())
      .split('\n')
      .find((l) => l.startsWith(`${name}{`) && l.includes(labels));
    return line ? Number(line.split(' ').at(-1)) : undefined;
  };
  const dropped = async (labels: string): Promise<number> =>
    (await sample('multichat_bridge_dropped_total', labels)) ?? 0;

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
    await untilKeysReachTheBridge();
  }, 240_000);

  /**
   * Synapse may drop alice's first room key (a to-device message) for an appservice it still
   * counts as down from its start (docs/matrix.md, Encrypted rooms). The bridge then asks her
   * device to re-share (a new Olm session and an m.dummy), and her next line crosses under the
   * same room key — alice's client does nothing special. Bounded: three lines.
   */
  async function untilKeysReachTheBridge(): Promise<void> {
    for (let attempt = 1; attempt <= 3; attempt++) {
      const before = irc.messagesIn('#secret').length;
      await alice!.send(room, `warm-up ${attempt}`);
      const crossed = await irc
        .waitForMessages('#secret', before + 1, 10_000)
        .then(() => true)
        .catch(() => false);
      if (crossed) return;
      await alice!.waitForToDevice('m.dummy', BOT, attempt, 30_000);
    }
    throw new Error('no warm-up line reached IRC: the bridge never got a room key');
  }

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
    // The must-show: the decrypted text is in the channel the HTTP API serves.
    const native = await eventually(
      async () => (await nativeMessages()).find((x) => x.text === 'the vault code is 4711'),
      { what: 'the text in the native API', intervalMs: 250 },
    );
    expect(native.sender.origin?.network).toBe('matrix');
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

  it('carries a reaction made in Multichat into the encrypted room, and its removal', async () => {
    await nativeMessages();
    const message = await gateway!.api<{ id: string }>(
      'POST',
      '/api/v1/channels/secret/messages',
      { text: 'react to this' },
      readerToken,
    );
    const target = await alice!.waitFor((seen) =>
      fromBridge(seen).find((e) => e.content['body'] === 'reader: react to this'),
    );
    const path = `/api/v1/channels/secret/messages/${message.id}/reactions/${encodeURIComponent('🎉')}`;
    await gateway!.api('PUT', path, undefined, readerToken);
    const event = (id: string) => alice!.client.getRoom(room)?.findEventById(id);
    const reaction = await alice!.waitFor((seen) =>
      fromBridge(seen).find(
        (e) => e.type === 'm.reaction' && event(e.eventId)?.getRelation()?.key === '🎉',
      ),
    );
    expect(reaction.wireType).toBe('m.room.encrypted');
    expect(event(reaction.eventId)?.getRelation()?.event_id).toBe(target.eventId);
    // Its key is encrypted, so the bridge redacts the reaction it remembered sending.
    await gateway!.api('DELETE', path, undefined, readerToken);
    await eventually(() => event(reaction.eventId)?.isRedacted(), {
      what: 'the bot’s reaction redacted',
      intervalMs: 250,
    });
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

  it('carries an edit made in Multichat into the encrypted room as an m.replace alice decrypts', async () => {
    await nativeMessages();
    const posted = await gateway!.api<{ id: string }>(
      'POST',
      '/api/v1/channels/secret/messages',
      { text: 'the meeting is at noon' },
      readerToken,
    );
    const original = await alice!.waitFor((seen) =>
      fromBridge(seen).find((e) => e.content['body'] === 'reader: the meeting is at noon'),
    );
    await gateway!.api(
      'PATCH',
      `/api/v1/channels/secret/messages/${posted.id}`,
      { text: 'the meeting is at one' },
      readerToken,
    );
    const edit = await alice!.waitFor((seen) =>
      fromBridge(seen).find((e) => e.content['m.new_content'] !== undefined),
    );
    expect(edit.wireType).toBe('m.room.encrypted');
    expect(edit.failure).toBeUndefined();
    expect(edit.content['m.new_content']).toMatchObject({ body: 'reader: the meeting is at one' });
    const relation = alice!.client.getRoom(room)?.findEventById(edit.eventId)?.getRelation();
    expect(relation).toMatchObject({ rel_type: 'm.replace', event_id: original.eventId });
    // The decrypting bridge shows its undecryptable counts; every one seen is accounted for.
    const count = (outcome: string) =>
      sample('multichat_matrix_undecryptable_total', `network="matrix",outcome="${outcome}"`);
    const waiting = await sample('multichat_matrix_undecryptable_waiting', 'network="matrix"');
    expect(waiting).toBeDefined();
    expect(await sample('multichat_matrix_undecryptable_waiting', 'network="irc"')).toBeUndefined();
    const [seen, later, givenUp] = await Promise.all(
      ['seen', 'decrypted_later', 'given_up'].map(async (o) => (await count(o)) ?? 0),
    );
    expect(waiting).toBe(seen! - later! - givenUp!);
    // The post and its edit also go to IRC: wait for them there, so no line of this case lands in
    // the next case's window (it counts what reaches IRC after its own command).
    await irc.waitUntil(
      () => irc.messagesIn('#secret').find((m) => m.text.includes('the meeting is at one')),
      60_000,
      'the API edit on IRC',
    );
  }, 90_000);

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

  it('carries a redaction made in the encrypted room: deleted in the API, IRC’s delete rule', async () => {
    const id = await alice!.send(room, 'delete me soon');
    const listed = await eventually(
      async () => (await nativeMessages()).find((x) => x.text === 'delete me soon'),
      { what: 'the message in the native API', intervalMs: 250 },
    );
    const droppedBefore = await dropped('network="irc",kind="delete",reason="unsupported"');
    const before = irc.messagesIn('#secret').length;
    await alice!.client.redactEvent(room, id);
    const gone = await eventually(
      async () => (await nativeMessages()).find((x) => x.id === listed.id && x.deleted),
      { what: 'the message deleted in the native API', intervalMs: 250 },
    );
    expect(gone.text).toBeNull();
    // IRC cannot delete a line (docs/fidelity.md): not carried, counted as unsupported.
    await eventually(
      async () =>
        (await dropped('network="irc",kind="delete",reason="unsupported"')) === droppedBefore + 1,
      { what: 'the delete counted as not carried to IRC', intervalMs: 250 },
    );
    await alice!.send(room, 'after the redaction');
    const got = (await irc.waitForMessages('#secret', before + 1, 60_000)).slice(before);
    expect(got.map((m) => m.text.replaceAll(ZW, ''))).toEqual(['<alice> after the redaction']);
  }, 90_000);

  it('carries files both ways encrypted: the bytes Synapse holds are ciphertext, sha256 intact', async () => {
    await initAsync();
    const base = world!.synapse.url;
    const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
    // Outbound: a Multichat member posts a file; alice's client gets `file`, not `url`.
    const plan = Buffer.from(Array.from({ length: 30_000 }, (_, i) => (i * 7 + (i >> 8)) % 256));
    await nativeMessages();
    const up = await fetch(`${gateway!.httpUrl}/api/v1/media?name=plan.bin`, {
      method: 'POST',
      headers: { authorization: `Bearer ${readerToken}`, 'content-type': 'application/x-plan' },
      body: plan,
    });
    expect(up.status).toBe(201);
    const { hash } = (await up.json()) as { hash: string };
    await gateway!.api(
      'POST',
      '/api/v1/channels/secret/messages',
      { attachments: [{ hash }] },
      readerToken,
    );
    const got = await alice!.waitFor((seen) =>
      fromBridge(seen).find((e) => e.content['msgtype'] === 'm.file'),
    );
    expect(got.wireType).toBe('m.room.encrypted');
    expect(got.content['url']).toBeUndefined();
    const file = got.content['file'] as { url: string };
    const [, server, media] = /^mxc:\/\/([^/]+)\/(.+)$/.exec(file.url)!;
    const stored = Buffer.from(
      await (
        await fetch(`${base}/_matrix/client/v1/media/download/${server}/${media}`, {
          headers: { authorization: `Bearer ${alice!.accessToken}` },
        })
      ).arrayBuffer(),
    );
    expect(stored.length).toBe(plan.length);
    expect(sha(stored)).not.toBe(sha(plan));
    // Decrypted by the Rust crypto's own attachment code (not ours) to the same bytes.
    const opened = Attachment.decrypt(new EncryptedAttachment(stored, JSON.stringify(file)));
    expect(sha(opened)).toBe(sha(plan));

    // Inbound: alice sends an encrypted file; the channel gets the plaintext bytes.
    const photo = Buffer.from(Array.from({ length: 20_000 }, (_, i) => (i * 13) % 251));
    const sealed = Attachment.encrypt(photo);
    const info = JSON.parse(sealed.mediaEncryptionInfo!) as Record<string, unknown>;
    const mxc = (
      await alice!.client.uploadContent(Buffer.from(sealed.encryptedData), {
        type: 'application/octet-stream',
        name: 'encrypted',
      })
    ).content_uri;
    await alice!.sendEvent(room, 'm.room.message', {
      msgtype: 'm.file',
      body: 'photo.bin',
      info: { mimetype: 'application/x-photo', size: photo.length },
      file: { ...info, url: mxc },
    });
    const listed = await eventually(
      async () =>
        (await nativeMessages()).find((m) => m.attachments?.some((a) => a.name === 'photo.bin')),
      { what: 'the encrypted file in the native API', intervalMs: 250, timeoutMs: 60_000 },
    );
    const attachment = listed.attachments!.find((a) => a.name === 'photo.bin')!;
    expect(attachment.hash).toBe(sha(photo));
    const bytes = await fetch(new URL(attachment.url, gateway!.httpUrl), {
      headers: { authorization: `Bearer ${readerToken}` },
    });
    expect(sha(new Uint8Array(await bytes.arrayBuffer()))).toBe(sha(photo));
  }, 120_000);

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

  it('gets a room key Synapse dropped re-shared: the sender’s next message reaches IRC', async () => {
    const carol = await CryptoTestClient.register(world!.synapse.url, 'carol');
    try {
      await carol.client.joinRoom(room);
      await carol.knowDevicesOf(BOT);
      // With the gateway down, Synapse cannot push carol's room key (a to-device message) and,
      // counting the appservice down, drops it; her event is kept and delivered after the start.
      await gateway!.stop();
      gateway = undefined;
      await carol.send(room, 'sent while its key was dropped');
      gateway = await startGateway();
      await linkRoom(gateway);
      // The loss is real: the event came without its key (counts start again with the process).
      await eventually(
        async () =>
          ((await sample('multichat_matrix_undecryptable_total', 'outcome="seen"')) ?? 0) >= 1,
        { what: 'carol’s event counted undecryptable', timeoutMs: 60_000 },
      );
      // The bridge asks carol's device to re-share: a new Olm session carrying an m.dummy.
      await carol.waitForToDevice('m.dummy', BOT);
      expect(
        await sample('multichat_matrix_key_reshare_requests_total', 'outcome="sent"'),
      ).toBeGreaterThanOrEqual(1);
      const before = irc.messagesIn('#secret').length;
      await carol.send(room, 'after the re-share');
      const lines = await irc.waitForMessages('#secret', before + 1, 60_000);
      expect(lines.slice(before).map((l) => l.text.replaceAll(ZW, ''))).toContain(
        '<carol> after the re-share',
      );
      // The dropped one stays undecryptable (re-shared keys start at their current index):
      // never on IRC, counted as waiting until it is given up.
      expect(irc.messagesIn('#secret').some((l) => l.text.includes('its key was dropped'))).toBe(
        false,
      );
      expect(
        await sample('multichat_matrix_undecryptable_waiting', 'network="matrix"'),
      ).toBeGreaterThanOrEqual(1);
    } finally {
      carol.stop();
    }
  }, 180_000);
});
