/**
 * Slack files, both ways, against the fake Slack: inbound `files[]` become attachments, outbound
 * attachments go through files v2 (getUploadURLExternal → upload_url → completeUploadExternal),
 * and anything that cannot be uploaded is carried as a link in the text.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InboundEvent, LinkTarget, SendAction, TargetKey } from '../../src/bridges/types.js';
import type { FakeChannel, FakeUser } from '../peers/slack-fake/index.js';
import {
  startSlackHarness,
  until,
  type ReceiverMode,
  type SlackHarness,
} from '../peers/slack-fake/harness.js';

const base = (target: LinkTarget) => ({
  target,
  targetKey: 'slack:test' as TargetKey,
  idempotencyKey: `k-${Math.random()}`,
  sender: { id: 'p-alice', name: 'alice', avatarUrl: 'https://avatars.example/alice.png' },
});
const sendAction = (
  target: LinkTarget,
  text: string,
  extra: Partial<SendAction> = {},
): SendAction => ({
  kind: 'send',
  ...base(target),
  text,
  rich: { blocks: [] },
  ...extra,
});

describe.each<ReceiverMode>(['socket', 'http'])('slack media (%s receiver)', (mode) => {
  let h: SlackHarness;
  let general: FakeChannel;
  let bob: FakeUser;

  beforeAll(async () => {
    h = await startSlackHarness(mode, { config: { maxAttachmentBytes: 1_024 } });
    general = h.fake.addChannel('general');
    bob = h.fake.addUser('bob');
  });
  afterAll(async () => {
    await h.stop();
  });

  async function next<K extends InboundEvent['kind']>(
    from: number,
    kind: K,
    count = 1,
  ): Promise<Extract<InboundEvent, { kind: K }>[]> {
    const of = () =>
      h.events.slice(from).filter((e): e is Extract<InboundEvent, { kind: K }> => e.kind === kind);
    await until(() => of().length >= count, `${count} ${kind} event(s)`);
    return of();
  }

  it('file_share → message with the files as attachments', async () => {
    const from = h.events.length;
    const file = {
      id: 'F1',
      name: 'cat.png',
      mimetype: 'image/png',
      size: 1234,
      url_private: 'https://files.slack.com/files-pri/T1-F1/cat.png',
    };
    h.fake.say(general, bob, 'look', { files: [file] });
    const [message] = await next(from, 'message');
    expect(message?.attachments).toEqual([
      { url: file.url_private, name: 'cat.png', mimeType: 'image/png', size: 1234 },
    ]);
  });

  it('attachments go through getUploadURLExternal → upload_url → completeUploadExternal', async () => {
    const bytes = Buffer.from('PNG-bytes-here');
    const url = h.fake.publish('cat.png', bytes, 'image/png');
    const root = await h.adapter.send(sendAction({ channel: general.id }, 'root'));
    const sent = await h.adapter.send(
      sendAction({ channel: general.id }, 'a cat', {
        threadRoot: root.externalIds[0],
        attachments: [{ url, name: 'cat.png', mimeType: 'image/png', size: bytes.length }],
      }),
    );
    const slot = h.fake.callsOf('files.getUploadURLExternal').at(-1);
    expect(slot?.args).toMatchObject({ filename: 'cat.png', length: String(bytes.length) });
    const done = h.fake.callsOf('files.completeUploadExternal').at(-1);
    expect(done?.args).toMatchObject({ channel_id: general.id, thread_ts: root.externalIds[0] });
    const file = [...h.fake.state.files.values()].at(-1);
    expect(file?.bytes?.equals(bytes)).toBe(true);
    expect(file).toMatchObject({
      channel: general.id,
      title: 'cat.png',
      thread_ts: root.externalIds[0],
    });
    // The text's ts, then the file: deleting the message deletes both.
    expect(sent.externalIds).toEqual([expect.stringMatching(/^\d+\.\d+$/), `file:${file?.id}`]);
    await h.adapter.delete({
      kind: 'delete',
      ...base({ channel: general.id }),
      externalIds: sent.externalIds,
    });
    expect(h.fake.callsOf('files.delete').at(-1)?.args).toMatchObject({ file: file?.id });
    expect(h.fake.state.files.has(file?.id ?? '')).toBe(false);
    expect(h.fake.state.message(general.id, sent.externalIds[0] as string)).toBeUndefined();
  });

  it('an attachment over maxAttachmentBytes or unreachable is carried as a link instead', async () => {
    const uploads = h.fake.callsOf('files.getUploadURLExternal').length;
    const big = h.fake.publish('big.bin', Buffer.alloc(2_048));
    const missing = `${h.fake.url}/public/missing.bin`;
    const result = await h.adapter.send(
      sendAction({ channel: general.id }, 'files', {
        attachments: [
          { url: big, name: 'big.bin' },
          { url: missing, name: 'missing.bin' },
        ],
      }),
    );
    // The links join the text of the message (no extra message, so edits keep one part).
    expect(result.externalIds).toHaveLength(1);
    expect(h.fake.state.message(general.id, result.externalIds[0] as string)?.text).toBe(
      `files\n<${big}>\n<${missing}>`,
    );
    expect(h.fake.callsOf('files.getUploadURLExternal')).toHaveLength(uploads);
  });
});

describe('slack media guard', () => {
  it('by default an attachment on a loopback or private address is not fetched (sent as a link)', async () => {
    const guarded = await startSlackHarness('socket', {
      config: { allowPrivateAttachmentUrls: false },
    });
    try {
      const channel = guarded.fake.addChannel('general');
      const url = guarded.fake.publish('secret.txt', Buffer.from('internal'));
      const result = await guarded.adapter.send(
        sendAction({ channel: channel.id }, 'see', { attachments: [{ url, name: 'secret.txt' }] }),
      );
      expect(guarded.fake.callsOf('files.getUploadURLExternal')).toHaveLength(0);
      expect(
        result.externalIds.map((ts) => guarded.fake.state.message(channel.id, ts)?.text),
      ).toEqual([`see\n<${url}>`]);
    } finally {
      await guarded.stop();
    }
  });
});
