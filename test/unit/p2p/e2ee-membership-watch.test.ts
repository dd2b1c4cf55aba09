/**
 * A node that starts hosting a member of a private channel asks peers for the content of the
 * messages it holds without it (stored as a non-member relay). In an encrypted channel it asks
 * only for messages sent from that member's membership on: earlier ones were sealed to chains
 * never shared with the member, so fetching them is wasted. A plaintext private channel is the
 * control: there every message without content is asked for.
 */
import { describe, expect, it } from 'vitest';
import type { MultichatNode } from '../../../src/core/index.js';
import { envelopeWithoutContent, HostedChannels } from '../../../src/core/p2p/channel-access.js';
import { ContentWanted } from '../../../src/core/p2p/content-wanted.js';
import { MembershipWatch } from '../../../src/core/p2p/membership-watch.js';
import type { ChannelId, EntryEnvelope, EntryId } from '../../../src/core/types.js';
import { eventually } from '../../support/eventually.js';
import { tempNode } from '../../support/core.js';

/** Gives `to` every entry of `from` it lacks, without message content (a non-member's copy). */
async function relayCopy(from: MultichatNode, to: MultichatNode) {
  const have = to.frontier();
  const envelopes: EntryEnvelope[] = [...from.frontier()].flatMap(([author]) =>
    from.entriesAfter(author, have.get(author) ?? 0, 1_000_000),
  );
  expect((await to.ingest(envelopes.map(envelopeWithoutContent))).rejected).toEqual([]);
}

async function scenario(encrypted: boolean) {
  const a = await tempNode();
  const b = await tempNode();
  const alice = (await a.createLocalUser('alice')).user.id;
  const bob = (await b.createLocalUser('bob')).user.id;
  const ch = (
    await a.submit(alice, { kind: 'createChannel', name: 'v', visibility: 'private', encrypted })
  ).channel!.id as ChannelId;
  const send = async (text: string) =>
    (await a.submit(alice, { kind: 'sendMessage', channel: ch, text })).entry;
  const before = [await send('before 1'), await send('before 2')];
  await relayCopy(a, b);
  await relayCopy(b, a); // bob's profile (and box key) reaches alice's node
  await a.submit(alice, { kind: 'setRole', channel: ch, user: bob, role: 'member' });
  const after = [await send('after 1'), await send('after 2')];
  await relayCopy(a, b);
  expect(b.listMessages(ch).map((m) => m.text)).toEqual([null, null, null, null]);

  // b now hosts a member: its watch looks for what to ask peers for.
  const wanted = new ContentWanted(b);
  let found = 0;
  const watch = new MembershipWatch(b, new HostedChannels(b), wanted, () => (found += 1));
  watch.start();
  await eventually(() => found > 0, { what: 'the watch to find missing content' });
  watch.stop();
  return { asked: [...wanted.snapshot().keys()].sort(), before, after };
}

const sorted = (ids: EntryId[]) => [...ids].sort();

describe('content a newly hosted member could read', () => {
  it('an encrypted private channel: only messages from the membership on are asked for', async () => {
    const { asked, after } = await scenario(true);
    expect(asked).toEqual(sorted(after));
  });

  it('a plaintext private channel: every message without content is asked for', async () => {
    const { asked, before, after } = await scenario(false);
    expect(asked).toEqual(sorted([...before, ...after]));
  });
});
