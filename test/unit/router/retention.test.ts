/**
 * Expiry (here: a channel's retention) deletes the copies the gateway posted on every linked
 * network; the original of a bridged message on the network it came from only with
 * `deleteOriginals` (the config's `retention.deleteOriginals`, default false).
 */
import { describe, expect, it } from 'vitest';
import { targetKeyOf } from '../../../src/mapping/index.js';
import type { NetworkName } from '../../../src/mapping/types.js';
import { eventually } from '../../support/eventually.js';
import { startHarness, type Harness } from './harness.js';

const room = { channel: 'room' };
const at = (name: string) => targetKeyOf(name as NetworkName, room);

/** A channel that keeps messages for one second, linked to a and b at `room`. */
async function start(deleteOriginals?: boolean): Promise<Harness> {
  const h = await startHarness([{ name: 'a' }, { name: 'b' }], {
    link: false,
    // The core's own clock and sweeper (real time): retention counts whole seconds.
    nodeOptions: { sweepIntervalMs: 50 },
    ...(deleteOriginals !== undefined && { runtimeOptions: { deleteOriginals } }),
  });
  await h.node.submit(h.alice.id, {
    kind: 'createChannel',
    name: 'brief',
    retentionSeconds: 1,
  });
  for (const network of ['a', 'b']) {
    await h.runtime.links.create({ channel: 'brief', network, target: room });
  }
  return h;
}

/** bob writes on a, alice natively; both reach the other places before expiry. */
async function converse(h: Harness) {
  const original = await h.adapter('a').receive(room, 'bob', 'from a');
  await h.settle();
  const channel = h.node.findChannelByName('brief')?.id as never;
  await h.node.submit(h.alice.id, { kind: 'sendMessage', channel, text: 'from multichat' });
  await h.settle();
  const texts = (name: string) =>
    h.networks
      .get(name)
      ?.at(at(name))
      .map((p) => p.text);
  expect(texts('a')).toEqual(['from a', 'from multichat']);
  expect(texts('b')).toEqual(['from a', 'from multichat']);
  return { original, texts };
}

/** Waits until the core retired both messages and their deletions were delivered. */
async function expired(h: Harness): Promise<void> {
  const channel = h.node.findChannelByName('brief')?.id as never;
  await eventually(() => h.node.listMessages(channel).every((m) => m.deleted), {
    what: 'both messages retired by retention',
  });
  await h.settle();
}

describe('retention and expiry across networks', () => {
  it('by default deletes the copies everywhere and keeps the original on its own network', async () => {
    const h = await start();
    const { original, texts } = await converse(h);
    await expired(h);
    await eventually(() => texts('b')?.length === 0 && texts('a')?.length === 1, {
      what: 'copies deleted on a and b',
    });
    // The original on a is untouched; the gateway's copy of alice's message there is gone.
    expect(texts('a')).toEqual(['from a']);
    expect(h.networks.get('a')?.find(original)?.deleted).toBe(false);
    expect(h.networks.get('a')?.calls.filter((c) => c.kind === 'delete')).toHaveLength(1);
    expect(h.networks.get('b')?.calls.filter((c) => c.kind === 'delete')).toHaveLength(2);
    // Keeping an original is the configured rule, not a drop.
    expect(h.runtime.dropped()).toEqual([]);
  });

  it('with deleteOriginals also deletes the original on the network it came from', async () => {
    const h = await start(true);
    const { original, texts } = await converse(h);
    await expired(h);
    await eventually(() => texts('a')?.length === 0 && texts('b')?.length === 0, {
      what: 'every post deleted on a and b',
    });
    expect(h.networks.get('a')?.find(original)?.deleted).toBe(true);
    expect(h.networks.get('a')?.calls.filter((c) => c.kind === 'delete')).toHaveLength(2);
  });
});
