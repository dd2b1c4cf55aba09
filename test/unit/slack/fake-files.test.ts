/**
 * The fake Slack's files v2 endpoints behave as the published docs describe, so the adapter's
 * tests against it mean something: the upload URL takes raw or multipart bytes of exactly the
 * announced length, completion shares the file into the channel history, and `url_private`
 * serves the bytes to the bot token only (a 302 to the sign-in page otherwise).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSlackFake, type SlackFake } from '../../peers/slack-fake/index.js';

describe('slack fake: files v2', () => {
  let fake: SlackFake;

  beforeAll(async () => {
    fake = await startSlackFake();
  });
  afterAll(async () => {
    await fake.stop();
  });

  async function api(
    method: string,
    args: Record<string, string>,
  ): Promise<Record<string, unknown>> {
    const res = await fetch(`${fake.apiUrl}${method}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${fake.botToken}` },
      body: new URLSearchParams(args),
    });
    return (await res.json()) as Record<string, unknown>;
  }

  it('multipart upload → complete → in the channel history, served to the bot token only', async () => {
    const channel = fake.addChannel('general');
    const bytes = Buffer.from('multipart bytes');
    const slot = await api('files.getUploadURLExternal', {
      filename: 'm.txt',
      length: String(bytes.length),
    });
    expect(slot).toMatchObject({
      ok: true,
      file_id: expect.any(String),
      upload_url: expect.any(String),
    });
    const form = new FormData();
    form.append('file', new Blob([bytes], { type: 'text/plain' }), 'm.txt');
    const upload = await fetch(String(slot['upload_url']), { method: 'POST', body: form });
    expect(upload.status).toBe(200);
    const done = await api('files.completeUploadExternal', {
      files: JSON.stringify([{ id: slot['file_id'], title: 'M' }]),
      channel_id: channel.id,
      initial_comment: 'here',
    });
    expect(done).toEqual({ ok: true, files: [{ id: slot['file_id'], title: 'M' }] });
    const [shared] = fake.state.history(channel.id);
    expect(shared).toMatchObject({ text: 'here' });
    const object = shared?.files?.[0];
    expect(object).toMatchObject({ id: slot['file_id'], name: 'm.txt', mimetype: 'text/plain' });
    const url = object?.url_private_download ?? '';
    const ok = await fetch(url, { headers: { authorization: `Bearer ${fake.botToken}` } });
    expect(Buffer.from(await ok.arrayBuffer()).equals(bytes)).toBe(true);
    const refused = await fetch(url, {
      headers: { authorization: 'Bearer xoxb-someone-else' },
      redirect: 'manual',
    });
    expect(refused.status).toBe(302);
    expect(fake.fileHost.downloads.map((d) => d.status)).toEqual([200, 302]);
    // A completed file cannot be completed again.
    const again = await api('files.completeUploadExternal', {
      files: JSON.stringify([{ id: slot['file_id'] }]),
    });
    expect(again).toEqual({ ok: false, error: 'file_not_found' });
  });

  it('the upload URL refuses a body whose length differs from the announced one', async () => {
    const slot = await api('files.getUploadURLExternal', { filename: 'x.bin', length: '10' });
    const short = await fetch(String(slot['upload_url']), { method: 'POST', body: 'only 9 b.' });
    expect(short.status).toBe(400);
    const done = await api('files.completeUploadExternal', {
      files: JSON.stringify([{ id: slot['file_id'] }]),
    });
    expect(done).toEqual({ ok: false, error: 'file_not_found' });
  });
});
