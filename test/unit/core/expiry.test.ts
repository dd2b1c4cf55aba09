import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { createNode } from '../../../src/core/index.js';
import type { NodeEventOf } from '../../../src/core/index.js';
import { allEnvelopes, tempDir, tempNode } from '../../support/core.js';
import { eventually } from '../../support/eventually.js';

function fileHas(dir: string, marker: string): boolean {
  return ['multichat.db', 'multichat.db-wal'].some((file) => {
    const path = join(dir, file);
    return existsSync(path) && readFileSync(path).includes(Buffer.from(marker));
  });
}

describe('expiry', () => {
  it('deletes expired content from the SQLite file itself, keeps a tombstone and announces it', async () => {
    const dir = tempDir();
    let now = Date.now();
    let reads = 0;
    const clock = () => {
      reads += 1;
      return now;
    };
    const node = await createNode({ dataDir: dir, clock, sweepIntervalMs: 10 });
    await node.start();
    const { user } = await node.createLocalUser('alice');
    const { channel } = await node.submit(user.id, { kind: 'createChannel', name: 'general' });
    const secret = `secret-${Math.random().toString(36).slice(2)}-marker`;
    const kept = `kept-${Math.random().toString(36).slice(2)}-marker`;
    const m = await node.submit(user.id, {
      kind: 'sendMessage',
      channel: channel!.id,
      text: secret,
      expiresInSeconds: 60,
    });
    await node.submit(user.id, {
      kind: 'editMessage',
      message: m.created!,
      text: `${secret} edited`,
    });
    await node.submit(user.id, { kind: 'sendMessage', channel: channel!.id, text: kept });
    const deletes: NodeEventOf<'delete'>[] = [];
    node.on('delete', (e) => deletes.push(e));
    // Let the sweeper run several times before the expiry (each sweep reads the clock): none
    // may touch the message. A sweep's delete is visible to getMessage at once.
    const readsBefore = reads;
    await eventually(() => reads >= readsBefore + 10, { what: 'sweeps before the expiry' });
    expect(node.getMessage(m.created!)).toMatchObject({ deleted: false, text: `${secret} edited` });
    expect(fileHas(dir, secret)).toBe(true);
    expect(deletes).toHaveLength(0);

    now += 61_000;
    await vi.waitFor(() => expect(deletes).toHaveLength(1));
    expect(deletes[0]).toMatchObject({ message: m.created, cause: 'expiry' });
    const tombstone = node.getMessage(m.created!);
    expect(tombstone).toMatchObject({ deleted: true, text: null });
    await node.stop();
    expect(fileHas(dir, secret)).toBe(false);
    expect(fileHas(dir, kept)).toBe(true);
  });

  it('a peer that syncs after expiry receives the tombstone, not the text', async () => {
    let now = Date.now();
    const source = await tempNode({ clock: () => now, sweepIntervalMs: 10 });
    const { user } = await source.createLocalUser('alice');
    const { channel } = await source.submit(user.id, { kind: 'createChannel', name: 'general' });
    const m = await source.submit(user.id, {
      kind: 'sendMessage',
      channel: channel!.id,
      text: 'soon gone',
      expiresInSeconds: 5,
    });
    now += 6000;
    await vi.waitFor(() => expect(source.getMessage(m.created!)?.deleted).toBe(true));
    const late = await tempNode({ clock: () => now });
    const envelopes = allEnvelopes(source);
    expect(envelopes.every((e) => e.contents.size === 0)).toBe(true);
    expect((await late.ingest(envelopes)).rejected).toEqual([]);
    expect(late.getMessage(m.created!)?.text).toBeNull();
  });

  it('channel retention retires messages older than the retention', async () => {
    let now = Date.now();
    const node = await tempNode({ clock: () => now, sweepIntervalMs: 10 });
    const { user } = await node.createLocalUser('alice');
    const { channel } = await node.submit(user.id, {
      kind: 'createChannel',
      name: 'ephemeral',
      retentionSeconds: 3600,
    });
    await node.submit(user.id, { kind: 'sendMessage', channel: channel!.id, text: 'old' });
    now += 1800_000;
    await node.submit(user.id, { kind: 'sendMessage', channel: channel!.id, text: 'new' });
    now += 1800_000 + 1000;
    await vi.waitFor(() =>
      expect(node.listMessages(channel!.id).map((x) => x.text)).toEqual([null, 'new']),
    );
  });
});
