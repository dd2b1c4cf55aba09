/**
 * The router across a restart, with real SQLite stores (core and mapping) in a temp dir. The
 * "kill" happens between a send reaching the network and its acknowledgement: the runtime is
 * abandoned with the delivery still 'sending', then node and store are closed without the ack.
 * The fake network outlives the process, as a real chat service does.
 */
import { describe, expect, it } from 'vitest';
import type { ExternalUserId, NetworkName } from '../../src/bridges/types.js';
import type { MessageId } from '../../src/core/types.js';
import { targetKeyOf } from '../../src/mapping/index.js';
import { tempDir } from '../support/core.js';
import { eventually } from '../support/eventually.js';
import { TestNetwork } from '../support/test-adapter.js';
import { startHarness, VirtualClock } from '../unit/router/harness.js';

const main = { channel: 'main' };
const at = (name: string) => targetKeyOf(name as NetworkName, main);

const until = (check: () => boolean, what: string) =>
  eventually(check, { what, timeoutMs: 5_000, intervalMs: 10 });

describe('router restart', () => {
  it('delivers exactly once across a kill between send and ack, and keeps the message map', async () => {
    const dataDir = tempDir('mc-restart-');
    const networks = new Map([
      ['a', new TestNetwork('a-')],
      ['b', new TestNetwork('b-')],
    ]);
    const clock = new VirtualClock();
    const specs = [{ name: 'a' }, { name: 'b' }];
    const netA = networks.get('a') as TestNetwork;
    const netB = networks.get('b') as TestNetwork;

    // --- first process ---
    const first = await startHarness(specs, { dataDir, networks, clock });
    const before = (await first.say('native before')) as MessageId;
    const fromA = await first.adapter('a').receive(main, 'bob', 'bob before');
    await first.settle();
    expect(netB.at(at('b')).map((p) => p.text)).toEqual(['native before', 'bob before']);

    first.adapter('b').crashNextSend();
    const crashed = await first.node.submit(first.alice.id, {
      kind: 'sendMessage',
      channel: first.general,
      text: 'in flight',
    });
    await until(() => netB.posts.some((p) => p.text === 'in flight'), 'the send to reach b');
    await first.runtime.stop(10); // gives up on the hanging send: no ack is recorded
    expect((await first.store.outbox.countByState()).sending).toBe(1);
    await first.node.stop();
    await first.store.close();

    // --- second process, same data dir ---
    const second = await startHarness(specs, { dataDir, networks, clock, link: false });
    await second.settle();
    const inFlight = netB.posts.filter((p) => p.text === 'in flight');
    expect(inFlight).toHaveLength(1); // retried with the same key, de-duplicated by the network
    const attempts = netB.calls.filter((c) => c.idempotencyKey === inFlight[0]?.idempotencyKey);
    expect(attempts.map((c) => c.outcome)).toEqual(['crash', 'ok']);
    const counts = await second.store.outbox.countByState();
    expect(counts).toMatchObject({ sending: 0, pending: 0, dead: 0 });
    expect(netA.at(at('a')).map((p) => p.text)).toEqual([
      'native before',
      'bob before',
      'in flight',
    ]);

    // Edits of messages bridged before the restart still reach their copies.
    await second.node.submit(second.alice.id, {
      kind: 'editMessage',
      message: before,
      text: 'native after',
    });
    await second.node.submit(second.alice.id, {
      kind: 'editMessage',
      message: crashed.created as MessageId,
      text: 'landed',
    });
    await second.adapter('a').inject({
      kind: 'edit',
      target: main,
      sender: { externalId: 'bob' as ExternalUserId, displayName: 'bob' },
      externalId: fromA,
      text: 'bob after',
    });
    await second.settle();
    expect(netB.at(at('b')).map((p) => p.text)).toEqual(['native after', 'bob after', 'landed']);
    expect(netA.at(at('a')).map((p) => p.text)).toEqual(['native after', 'bob before', 'landed']);
    expect(second.node.listMessages(second.general).map((m) => m.text)).toEqual([
      'native after',
      'bob after',
      'landed',
    ]);
  });

  it('bridges a message committed while the router was not listening (commit-to-outbox window)', async () => {
    const dataDir = tempDir('mc-window-');
    const networks = new Map([['a', new TestNetwork('a-')]]);
    const clock = new VirtualClock();
    const first = await startHarness([{ name: 'a' }], { dataDir, networks, clock });
    await first.say('seen live');
    await first.runtime.stop(10);
    // The core commits, but no runtime hears the event (as if killed right after the commit).
    await first.node.submit(first.alice.id, {
      kind: 'sendMessage',
      channel: first.general,
      text: 'missed',
    });
    await first.node.stop();
    await first.store.close();

    const second = await startHarness([{ name: 'a' }], { dataDir, networks, clock, link: false });
    await second.settle();
    expect(
      networks
        .get('a')
        ?.at(at('a'))
        .map((p) => p.text),
    ).toEqual(['seen live', 'missed']);
  });
});
