/**
 * No silent drop: each kind of event the runtime does not carry, sent on purpose, shows up in
 * `runtime.dropped()` under its network, kind and reason, with one debug log line, and nothing
 * else is counted. (Every other router test runs with the harness's zero-drops check.)
 */
import { describe, expect, it } from 'vitest';
import type {
  AdapterComponents,
  AdapterLogger,
  ExternalMessageId,
  ExternalUserId,
} from '../../../src/bridges/types.js';
import type { DropCount } from '../../../src/bridges/runtime/dropped.js';
import { targetKeyOf } from '../../../src/mapping/index.js';
import type { NetworkName } from '../../../src/mapping/types.js';
import { createTestAdapter, TestNetwork } from '../../support/test-adapter.js';
import { startHarness, type AdapterSpec, type Harness } from './harness.js';

const main = { channel: 'main' };
const bob = { externalId: 'bob' as ExternalUserId, displayName: 'bob' };
const missing = 'never-seen' as ExternalMessageId;

interface Logged {
  readonly obj: Record<string, unknown>;
  readonly msg: string | undefined;
}

function debugLog(lines: Logged[]): AdapterLogger {
  const noop = () => undefined;
  return {
    info: noop,
    warn: noop,
    error: noop,
    debug: (obj, msg) => {
      if (typeof obj === 'object') lines.push({ obj: obj as Record<string, unknown>, msg });
    },
  };
}

async function start(specs: readonly AdapterSpec[] = [{ name: 'a' }, { name: 'b' }]) {
  const logs: Logged[] = [];
  const h = await startHarness(specs, { logger: debugLog(logs) });
  h.expectDrops();
  return { h, logs };
}

/** The counts, and the debug lines that went with them (network, kind, reason). */
function dropsOf(h: Harness, logs: readonly Logged[]) {
  const lines = logs
    .filter((l) => l.msg === 'event not carried (dropped)')
    .map((l) => `${String(l.obj.network)} ${String(l.obj.kind)} ${String(l.obj.reason)}`);
  return { counts: h.runtime.dropped(), lines };
}

const one = (network: string, kind: string, reason: string): DropCount =>
  ({ network, kind, reason, count: 1 }) as DropCount;

describe('events the runtime does not carry are counted and logged', () => {
  it('an inbound event at a target no link covers (unlinked)', async () => {
    const { h, logs } = await start();
    await h.adapter('a').receive({ channel: 'elsewhere' }, 'bob', 'hi');
    await h.settle();
    expect(dropsOf(h, logs)).toEqual({
      counts: [one('a', 'message', 'unlinked')],
      lines: ['a message unlinked'],
    });
    expect(h.node.listMessages(h.general)).toEqual([]);
  });

  it('inbound edits, deletes and reactions of a message never bridged (unknown_message)', async () => {
    const { h, logs } = await start();
    const a = h.adapter('a');
    await a.inject({ kind: 'edit', target: main, sender: bob, externalId: missing, text: 'x' });
    await a.inject({ kind: 'delete', target: main, sender: bob, externalId: missing });
    await a.inject({ kind: 'delete', target: main, externalId: missing });
    await a.inject({
      kind: 'reaction',
      target: main,
      sender: bob,
      externalId: missing,
      emoji: '👍',
      added: true,
    });
    await h.settle();
    expect(dropsOf(h, logs)).toEqual({
      counts: [
        one('a', 'edit', 'unknown_message'),
        { ...one('a', 'delete', 'unknown_message'), count: 2 },
        one('a', 'reaction', 'unknown_message'),
      ],
      lines: [
        'a edit unknown_message',
        'a delete unknown_message',
        'a delete unknown_message',
        'a reaction unknown_message',
      ],
    });
    expect(h.networks.get('b')?.posts).toEqual([]);
  });

  it('a message and a join of a person banned from the channel (banned)', async () => {
    const { h, logs } = await start();
    await h.adapter('a').receive(main, 'bob', 'before the ban');
    await h.settle();
    const id = h.node.listMessages(h.general)[0]?.sender.id;
    await h.node.submit(h.alice.id, {
      kind: 'setRole',
      channel: h.general,
      user: id as never,
      role: 'banned',
    });
    await h.settle();
    await h.adapter('a').receive(main, 'bob', 'after the ban');
    await h.adapter('a').inject({ kind: 'join', target: main, sender: bob });
    await h.settle();
    expect(h.node.listMessages(h.general).map((m) => m.text)).toEqual(['before the ban']);
    const { counts, lines } = dropsOf(h, logs);
    expect(counts.filter((c) => c.network === 'a')).toEqual([
      one('a', 'message', 'banned'),
      one('a', 'join', 'banned'),
    ]);
    expect(lines.filter((l) => l.startsWith('a '))).toEqual(['a message banned', 'a join banned']);
  });

  it('an inbound event the core refuses (failed)', async () => {
    const { h, logs } = await start();
    // Past the core's message size limit: the intent is rejected, the adapter is not told.
    await h.adapter('a').receive(main, 'bob', 'x'.repeat(300_000));
    await h.settle();
    expect(h.node.listMessages(h.general)).toEqual([]);
    expect(dropsOf(h, logs)).toEqual({
      counts: [one('a', 'message', 'failed')],
      lines: ['a message failed'],
    });
  });

  it('edits, deletes, reactions and joins towards a network that cannot take them (unsupported)', async () => {
    const { h, logs } = await start([
      { name: 'a' },
      {
        name: 'b',
        capabilities: { edits: false, deletes: false, reactions: false, membership: false },
      },
    ]);
    const id = (await h.say('hello')) as never;
    await h.node.submit(h.alice.id, { kind: 'editMessage', message: id, text: 'hello!' });
    await h.node.submit(h.alice.id, { kind: 'react', message: id, emoji: '👍' });
    await h.node.submit(h.alice.id, { kind: 'unreact', message: id, emoji: '👍' });
    await h.node.submit(h.alice.id, { kind: 'redactMessage', message: id });
    const dave = (await h.node.createLocalUser('dave')).user;
    await h.node.submit(dave.id, { kind: 'joinChannel', channel: h.general });
    await h.settle();
    expect(dropsOf(h, logs)).toEqual({
      counts: ['edit', 'react', 'unreact', 'delete', 'join'].map((k) => one('b', k, 'unsupported')),
      lines: ['edit', 'react', 'unreact', 'delete', 'join'].map((k) => `b ${k} unsupported`),
    });
    // a took every one of them.
    expect(h.networks.get('a')?.calls.map((c) => c.kind)).toEqual([
      'send',
      'edit',
      'react',
      'unreact',
      'delete',
      'join',
    ]);
  });

  it('a link to a network this gateway runs no adapter for (not_configured)', async () => {
    const { h, logs } = await start();
    await h.store.links.create({
      channel: h.general,
      network: 'gone' as NetworkName,
      target: main,
    });
    await h.say('hello');
    expect(dropsOf(h, logs)).toEqual({
      counts: [one('gone', 'send', 'not_configured')],
      lines: ['gone send not_configured'],
    });
  });

  it('an edit of a message whose original never reached the target (unknown_message)', async () => {
    const { h, logs } = await start();
    const id = (await h.say('before the second link')) as never;
    const late = { channel: 'late' };
    await h.runtime.links.create({ channel: 'general', network: 'b', target: late });
    await h.node.submit(h.alice.id, { kind: 'editMessage', message: id, text: 'edited' });
    await h.settle();
    expect(h.networks.get('a')?.posts[0]?.text).toBe('edited');
    expect(h.networks.get('b')?.at(targetKeyOf('b' as NetworkName, late))).toEqual([]);
    expect(dropsOf(h, logs)).toEqual({
      counts: [one('b', 'edit', 'unknown_message')],
      lines: ['b edit unknown_message'],
    });
  });

  it('a message deleted while its delivery waited for a retry (message_gone)', async () => {
    const { h, logs } = await start();
    h.adapter('b').failNext(1);
    const id = (await h.say('soon gone')) as never;
    await h.node.submit(h.alice.id, { kind: 'redactMessage', message: id });
    await h.tick(60_000);
    expect(h.networks.get('b')?.posts).toEqual([]);
    const { counts, lines } = dropsOf(h, logs);
    expect(counts).toContainEqual(one('b', 'send', 'message_gone'));
    expect(lines).toContain('b send message_gone');
  });

  it('what an adapter reports it could not carry (adapter)', async () => {
    let components: AdapterComponents | undefined;
    const network = new TestNetwork('s-');
    const inner = createTestAdapter({ name: 's', network });
    const build = Object.assign(
      (c: AdapterComponents) => {
        components = c;
        return inner(c);
      },
      { network: inner.network },
    );
    const { h, logs } = await start([{ name: 's', build }, { name: 'b' }]);
    components?.reportDrop?.('other', undefined, 'a system message of type 7');
    components?.reportDrop?.('message', 'unsupported', 'a sticker');
    expect(dropsOf(h, logs)).toEqual({
      counts: [one('s', 'other', 'adapter'), one('s', 'message', 'unsupported')],
      lines: ['s other adapter', 's message unsupported'],
    });
    expect(logs.map((l) => l.obj.detail)).toContain('a system message of type 7');
  });
});
