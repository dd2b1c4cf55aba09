/**
 * The long-edit rule on a real Synapse (docs/architecture.md, "Long messages"): a message sent
 * as three text events and a file; an edit to two parts replaces the first two text events and
 * redacts the third, the file untouched; a later edit to four parts replaces the two text events
 * still standing and posts the other two after the message (the redacted one is not reused).
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMarkdown } from '../../src/bridges/format/index.js';
import { MatrixAdapter } from '../../src/bridges/matrix/index.js';
import type {
  EditAction,
  NetworkName,
  OutboundAttachment,
  SendAction,
  TargetKey,
} from '../../src/bridges/types.js';
import { MatrixTestClient, type MatrixEvent } from '../support/matrix-client.js';
import {
  PNG,
  collector,
  startMatrixWorld,
  synapseAvailable,
  type MatrixWorld,
} from './matrix-setup.js';

/** `n` paragraphs of 9,000 characters (two never fit one 16,000-character event). */
const paragraphs = (letters: string) => [...letters].map((c) => c.repeat(9_000));
const base = (room: string, key: string, texts: readonly string[]) => {
  const markdown = texts.join('\n\n');
  return {
    target: { room },
    targetKey: `matrix:${room}` as TargetKey,
    idempotencyKey: key,
    sender: { id: 'PersonBob', name: 'Bob' },
    text: markdown,
    rich: parseMarkdown(markdown),
  };
};

const png: OutboundAttachment = {
  hash: createHash('sha256').update(PNG).digest('hex'),
  name: 'cat.png',
  mimeType: 'image/png',
  size: PNG.byteLength,
  url: 'https://gateway.example/api/v1/media/cat?sig=abc',
  async open() {
    async function* chunks() {
      yield PNG;
    }
    return { contentType: 'image/png', size: PNG.byteLength, body: chunks() };
  },
};

describe.skipIf(!synapseAvailable())('Matrix long edits against a real Synapse', () => {
  let world: MatrixWorld;
  let adapter: MatrixAdapter;
  let alice: MatrixTestClient;
  let room: string;

  beforeAll(async () => {
    world = await startMatrixWorld();
    adapter = new MatrixAdapter('matrix' as NetworkName, world.config, collector().components);
    await adapter.start();
    alice = await MatrixTestClient.register(world.synapse.url, 'alice');
    room = await alice.createRoom({ name: 'long' });
    await adapter.resolveTarget({ room });
  });

  afterAll(async () => {
    await adapter?.stop();
    await world?.stop();
  });

  it('part i replaces text event i, leftovers are redacted, extra parts appended; files stay', async () => {
    const send: SendAction = {
      kind: 'send',
      ...base(room, 'long-1', paragraphs('abc')),
      attachments: [png],
    };
    const sent = await adapter.send(send);
    expect(sent.externalIds).toHaveLength(4); // three text events, then the file
    const [t0, t1, t2, file] = sent.externalIds;
    const edit = (key: string, texts: readonly string[], externalIds: EditAction['externalIds']) =>
      adapter.edit({ kind: 'edit', ...base(room, key, texts), externalIds } satisfies EditAction);

    /** The current text of each event (its newest replacement), null once redacted. */
    const current = async (ids: readonly string[]) => {
      const events = await alice.timeline(room, 500);
      return ids.map((id) => {
        const original = events.find((e: MatrixEvent) => e.event_id === id);
        if (!original || Object.keys(original.content).length === 0) return null;
        const edits = events.filter(
          (e) => (e.content['m.relates_to'] as { event_id?: string } | undefined)?.event_id === id,
        );
        const newest = edits.at(-1)?.content['m.new_content'] as { body?: string } | undefined;
        const body = newest?.body ?? (original.content['body'] as string);
        return original.content['msgtype'] === 'm.image' ? `file:${body}` : body[0]!;
      });
    };

    const shorter = await edit('edit-1', paragraphs('de'), sent.externalIds);
    expect(shorter.externalIds).toEqual([]);
    expect(await current([t0!, t1!, t2!, file!])).toEqual(['d', 'e', null, 'file:cat.png']);

    const longer = await edit('edit-2', paragraphs('fghi'), sent.externalIds);
    expect(longer.externalIds).toHaveLength(2);
    expect(await current([t0!, t1!, t2!, file!, ...longer.externalIds])).toEqual([
      'f',
      'g',
      null,
      'file:cat.png',
      'h',
      'i',
    ]);
  });
});
