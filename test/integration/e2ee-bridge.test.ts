/**
 * A gateway bridging an encrypted channel whose people live on another node: the gateway node
 * (the router harness's node, with P2P) hosts no member until the link is made with consent;
 * then its own profile joins, it receives the key shares, and what a member on the other node
 * writes reaches the linked network as plaintext. Before the link, the gateway node holds the
 * channel but cannot read it. Two in-process nodes on loopback.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GATEWAY_ORIGIN } from '../../src/bridges/runtime/links.js';
import type { NetworkName } from '../../src/bridges/types.js';
import { createNode } from '../../src/core/index.js';
import { loadOrCreateNodeKey } from '../../src/core/identity.js';
import { createP2P } from '../../src/core/p2p/index.js';
import type { ChannelId, MultichatNode, UserId } from '../../src/core/types.js';
import { targetKeyOf } from '../../src/mapping/index.js';
import { tempDir } from '../support/core.js';
import { eventually } from '../support/eventually.js';
import { startHarness, type Harness } from '../unit/router/harness.js';

const p2pFor = (node: MultichatNode, dir: string) =>
  createP2P({
    seed: loadOrCreateNodeKey(dir).seed,
    listen: ['/ip4/127.0.0.1/tcp/0'],
    mdns: false,
    syncIntervalMs: 0,
    redialIntervalMs: 0,
  })({ node });

let h: Harness;
let member: MultichatNode;
let alice: UserId;
let channel: ChannelId;
const stops: (() => Promise<void>)[] = [];
const key = targetKeyOf('slack' as NetworkName, { channel: 'sealed-room' });
const posted = () =>
  h.networks
    .get('slack')
    ?.at(key)
    .map((p) => p.text) ?? [];

beforeAll(async () => {
  h = await startHarness([{ name: 'slack' }], { link: false });
  const gatewayP2P = p2pFor(h.node, h.dataDir);
  await gatewayP2P.start();
  stops.push(() => gatewayP2P.stop());

  const dir = tempDir('mc-e2ee-member-');
  member = await createNode({ dataDir: dir, sweepIntervalMs: 0 });
  await member.start();
  const memberP2P = p2pFor(member, dir);
  await memberP2P.start();
  stops.unshift(async () => {
    await memberP2P.stop();
    await member.stop();
  });
  const made = await member.createLocalUser('alice');
  alice = made.user.id;
  channel = (await member.submit(made.user.id, {
    kind: 'createChannel',
    name: 'sealed',
    encrypted: true,
  }))!.channel!.id;
  await member.submit(made.user.id, { kind: 'sendMessage', channel, text: 'before the link' });
  await gatewayP2P.dial(memberP2P.addresses()[0]!);
  await gatewayP2P.fetchChannel(channel);
}, 60_000);

afterAll(async () => {
  for (const stop of stops) await stop().catch(() => undefined);
});

describe('a gateway bridging an encrypted channel of another node', () => {
  it('holds the channel but cannot read it before the link', async () => {
    await eventually(() => h.node.listMessages(channel).length === 1, {
      what: 'the first message on the gateway node',
    });
    expect(h.node.canRead(channel)).toBe(false);
    expect(h.node.listMessages(channel)[0]?.text).toBeNull();
  });

  it('without consent the link is refused and the gateway does not join', async () => {
    await expect(
      h.runtime.links.create({ channel, network: 'slack', target: { channel: 'sealed-room' } }),
    ).rejects.toThrow(/end-to-end encrypted.*allowEncrypted/);
    const gateway = await h.node.ensureBridgedUser(GATEWAY_ORIGIN, { username: 'gateway' });
    expect(h.node.roleOf(channel, gateway.id)).toBeUndefined();
  });

  it('with consent the gateway joins, gets the keys, and delivers what the member writes', async () => {
    const link = await h.runtime.links.create({
      channel,
      network: 'slack',
      target: { channel: 'sealed-room' },
      allowEncrypted: true,
    });
    expect(link.encrypted).toBe(true);
    const gateway = await h.node.ensureBridgedUser(GATEWAY_ORIGIN, { username: 'gateway' });
    // The member's node learns of the join, then seals its next messages to the gateway too.
    await eventually(() => member.roleOf(channel, gateway.id) === 'member', {
      what: "the gateway's join on the member's node",
      timeoutMs: 20_000,
    });
    await member.submit(alice, { kind: 'sendMessage', channel, text: 'after the link' });
    await eventually(() => posted().includes('after the link'), {
      what: 'the message after the link on the linked network',
      timeoutMs: 20_000,
    });
    expect(h.node.canRead(channel)).toBe(true);
  });
});
