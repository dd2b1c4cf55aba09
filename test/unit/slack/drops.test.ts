/** Slack events the adapter sees and does not emit are reported as drops, never lost silently. */
import { describe, expect, it } from 'vitest';
import type { SlackMessage } from '../../../src/bridges/slack/events.js';
import { Inbound } from '../../../src/bridges/slack/inbound.js';
import type { InboundEvent } from '../../../src/bridges/types.js';

type Deps = ConstructorParameters<typeof Inbound>[0];

function setup() {
  const emitted: InboundEvent[] = [];
  const drops: [string, string | undefined, string | undefined][] = [];
  const deps = {
    emit: (event: InboundEvent) => {
      emitted.push(event);
      return Promise.resolve();
    },
    users: {
      sender: (id: string) => Promise.resolve({ externalId: id, displayName: id }),
      get: () => Promise.resolve(undefined),
    },
    files: { attachment: (f: { id: string }) => ({ name: f.id, open: () => Promise.reject() }) },
    self: () => ({ botId: 'B0', botUserId: 'U0' }),
    logger: { debug() {}, info() {}, warn() {}, error() {} },
    reportDrop: (kind: string, reason?: string, detail?: string) => {
      drops.push([kind, reason, detail]);
    },
  } as unknown as Deps;
  return { inbound: new Inbound(deps), emitted, drops };
}

const msg = (fields: Partial<SlackMessage>): SlackMessage => ({
  type: 'message',
  channel: 'C1',
  user: 'U1',
  ts: '1700000000.000100',
  ...fields,
});

describe('slack inbound drops', () => {
  it('counts a pin notice and a channel rename, emits neither', async () => {
    const { inbound, emitted, drops } = setup();
    await inbound.message(msg({ subtype: 'pinned_item', text: 'pinned a message' }));
    await inbound.message(msg({ subtype: 'channel_name', text: 'renamed the channel' }));
    expect(emitted).toEqual([]);
    expect(drops).toEqual([
      ['other', 'unsupported', 'subtype pinned_item'],
      ['other', 'unsupported', 'subtype channel_name'],
    ]);
  });

  it('does not count channel_join (carried as member_joined_channel)', async () => {
    const { inbound, drops } = setup();
    await inbound.message(msg({ subtype: 'channel_join', text: '<@U1> has joined' }));
    expect(drops).toEqual([]);
  });

  it('counts a reaction on a file', async () => {
    const { inbound, emitted, drops } = setup();
    await inbound.reaction({
      type: 'reaction_added',
      user: 'U1',
      reaction: 'thumbsup',
      item: { type: 'file' },
    });
    expect(emitted).toEqual([]);
    expect(drops).toEqual([['reaction', 'unsupported', 'on a file']]);
  });

  it('carries the text of an edit that removes a file and counts the file change', async () => {
    const { inbound, emitted, drops } = setup();
    const before = msg({ text: 'look', files: [{ id: 'F1', name: 'a.png' }] });
    await inbound.message(
      msg({
        subtype: 'message_changed',
        message: msg({ text: 'look again', files: [] }),
        previous_message: before,
      }),
    );
    expect(emitted).toMatchObject([{ kind: 'edit', text: 'look again' }]);
    expect(drops).toEqual([['edit', 'unsupported', 'attachments changed']]);
  });

  it('counts a file-only change (text unchanged) and emits no edit', async () => {
    const { inbound, emitted, drops } = setup();
    await inbound.message(
      msg({
        subtype: 'message_changed',
        message: msg({ text: 'look', files: [{ id: 'F2' }] }),
        previous_message: msg({ text: 'look', files: [{ id: 'F1' }] }),
      }),
    );
    expect(emitted).toEqual([]);
    expect(drops).toEqual([['edit', 'unsupported', 'attachments changed']]);
  });
});
