/**
 * Matrix ↔ a Multichat channel through the real bridge runtime: a real core node and SQLite
 * mapping store, the Matrix adapter, and a real Synapse with real clients.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ghostUserId } from '../../src/bridges/matrix/index.js';
import type { MatrixAdapter } from '../../src/bridges/matrix/index.js';
import type { BridgeRuntime } from '../../src/bridges/runtime/index.js';
import { GATEWAY_ORIGIN } from '../../src/bridges/runtime/links.js';
import type { NetworkName } from '../../src/bridges/types.js';
import type { ChannelId, MessageView, MultichatNode, UserView } from '../../src/core/types.js';
import type { MappingStore } from '../../src/mapping/types.js';
import { eventually } from '../support/eventually.js';
import { MatrixTestClient } from '../support/matrix-client.js';
import {
  startMatrixAppservice,
  stopMatrixAppservice,
  type MatrixAppserviceWorld,
} from '../support/matrix-appservice-world.js';
import { synapseAvailable, type MatrixWorld } from './matrix-setup.js';

const until = <T>(what: string, pick: () => T | undefined | false, ms = 20_000) =>
  eventually(pick, { what, timeoutMs: ms });
const untilAsync = <T>(what: string, pick: () => Promise<T | undefined>) =>
  eventually(pick, { what, timeoutMs: 20_000, intervalMs: 100 });

describe.skipIf(!synapseAvailable())('Matrix ↔ Multichat through the bridge runtime', () => {
  let m: MatrixAppserviceWorld | undefined;
  let world: MatrixWorld;
  let node: MultichatNode;
  let store: MappingStore;
  let runtime: BridgeRuntime;
  let adapter: MatrixAdapter;
  let alice: MatrixTestClient;
  let room: string;
  let native: UserView;
  let general: ChannelId;
  const list = (): MessageView[] => node.listMessages(general, { limit: 500 } as never);

  beforeAll(async () => {
    m = await startMatrixAppservice({
      dataDirPrefix: 'mc-matrix-router-',
      owner: 'nina',
      person: { name: 'alice', displayName: 'alice_m' },
    });
    ({ world, node, store, runtime, owner: native, general, person: alice, room } = m);
    adapter = runtime.adapter('matrix') as MatrixAdapter;
  });

  afterAll(async () => {
    await stopMatrixAppservice(m);
  });

  it('brings a Matrix user’s messages into the channel in order, as their bridged profile', async () => {
    for (const text of ['one', 'two', 'three']) await alice.sendText(room, text);
    await alice.sendText(room, 'fmt', {
      format: 'org.matrix.custom.html',
      formatted_body: '<strong>bold</strong> and <code>code</code>',
    });
    const got = await until('four messages', () => (list().length >= 4 ? list() : undefined));
    expect(got.map((m) => m.text)).toEqual(['one', 'two', 'three', '**bold** and `code`']);
    expect(got[0]?.sender.username).toBe('alice_m');
    expect(got[0]?.sender.origin).toEqual({ network: 'matrix', externalId: alice.userId });
  });

  it('posts Multichat messages into the room from the person’s ghost', async () => {
    const ghost = ghostUserId(world.config, native.id);
    for (const text of ['from **nina** 1', 'from nina 2'])
      await node.submit(native.id, { kind: 'sendMessage', channel: general, text });
    await runtime.settle();
    const posted = await alice.waitFor(room, (ev) => {
      const mine = ev.filter((e) => e.sender === ghost && e.type === 'm.room.message');
      return mine.length >= 2 ? mine : undefined;
    });
    expect(posted.map((e) => e.content['body'])).toEqual(['from nina 1', 'from nina 2']);
    expect(posted[0]?.content['formatted_body']).toBe('from <strong>nina</strong> 1');
    expect((await alice.profile(ghost)).displayname).toBe('nina');
    // Nothing echoed back into the channel.
    expect(list().filter((m) => m.text?.startsWith('from')).length).toBe(2);
  });

  it('carries edits, deletions, replies and reactions from Matrix into the channel', async () => {
    const id = await alice.sendText(room, 'typo');
    const message = await until('typo', () => list().find((m) => m.text === 'typo'));
    await alice.send(room, {
      msgtype: 'm.text',
      body: '* fixed',
      'm.new_content': { msgtype: 'm.text', body: 'fixed' },
      'm.relates_to': { rel_type: 'm.replace', event_id: id },
    });
    await until('edit', () =>
      node
        .listMessages(general, { limit: 500 } as never)
        .find((m) => m.id === message.id && m.text === 'fixed'),
    );
    await alice.send(room, {
      msgtype: 'm.text',
      body: 'replying',
      'm.relates_to': { 'm.in_reply_to': { event_id: id } },
    });
    const reply = await until('reply', () => list().find((m) => m.text === 'replying'));
    expect(reply.replyTo).toBe(message.id);
    const reaction = await alice.react(room, id, '👍');
    const reacted = await until('reaction', () =>
      list().find((m) => m.id === message.id && (m.reactions['👍']?.length ?? 0) > 0),
    );
    expect(Object.keys(reacted.reactions)).toEqual(['👍']);
    await alice.redact(room, reaction);
    await until('reaction removed', () =>
      list().find((m) => m.id === message.id && !m.reactions['👍']?.length),
    );
    await alice.redact(room, id);
    const gone = await until('deletion', () =>
      list().find((m) => m.id === message.id && m.deleted),
    );
    expect(gone.text).toBeNull();
  });

  it('refuses a Matrix edit of someone else’s message, counted as a failed edit', async () => {
    // The library's own edit-sender check is off (it fetched the original before queuing the
    // edit): the core's rule that only the sender edits is what refuses it.
    const bob = await MatrixTestClient.register(world.synapse.url, 'bob_edits');
    await alice.invite(room, bob.userId);
    await bob.join(room);
    const failedEdits = () =>
      runtime
        .dropped()
        .filter((d) => d.network === 'matrix' && d.kind === 'edit' && d.reason === 'failed')
        .reduce((sum, d) => sum + d.count, 0);
    const before = failedEdits();
    const id = await alice.sendText(room, 'alice wrote this');
    const original = await until('original', () =>
      list().find((m) => m.text === 'alice wrote this'),
    );
    await bob.send(room, {
      msgtype: 'm.text',
      body: '* bob rewrote it',
      'm.new_content': { msgtype: 'm.text', body: 'bob rewrote it' },
      'm.relates_to': { rel_type: 'm.replace', event_id: id },
    });
    await bob.sendText(room, 'bob after the edit');
    const after = await until('bob’s next message', () =>
      list().find((m) => m.text === 'bob after the edit'),
    );
    await until('the refused edit counted', () => failedEdits() === before + 1);
    const kept = list().find((m) => m.id === original.id);
    expect(kept?.text).toBe('alice wrote this');
    expect(kept?.editedAt).toBeUndefined();
    expect(after.sender.origin).toEqual({ network: 'matrix', externalId: bob.userId });
  });

  it('carries edits, deletions, replies, reactions and files from the channel into Matrix', async () => {
    const ghost = ghostUserId(world.config, native.id);
    const root = await alice.sendText(room, 'matrix root');
    const rootMessage = await until('root', () => list().find((m) => m.text === 'matrix root'));
    const sent = await node.submit(native.id, {
      kind: 'sendMessage',
      channel: general,
      text: 'draft',
      replyTo: rootMessage.id,
    });
    await runtime.settle();
    const draft = await alice.waitFor(room, (ev) =>
      ev.find((e) => e.sender === ghost && e.content['body'] === 'draft'),
    );
    expect(draft.content['m.relates_to']).toEqual({ 'm.in_reply_to': { event_id: root } });
    await node.submit(native.id, {
      kind: 'editMessage',
      message: sent.created as never,
      text: 'final',
    });
    await node.submit(native.id, { kind: 'react', message: rootMessage.id, emoji: '🎉' });
    await runtime.settle();
    const edit = await alice.waitFor(room, (ev) =>
      ev.find(
        (e) =>
          e.sender === ghost &&
          (e.content['m.new_content'] as { body?: string } | undefined)?.body === 'final',
      ),
    );
    expect(edit.content['m.relates_to']).toEqual({
      rel_type: 'm.replace',
      event_id: draft.event_id,
    });
    await alice.waitFor(room, (ev) =>
      ev.find(
        (e) =>
          e.type === 'm.reaction' &&
          e.sender === ghost &&
          (e.content['m.relates_to'] as { key?: string }).key === '🎉',
      ),
    );
    await node.submit(native.id, { kind: 'redactMessage', message: sent.created as never });
    await runtime.settle();
    await alice.waitFor(room, (ev) =>
      ev.find((e) => e.event_id === draft.event_id && Object.keys(e.content).length === 0),
    );
    // Since 0.4 a message's file is a blob of the node; the runtime streams it to the adapter.
    const report = await node.blobs.put(new TextEncoder().encode('quarterly report'), {
      mimeType: 'text/plain',
    });
    await node.submit(native.id, {
      kind: 'sendMessage',
      channel: general,
      text: 'report.txt',
      attachments: [{ hash: report.hash, name: 'report.txt', mimeType: 'text/plain' }],
    });
    await runtime.settle();
    const file = await alice.waitFor(room, (ev) =>
      ev.find((e) => e.sender === ghost && e.content['msgtype'] === 'm.file'),
    );
    expect(new TextDecoder().decode(await alice.download(String(file.content['url'])))).toBe(
      'quarterly report',
    );
  });

  it('brings a Matrix file into the channel as an attachment', async () => {
    const uri = await alice.upload(new TextEncoder().encode('from matrix'), 'text/plain', 'm.txt');
    await alice.send(room, {
      msgtype: 'm.file',
      body: 'm.txt',
      url: uri,
      info: { mimetype: 'text/plain', size: 11 },
    });
    const got = await until('file', () => list().find((m) => m.attachments?.[0]?.name === 'm.txt'));
    expect(got.attachments?.[0]).toMatchObject({ name: 'm.txt', mimeType: 'text/plain', size: 11 });
    expect(adapter.health().state).toBe('connected');
  });

  it('links a portal room when a Matrix user joins #mc_<channel> (with the runtime’s link manager)', async () => {
    const lobby = await alice.join('#mc_lobby:localhost');
    const links = await runtime.links.list();
    expect(links.find((l) => l.target['room'] === lobby)?.channelName).toBe('lobby');
    await alice.sendText(lobby, 'hello lobby');
    const channel = node.findChannelByName('lobby');
    const got = await until('lobby message', () =>
      channel
        ? node
            .listMessages(channel.id, { limit: 10 } as never)
            .find((m) => m.text === 'hello lobby')
        : undefined,
    );
    expect(got.sender.origin).toEqual({ network: 'matrix', externalId: alice.userId });
  });

  it('carries roles both ways in a channel the gateway created', async () => {
    const staffRoom = await alice.createRoom({ name: 'staff' });
    const staff = (
      await runtime.links.create({
        channel: 'staff',
        network: 'matrix',
        target: { room: staffRoom },
      })
    ).channel as ChannelId;
    const mo = await MatrixTestClient.register(world.synapse.url, 'mo');
    await mo.join(staffRoom);
    type Levels = { users?: Record<string, number> };
    const levels = await alice.state<Levels>(staffRoom, 'm.room.power_levels');
    // The bot needs power to set levels; mo becomes a moderator in Matrix.
    await alice.putState(staffRoom, 'm.room.power_levels', {
      ...levels,
      users: { ...(levels.users ?? {}), [adapter.botUserId]: 100, [mo.userId]: 50 },
    });
    const moUser = await untilAsync('mo bridged', () =>
      store.identities.get('matrix' as NetworkName, mo.userId),
    );
    await until('mo moderator', () => node.roleOf(staff, moUser.userId) === 'moderator');

    // Multichat → Matrix: the gateway (admin of `staff`) makes nina a moderator.
    await node.submit(native.id, { kind: 'joinChannel', channel: staff });
    const gateway = await node.ensureBridgedUser(GATEWAY_ORIGIN, { username: 'gateway' });
    await node.submit(gateway.id, {
      kind: 'setRole',
      channel: staff,
      user: native.id,
      role: 'moderator',
    });
    await runtime.settle();
    const ghost = ghostUserId(world.config, native.id);
    const after = await untilAsync('ghost level', async () => {
      const now = await alice.state<Levels>(staffRoom, 'm.room.power_levels');
      return now.users?.[ghost] === 50 ? now : undefined;
    });
    expect(after.users?.[mo.userId]).toBe(50);
    expect(node.roleOf(staff, native.id)).toBe('moderator');
  });
});
