/**
 * The Matrix adapter through its contract against a real Synapse: a real Matrix client (the
 * client-server API over fetch) on one side, the adapter's `emit` collected on the other.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type {
  InboundEvent,
  InboundMessage,
  NetworkName,
  SendAction,
  TargetKey,
} from '../../src/bridges/types.js';
import { parseMarkdown } from '../../src/bridges/format/index.js';
import {
  MatrixAdapter,
  RegistrationMismatchError,
  buildRegistration,
  ghostUserId,
  readMatrixConfig,
  registrationYaml,
  type MatrixLinkControl,
  type RoleChangeEvent,
} from '../../src/bridges/matrix/index.js';
import { eventually } from '../support/eventually.js';
import { fakeLinkControl, type FakeLinkControl } from '../support/link-control.js';
import { MatrixTestClient } from '../support/matrix-client.js';
import {
  PNG,
  collector,
  fileServer,
  startMatrixWorld,
  synapseAvailable,
  waitForEvent,
  type MatrixWorld,
} from './matrix-setup.js';

const NAME = 'matrix' as NetworkName;

function sendAction(
  room: string,
  key: string,
  markdown: string,
  extra: Partial<SendAction> = {},
): SendAction {
  const rich = parseMarkdown(markdown);
  return {
    kind: 'send',
    target: { room },
    targetKey: `matrix:${room}` as TargetKey,
    idempotencyKey: key,
    sender: { id: 'PersonBob', name: 'Bob (multichat)' },
    text: markdown.replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>'),
    rich,
    ...extra,
  };
}

const messages = (events: readonly InboundEvent[]) =>
  events.filter((e): e is InboundMessage => e.kind === 'message');

describe.skipIf(!synapseAvailable())('Matrix adapter against a real Synapse', () => {
  let world: MatrixWorld;
  let adapter: MatrixAdapter;
  let events: InboundEvent[];
  let alice: MatrixTestClient;
  let room: string;
  let files: Awaited<ReturnType<typeof fileServer>>;
  const roles: RoleChangeEvent[] = [];
  let control: FakeLinkControl = fakeLinkControl('L');

  beforeAll(async () => {
    files = await fileServer({
      '/avatar.png': { type: 'image/png', data: PNG },
    });
    world = await startMatrixWorld({ admins: ['@alice:localhost'] });
    const c = collector();
    events = c.events;
    // One stable control, as the runtime lends; each test swaps what stands behind it.
    const links: MatrixLinkControl = {
      list: () => control.list(),
      create: (request) => control.create(request),
      remove: (id) => control.remove(id),
    };
    adapter = new MatrixAdapter(NAME, world.config, { ...c.components, links });
    adapter.onRoleChange((e) => roles.push(e));
    await adapter.start();
    alice = await MatrixTestClient.register(world.synapse.url, 'alice');
    room = await alice.createRoom({ name: 'linked' });
    expect(await adapter.resolveTarget({ room })).toEqual({ room });
  });

  afterAll(async () => {
    await adapter?.stop();
    await world?.stop();
    await files?.close();
  });

  it('reports connected once the homeserver answers', () => {
    expect(adapter.health().state).toBe('connected');
  });

  it('emits a Matrix user’s messages in order, with their profile, HTML and emotes', async () => {
    await alice.call(
      'PUT',
      `/_matrix/client/v3/profile/${encodeURIComponent(alice.userId)}/displayname`,
      { displayname: 'Alice A.' },
    );
    const ids: string[] = [];
    for (let i = 1; i <= 5; i++) ids.push(await alice.sendText(room, `line ${i}`));
    ids.push(
      await alice.sendText(room, 'bold', {
        format: 'org.matrix.custom.html',
        formatted_body: '<strong>bold</strong> & <em>it</em>',
      }),
    );
    ids.push(await alice.send(room, { msgtype: 'm.emote', body: 'waves' }));
    ids.push(await alice.send(room, { msgtype: 'm.notice', body: 'a notice' }));
    const got = await waitForEvent(events, (e) =>
      messages(e).length >= 8 ? messages(e) : undefined,
    );
    expect(got.map((m) => m.externalId)).toEqual(ids);
    expect(got.slice(0, 5).map((m) => m.text)).toEqual([
      'line 1',
      'line 2',
      'line 3',
      'line 4',
      'line 5',
    ]);
    expect(got[5]?.text).toBe('<strong>bold</strong> & <em>it</em>');
    expect(got[6]).toMatchObject({ text: 'waves', isEmote: true });
    expect(got[7]?.text).toBe('a notice');
    expect(got.every((m) => m.sender.externalId === alice.userId)).toBe(true);
    expect(got.at(-1)?.sender.displayName).toBe('Alice A.');
  });

  it('emits replies without their fallback, and thread messages with their root', async () => {
    events.length = 0;
    const root = await alice.sendText(room, 'root');
    const reply = await alice.send(room, {
      msgtype: 'm.text',
      body: '> <@alice:localhost> root\n\nthe reply',
      format: 'org.matrix.custom.html',
      formatted_body: '<mx-reply><blockquote>root</blockquote></mx-reply>the reply',
      'm.relates_to': { 'm.in_reply_to': { event_id: root } },
    });
    const inThread = await alice.send(room, {
      msgtype: 'm.text',
      body: 'in thread',
      'm.relates_to': {
        rel_type: 'm.thread',
        event_id: root,
        is_falling_back: true,
        'm.in_reply_to': { event_id: root },
      },
    });
    const got = await waitForEvent(events, (e) => (e.length >= 3 ? e.slice(0, 3) : undefined));
    expect(got.map((e) => e.kind)).toEqual(['message', 'message', 'message']);
    expect(got[1]).toMatchObject({ externalId: reply, text: 'the reply', replyTo: root });
    expect(got[2]).toMatchObject({ externalId: inThread, text: 'in thread', threadRoot: root });
    expect((got[2] as InboundMessage).replyTo).toBeUndefined();
    // A person's edits, reactions and redactions: the adapter contract (matrix-contract.test.ts).
  });

  it('posts as a ghost with the person’s name and uploaded avatar, once per idempotency key', async () => {
    const action = sendAction(room, 'send-1', 'hello **matrix**', {
      sender: { id: 'PersonBob', name: 'Bob (multichat)', avatarUrl: `${files.url}/avatar.png` },
    });
    const first = await adapter.send(action);
    const again = await adapter.send(action); // a retry after a lost answer
    expect(again.externalIds).toEqual(first.externalIds);
    const ghost = ghostUserId(world.config, 'PersonBob');
    const posted = await alice.waitFor(room, (ev) =>
      ev.filter((e) => e.sender === ghost && e.type === 'm.room.message'),
    );
    expect(posted).toHaveLength(1);
    expect(posted[0]?.event_id).toBe(first.externalIds[0]);
    expect(posted[0]?.content).toMatchObject({
      msgtype: 'm.text',
      body: 'hello matrix',
      formatted_body: 'hello <strong>matrix</strong>',
    });
    const profile = await alice.profile(ghost);
    expect(profile.displayname).toBe('Bob (multichat)');
    // The avatar follows in the background (it never holds up a send).
    const avatar = await eventually(async () => (await alice.profile(ghost)).avatar_url, {
      what: 'the ghost to show its avatar',
    });
    expect(avatar).toMatch(/^mxc:\/\/localhost\//);
    expect(await alice.download(avatar)).toEqual(PNG);
    // Ghost echoes never come back as inbound events.
    expect(messages(events).some((m) => m.sender.externalId === ghost)).toBe(false);
  });

  it('renames the ghost when the person’s name changes', async () => {
    await adapter.send(
      sendAction(room, 'send-rename', 'renamed', {
        sender: { id: 'PersonBob', name: 'Robert', avatarUrl: `${files.url}/avatar.png` },
      }),
    );
    expect((await alice.profile(ghostUserId(world.config, 'PersonBob'))).displayname).toBe(
      'Robert',
    );
  });

  // Replies, threads, edits, reactions and redactions sent as a ghost: the adapter contract
  // (matrix-contract.test.ts) reads them back as a Matrix client shows them.

  it('reports power-level changes as roles and sets levels for Multichat roles', async () => {
    const carol = await MatrixTestClient.register(world.synapse.url, 'carol');
    await carol.join(room);
    const levels = await alice.state<{ users?: Record<string, number> }>(
      room,
      'm.room.power_levels',
    );
    await alice.putState(room, 'm.room.power_levels', {
      ...levels,
      users: { ...(levels.users ?? {}), [carol.userId]: 50, [adapter.botUserId]: 100 },
    });
    const change = await waitForEvent(events, () => roles.find((r) => r.userId === carol.userId));
    expect(change).toMatchObject({ target: { room }, role: 'moderator', by: alice.userId });
    // A real user's change also reaches the router as a contract event.
    const inbound = await waitForEvent(events, (e) =>
      e.find((x) => x.kind === 'role' && x.sender.externalId === carol.userId),
    );
    expect(inbound).toMatchObject({ kind: 'role', target: { room }, role: 'moderator' });

    await adapter.setRole({
      kind: 'role',
      target: { room },
      targetKey: `matrix?room=${room}` as TargetKey,
      idempotencyKey: 'role-1',
      sender: { id: 'PersonBob', name: 'Robert' },
      role: 'admin',
    });
    await adapter.setRoleOf({ room }, { matrixUserId: carol.userId }, 'member');
    const after = await alice.state<{ users: Record<string, number> }>(room, 'm.room.power_levels');
    expect(after.users[ghostUserId(world.config, 'PersonBob')]).toBe(100);
    expect(after.users[carol.userId]).toBeUndefined();
    // Changes the bot makes are not echoed to us; alice promotes carol again, and that (later)
    // change is reported while the ghost's promotion never is.
    await alice.putState(room, 'm.room.power_levels', {
      ...after,
      users: { ...after.users, [carol.userId]: 50 },
    });
    await waitForEvent(
      events,
      (e) => e.filter((x) => x.kind === 'role' && x.sender.externalId === carol.userId)[1],
    );
    const reported = events.filter((x) => x.kind === 'role');
    expect(reported.map((x) => [x.sender.externalId, x.role])).toEqual([
      [carol.userId, 'moderator'],
      [carol.userId, 'moderator'],
    ]);
  });

  it('sets a ghost’s presence and reports Matrix users’ presence', async () => {
    await adapter.setPresence({
      sender: { id: 'PersonBob', name: 'Robert' },
      status: 'away',
      text: 'lunch',
    });
    const ghost = ghostUserId(world.config, 'PersonBob');
    const seen = await alice.call<{ presence: string; status_msg?: string }>(
      'GET',
      `/_matrix/client/v3/presence/${encodeURIComponent(ghost)}/status`,
    );
    expect(seen).toMatchObject({ presence: 'unavailable', status_msg: 'lunch' });
    await alice.call(
      'PUT',
      `/_matrix/client/v3/presence/${encodeURIComponent(alice.userId)}/status`,
      { presence: 'online', status_msg: 'here' },
    );
    const got = await waitForEvent(events, (e) =>
      e.find(
        (x) => x.kind === 'presence' && x.sender.externalId === alice.userId && x.text === 'here',
      ),
    );
    expect(got).toMatchObject({ kind: 'presence', status: 'online' });
  });

  it('reports joins and leaves of Matrix users', async () => {
    events.length = 0;
    const dave = await MatrixTestClient.register(world.synapse.url, 'dave');
    await dave.call(
      'PUT',
      `/_matrix/client/v3/profile/${encodeURIComponent(dave.userId)}/displayname`,
      {
        displayname: 'Dave D.',
      },
    );
    await dave.join(room);
    await dave.call('POST', `/_matrix/client/v3/rooms/${encodeURIComponent(room)}/leave`, {});
    const got = await waitForEvent(events, (e) => {
      const mine = e.filter((x) => 'sender' in x && x.sender?.externalId === dave.userId);
      return mine.length >= 2 ? mine : undefined;
    });
    expect(got.map((e) => e.kind)).toEqual(['join', 'leave']);
    expect(got.map((e) => ('sender' in e ? e.sender?.displayName : ''))).toEqual([
      'Dave D.',
      'Dave D.',
    ]);
  });

  it('refuses a transaction with a wrong hs_token and processes nothing; de-duplicates by transaction id', async () => {
    events.length = 0;
    const url = `http://127.0.0.1:${adapter.port}/_matrix/app/v1/transactions/`;
    const event = {
      type: 'm.room.message',
      room_id: room,
      sender: alice.userId,
      event_id: '$forged',
      content: { msgtype: 'm.text', body: 'forged' },
    };
    const bad = await fetch(`${url}t-bad`, {
      method: 'PUT',
      headers: { authorization: 'Bearer wrong', 'content-type': 'application/json' },
      body: JSON.stringify({ events: [event] }),
    });
    expect(bad.status).toBe(403);
    expect(await bad.json()).toMatchObject({ errcode: 'M_FORBIDDEN' });
    expect(adapter.refusedTransactions).toBe(1);
    const good = {
      method: 'PUT',
      headers: {
        authorization: `Bearer ${world.registration.hs_token}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        events: [{ ...event, event_id: '$once', content: { msgtype: 'm.text', body: 'once' } }],
      }),
    };
    expect((await fetch(`${url}t-dup`, good)).status).toBe(200);
    expect((await fetch(`${url}t-dup`, good)).status).toBe(200);
    await alice.sendText(room, 'after'); // a real event as a fence: everything before it was processed
    await waitForEvent(events, (e) => messages(e).find((m) => m.text === 'after'));
    expect(messages(events).map((m) => m.text)).toEqual(['once', 'after']);
  });

  it('runs !mc admin commands for admins only, without bridging them', async () => {
    control = fakeLinkControl('L');
    const made = control.made;
    events.length = 0;
    const adminRoom = await alice.createRoom({
      preset: 'private_chat',
      invite: [adapter.botUserId],
    });
    await alice.waitFor(adminRoom, (ev) =>
      ev.some(
        (e) =>
          e.type === 'm.room.member' &&
          e.state_key === adapter.botUserId &&
          e.content['membership'] === 'join',
      ),
    );
    const other = await alice.createRoom({ name: 'to link' });
    await alice.sendText(adminRoom, `!mc link general ${other}`);
    const linked = await alice.waitFor(adminRoom, (ev) =>
      ev.find(
        (e) => e.sender === adapter.botUserId && String(e.content['body']).startsWith('Linked'),
      ),
    );
    expect(made).toEqual([
      { id: 'L1', channel: 'general', network: 'matrix', target: { room: other } },
    ]);
    expect(String(linked.content['body'])).toContain(other);
    await alice.sendText(adminRoom, '!mc links');
    await alice.waitFor(adminRoom, (ev) =>
      ev.find((e) => e.sender === adapter.botUserId && String(e.content['body']).startsWith('L1:')),
    );
    await alice.sendText(adminRoom, '!mc unlink L1');
    await alice.waitFor(adminRoom, (ev) =>
      ev.find((e) => String(e.content['body']).startsWith('Unlinked')),
    );
    expect(made).toEqual([]);

    const eve = await MatrixTestClient.register(world.synapse.url, 'eve');
    await eve.join(other);
    await adapter.resolveTarget({ room: other });
    await eve.sendText(other, '!mc link general');
    await eve.waitFor(other, (ev) =>
      ev.find(
        (e) =>
          e.sender === adapter.botUserId &&
          String(e.content['body']).includes('not a bridge admin'),
      ),
    );
    expect(made).toEqual([]);
    expect(messages(events).filter((m) => m.text.includes('!mc'))).toEqual([]);
  });

  it('creates and links a portal room when a Matrix user joins #mc_<channel>:domain', async () => {
    control = fakeLinkControl('P');
    const made = control.made;
    const roomId = await alice.join('#mc_lobby:localhost');
    expect(made).toEqual([
      { id: 'P1', channel: 'lobby', network: 'matrix', target: { room: roomId } },
    ]);
    expect(await adapter.resolveTarget({ room: '#mc_lobby:localhost' })).toEqual({ room: roomId });
  });

  it('refuses to link an end-to-end encrypted room', async () => {
    const secret = await alice.createRoom({
      initial_state: [
        {
          type: 'm.room.encryption',
          state_key: '',
          content: { algorithm: 'm.megolm.v1.aes-sha2' },
        },
      ],
    });
    await expect(adapter.resolveTarget({ room: secret })).rejects.toThrow(
      /encrypted rooms are not bridged/,
    );
  });

  it('refuses to start when the registration disagrees with the config, naming the field', async () => {
    const path = join(world.dir, 'other.yaml');
    const config = readMatrixConfig({ ...world.config, registration: path });
    writeFileSync(
      path,
      registrationYaml({ ...buildRegistration(config), sender_localpart: 'someone_else' }),
    );
    const other = new MatrixAdapter(NAME, config, collector().components);
    await expect(other.start()).rejects.toThrow(RegistrationMismatchError);
    await expect(other.start()).rejects.toThrow(/"sender_localpart"/);
    writeFileSync(
      path,
      registrationYaml({
        ...buildRegistration(config),
        namespaces: { users: [], aliases: [], rooms: [] },
      }),
    );
    await expect(other.start()).rejects.toThrow(/"namespaces.users"/);
  });
});
