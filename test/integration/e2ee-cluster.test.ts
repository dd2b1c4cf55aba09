/**
 * An end-to-end encrypted channel across three real gateway processes on loopback: members on
 * A and B, and C, which relays the channel but hosts no member. A and B refuse each other, so
 * everything between them passes through C. A random marker must reach both members' APIs and
 * appear in no file of C's data dir (SQLite database, -wal and -shm, keys, logs: every file,
 * read as bytes). A plaintext channel C also relays is the control: its marker does show up in
 * C's files, so the scan can see what C stores. Then every node restarts and both members read
 * the whole history; then B, stopped, catches up E2EE_CATCHUP_N (default 500) encrypted messages
 * through C. A file A shares in the channel reaches B through C with equal bytes, while C holds
 * only its ciphertext; B refuses changed ciphertext with a typed error. The timing of catch-up against a plaintext channel is bench/e2ee-catchup.ts.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, GatewayProcess, type MessageJson } from '../peers/gateway-process.js';
import { eventually } from '../support/eventually.js';

interface Member {
  gw: GatewayProcess;
  token: string;
}

const N = Number(process.env['E2EE_CATCHUP_N'] ?? 500);

let a: Member;
let b: Member;
let relay: GatewayProcess;
let sealed = '';
let open = '';
const secret = `marker-${randomBytes(12).toString('hex')}`;
const reply = `reply-${randomBytes(12).toString('hex')}`;
const visible = `control-${randomBytes(12).toString('hex')}`;

const until = (what: string, check: () => Promise<boolean>, ms = 60_000) =>
  eventually(check, { what, timeoutMs: ms, intervalMs: 200 });

const texts = (history: MessageJson[]) => history.map((m) => m.text);
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** A raw API request (files are not JSON): status, headers and body bytes. */
async function raw(
  gw: GatewayProcess,
  method: string,
  path: string,
  token?: string,
  body?: Buffer,
) {
  const res = await fetch(`${gw.httpUrl}${path}`, {
    method,
    headers: {
      ...(token && { authorization: `Bearer ${token}` }),
      ...(body && { 'content-type': 'application/pdf' }),
    },
    ...(body && { body }),
  });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}
const peersOf = async (gw: GatewayProcess) => (await gw.status()).peers;

/** Every regular file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) return []; // removed while listed (a -shm at checkpoint)
    return stat.isDirectory() ? filesUnder(path) : stat.isFile() ? [path] : [];
  });
}

/** Files of `dir` whose bytes contain `text` (UTF-8, as SQLite and CBOR store it). */
function filesHolding(dir: string, text: string): string[] {
  const needle = Buffer.from(text, 'utf8');
  return filesUnder(dir).filter((path) => {
    try {
      return readFileSync(path).includes(needle);
    } catch {
      return false; // removed between listing and reading
    }
  });
}

/** Posts `n` messages with a few requests in flight at once. */
async function postMany(m: Member, channel: string, n: number, prefix: string): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      await m.gw.post(m.token, channel, `${prefix}${i}`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

/** Puts A and B out of each other's reach; C still reaches both. */
function partition(): void {
  a.gw.deny([b.gw.peerId]);
  b.gw.deny([a.gw.peerId]);
}

beforeAll(async () => {
  const ga = await GatewayProcess.start('e2ee-a');
  const gb = await GatewayProcess.start('e2ee-b', [ga.address]);
  relay = await GatewayProcess.start('e2ee-c', [ga.address, gb.address]);
  a = { gw: ga, token: (await ga.createUser('alice')).token };
  b = { gw: gb, token: (await gb.createUser('bob')).token };
  await until('full mesh', async () =>
    (await Promise.all([ga, gb, relay].map(peersOf))).every((n) => n === 2),
  );
  sealed = (
    await a.gw.ok<{ id: string; encrypted: boolean }>(
      'POST',
      '/api/v1/channels',
      { name: 'vault', encrypted: true },
      a.token,
    )
  ).id;
  open = await a.gw.createChannel(a.token, 'lobby');
  for (const channel of [sealed, open]) await b.gw.join(b.token, channel);
  // C's only user is a member of the plaintext channel alone. Following it, C replicates the
  // logs of its authors, which mix channels (docs/protocol.md), so C learns of the encrypted
  // channel too and relays it without hosting a member of it.
  const carol = await relay.createUser('carol');
  await relay.join(carol.token, open);
  await until('C knows both channels', async () => {
    const answers = await Promise.all(
      [sealed, open].map((ch) => relay.api('GET', `/api/v1/channels/${ch}`)),
    );
    if (!answers.every((x) => x.status === 200)) return false;
    const { members } = await relay.ok<{ members: unknown[] }>(
      'GET',
      `/api/v1/channels/${sealed}/members`,
    );
    return members.length === 2;
  });
  partition();
  await until('A and B apart, C between them', async () => {
    const [pa, pb, pc] = await Promise.all([a.gw, b.gw, relay].map(peersOf));
    return pa === 1 && pb === 1 && pc === 2;
  });
  await new Promise((r) => setTimeout(r, 1500)); // a gossipsub heartbeat grafts the mesh via C
}, 180_000);

afterAll(async () => {
  await Promise.all([a?.gw, b?.gw, relay].filter(Boolean).map((gw) => gw!.destroy()));
});

describe('an encrypted channel relayed by a node with no member', () => {
  it('the channel says encrypted on every node, and not bridged; C hosts no member', async () => {
    const { members } = await relay.ok<{ members: { user: { username: string } }[] }>(
      'GET',
      `/api/v1/channels/${sealed}/members`,
    );
    expect(members.map((m) => m.user.username).sort()).toEqual(['alice', 'bob']);
    for (const [gw, token] of [
      [a.gw, a.token],
      [b.gw, b.token],
      [relay, undefined],
    ] as const) {
      const ch = await gw.ok<{ encrypted: boolean; bridged: boolean }>(
        'GET',
        `/api/v1/channels/${sealed}`,
        undefined,
        token,
      );
      expect(ch).toMatchObject({ encrypted: true, bridged: false });
    }
  });

  it('both members read what the other wrote, through C', async () => {
    await a.gw.post(a.token, sealed, secret);
    await until('B reads the marker', async () =>
      texts(await b.gw.history(b.token, sealed)).includes(secret),
    );
    await b.gw.post(b.token, sealed, reply);
    await until('A reads the reply', async () =>
      texts(await a.gw.history(a.token, sealed)).includes(reply),
    );
    // The control: plaintext that C relays the same way reaches C's files.
    await a.gw.post(a.token, open, visible);
    await until('B reads the control', async () =>
      texts(await b.gw.history(b.token, open)).includes(visible),
    );
    await until('the control marker is in a file of C', async () =>
      Promise.resolve(filesHolding(relay.dataDir, visible).length > 0),
    );
  });

  it('no file of C holds the encrypted marker or the reply (db, WAL, SHM, keys, logs)', () => {
    expect(filesUnder(relay.dataDir).some((f) => f.endsWith('-wal'))).toBe(true);
    expect(filesHolding(relay.dataDir, secret)).toEqual([]);
    expect(filesHolding(relay.dataDir, reply)).toEqual([]);
  });

  it('a file A shares reaches B through C with equal bytes; C holds only its ciphertext', async () => {
    const mark = `filemark-${randomBytes(12).toString('hex')}`;
    const bytes = Buffer.concat([Buffer.from(mark), randomBytes(150_000), Buffer.from(mark)]);
    const upload = await raw(a.gw, 'POST', '/api/v1/media?name=plan.pdf', a.token, bytes);
    expect(upload.status).toBe(201);
    const { hash: plainHash } = JSON.parse(upload.bytes.toString()) as { hash: string };
    const sent = await a.gw.ok<{ id: string; attachments: { hash: string; name: string }[] }>(
      'POST',
      `/api/v1/channels/${sealed}/messages`,
      { text: 'the plan', attachments: [{ hash: plainHash }] },
      a.token,
    );
    const file = sent.attachments[0]!.hash;
    expect(file).not.toBe(plainHash);
    expect(sent.attachments[0]!.name).toBe('plan.pdf');
    await until('B has the message', async () =>
      (await b.gw.history(b.token, sealed)).some((m) => m.id === sent.id),
    );
    // C relays blobs it holds; here its operator reads the file (admin token), so C fetches
    // it from A: what C gets and keeps is the ciphertext, which it checks by its hash.
    const atC = await raw(relay, 'GET', `/api/v1/media/${file}`, ADMIN_TOKEN);
    expect(atC.status).toBe(200);
    expect(sha256(atC.bytes)).toBe(file);
    expect(atC.bytes.includes(Buffer.from(mark))).toBe(false);
    // B reaches A only through C: the bytes come from C, and open for the member.
    const atB = await raw(b.gw, 'GET', `/api/v1/media/${file}`, b.token);
    expect(atB.status).toBe(200);
    expect(atB.headers.get('content-type')).toBe('application/pdf');
    expect(sha256(atB.bytes)).toBe(sha256(bytes));
    expect(filesUnder(relay.dataDir).some((f) => f.endsWith(file))).toBe(true);
    expect(filesHolding(relay.dataDir, mark)).toEqual([]);

    // One changed byte of B's stored copy: refused with the typed error, no bytes served.
    const path = filesUnder(b.gw.dataDir).find((f) => f.endsWith(file))!;
    const good = readFileSync(path);
    const bad = Buffer.from(good);
    bad[1000]! ^= 1;
    writeFileSync(path, bad);
    const refused = await raw(b.gw, 'GET', `/api/v1/media/${file}`, b.token);
    writeFileSync(path, good);
    expect(refused.status).toBe(502);
    expect(JSON.parse(refused.bytes.toString())).toMatchObject({
      error: { code: 'e2ee_blob_tampered' },
    });
  }, 120_000);

  it('after a restart of every node both members read the whole history and keep talking', async () => {
    await Promise.all([a.gw, b.gw, relay].map((gw) => gw.stop()));
    await a.gw.restart();
    await b.gw.restart([a.gw.address, relay.address]);
    await relay.restart([a.gw.address, b.gw.address]);
    await until('C reaches A and B again', async () => (await peersOf(relay)) === 2);
    for (const m of [a, b]) {
      const history = texts(await m.gw.history(m.token, sealed));
      expect(history).toEqual(expect.arrayContaining([secret, reply]));
    }
    await b.gw.post(b.token, sealed, `${reply}-after`);
    await until('A reads a message written after the restart', async () =>
      texts(await a.gw.history(a.token, sealed)).includes(`${reply}-after`),
    );
  }, 180_000);

  it(`B, stopped, catches up ${N} encrypted messages through C`, async () => {
    const before = (await a.gw.history(a.token, sealed)).length;
    expect(await b.gw.stop()).toBe(0);
    await postMany(a, sealed, N, 'offline-');
    await b.gw.restart([a.gw.address, relay.address]);
    await until(
      `B holds ${before + N} messages`,
      async () => (await b.gw.history(b.token, sealed)).length === before + N,
      300_000,
    );
    const [ha, hb] = await Promise.all([
      a.gw.history(a.token, sealed),
      b.gw.history(b.token, sealed),
    ]);
    expect(hb.map((m) => m.id)).toEqual(ha.map((m) => m.id));
    const offline = texts(hb).filter((t) => t?.startsWith('offline-'));
    expect(new Set(offline).size).toBe(N);
  }, 420_000);

  it('after restarts and catch-up C still holds no text of the encrypted channel', () => {
    for (const text of [secret, reply, `${reply}-after`, 'offline-0', `offline-${N - 1}`])
      expect(filesHolding(relay.dataDir, text), text).toEqual([]);
  });
});
