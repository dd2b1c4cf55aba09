import { describe, expect, it } from 'vitest';
import { AmbiguousNameError } from '../../../src/core/errors.js';
import type { ChannelId, MultichatNode } from '../../../src/core/types.js';
import { createApp } from '../../../src/gateway/http/app.js';
import { linkRoutes } from '../../../src/gateway/http/routes/links.js';
import { allEnvelopes, tempNode } from '../../support/core.js';
import { startHarness } from './harness.js';

const ADMIN = 'squat-admin-token-0123456789abcdef';
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

/** A stranger's node creates a channel called `name`; its log reaches `victim` as sync would. */
async function squat(victim: MultichatNode, name: string): Promise<ChannelId> {
  const peer = await tempNode();
  const { user } = await peer.createLocalUser('mallory');
  const { channel } = await peer.submit(user.id, { kind: 'createChannel', name });
  expect((await victim.ingest(allEnvelopes(peer))).rejected).toEqual([]);
  return channel!.id;
}

describe('links and same-named channels', () => {
  it('a configured link keeps its channel when a peer later creates one of the same name', async () => {
    const h = await startHarness([{ name: 'a' }, { name: 'b' }], { link: false });
    await h.runtime.links.applyConfig([
      { channel: 'general', network: 'a', target: { channel: 'main' } },
    ]);
    const squatter = await squat(h.node, 'general');
    expect(h.node.findChannelsByName('general')).toHaveLength(2);

    // A restart applies the same config again, now with a second network for the same name.
    await h.runtime.links.applyConfig([
      { channel: 'general', network: 'a', target: { channel: 'main' } },
      { channel: 'general', network: 'b', target: { channel: 'main' } },
    ]);
    const links = await h.runtime.links.list();
    expect(links.map((l) => [l.network, l.channel]).sort()).toEqual([
      ['a', h.general],
      ['b', h.general],
    ]);
    expect(links.some((l) => l.channel === squatter)).toBe(false);

    // Traffic from the newly linked network lands in the original channel only; a sender whose
    // display name is hostile gets a clean name, and the message is not lost.
    await h.adapter('b').receive({ channel: 'main' }, '\u202Ebob\u0000', 'from b');
    await h.settle();
    expect(h.node.listMessages(squatter)).toEqual([]);
    const [message] = h.node.listMessages(h.general);
    expect(message?.text).toBe('from b');
    expect(message?.sender.username).toBe('bob');
  });

  it('prefers the channel a user of this node created over a peer one of the same name', async () => {
    const h = await startHarness([{ name: 'a' }], { link: false });
    await squat(h.node, 'general');
    const link = await h.runtime.links.create({
      channel: 'general',
      network: 'a',
      target: { channel: 'main' },
    });
    expect(link.channel).toBe(h.general);
  });

  it('refuses a name that two strangers hold, naming both ids, over the API too', async () => {
    const h = await startHarness([{ name: 'a' }], { link: false });
    const first = await squat(h.node, 'news');
    const second = await squat(h.node, 'news');
    const error = await h.runtime.links
      .create({ channel: 'news', network: 'a', target: { channel: 'x' } })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(AmbiguousNameError);

    const { app } = createApp(
      { node: h.node, adminToken: ADMIN, logger: quiet, status: {} },
      { routes: [linkRoutes(h.runtime.links)] },
    );
    const res = await app.request('/api/v1/links', {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ channel: 'news', network: 'a', target: { channel: 'x' } }),
    });
    expect(res.status).toBe(409);
    const { error: body } = (await res.json()) as { error: { code: string; message: string } };
    expect(body.code).toBe('conflict');
    expect(body.message).toContain(first);
    expect(body.message).toContain(second);
    expect(await h.runtime.links.list()).toEqual([]);

    // By id the link is made.
    const byId = await h.runtime.links.create({
      channel: second,
      network: 'a',
      target: { channel: 'x' },
    });
    expect(byId.channel).toBe(second);
  });
});
