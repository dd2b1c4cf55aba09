/**
 * Matrix events the adapter sees and does not emit are reported as drops; msgtypes with a body
 * are written out by rule (a location as `[location: …]`) instead.
 */
import { describe, expect, it } from 'vitest';
import { InboundTranslator, type InboundDeps } from '../../../src/bridges/matrix/inbound.js';
import type { InboundEvent } from '../../../src/bridges/types.js';

function setup() {
  const emitted: InboundEvent[] = [];
  const drops: [string, string | undefined, string | undefined][] = [];
  const deps = {
    naming: { ghostPrefix: 'mc_', serverName: 'localhost' },
    homeserverUrl: 'http://127.0.0.1:1',
    botUserId: '@bot:localhost',
    profiles: {
      sender: (id: string) => Promise.resolve({ externalId: id, displayName: id }),
    },
    emit: (event: InboundEvent) => emitted.push(event),
    openMedia: () => Promise.reject(new Error('no media in this test')),
    fileNotCarried: () => undefined,
    role: () => undefined,
    ghostLeft: () => undefined,
    warn: () => undefined,
    reportDrop: (kind: string, reason?: string, detail?: string) => {
      drops.push([kind, reason, detail]);
    },
  } as unknown as InboundDeps;
  return { translator: new InboundTranslator(deps), emitted, drops };
}

let n = 0;
const message = (content: object) => ({
  type: 'm.room.message',
  room_id: '!room:localhost',
  sender: '@alice:localhost',
  event_id: `$e${++n}`,
  content,
});

describe('matrix inbound drops', () => {
  it('writes a location out as [location: body] and counts nothing', async () => {
    const { translator, emitted, drops } = setup();
    await translator.event(
      message({ msgtype: 'm.location', body: 'Town hall', geo_uri: 'geo:51.5,-0.1' }),
    );
    expect(emitted).toMatchObject([
      { kind: 'message', text: '[location: Town hall geo:51.5,-0.1]' },
    ]);
    expect(drops).toEqual([]);
  });

  it('carries an unknown custom msgtype by its body', async () => {
    const { translator, emitted, drops } = setup();
    await translator.event(message({ msgtype: 'com.example.poll', body: 'Lunch at 1?' }));
    expect(emitted).toMatchObject([{ kind: 'message', text: 'Lunch at 1?' }]);
    expect(drops).toEqual([]);
  });

  it('counts a key verification request and a bodiless custom msgtype, emits neither', async () => {
    const { translator, emitted, drops } = setup();
    await translator.event(
      message({ msgtype: 'm.key.verification.request', body: 'Alice wants to verify' }),
    );
    await translator.event(message({ msgtype: 'com.example.empty' }));
    expect(emitted).toEqual([]);
    expect(drops).toEqual([
      ['message', 'unsupported', 'msgtype m.key.verification.request'],
      ['message', 'unsupported', 'msgtype com.example.empty'],
    ]);
  });

  it('carries the caption of an edit that replaces a file and counts the file change', async () => {
    const { translator, emitted, drops } = setup();
    const file = message({
      msgtype: 'm.image',
      body: 'look',
      filename: 'a.png',
      url: 'mxc://localhost/aaa',
    });
    await translator.event(file);
    const newContent = { msgtype: 'm.image', body: 'look again', filename: 'b.png' };
    // Same file, new caption: an edit of the text only.
    await translator.event(
      message({
        msgtype: 'm.image',
        body: '* look again',
        'm.new_content': { ...newContent, url: 'mxc://localhost/aaa' },
        'm.relates_to': { rel_type: 'm.replace', event_id: file.event_id },
      }),
    );
    expect(drops).toEqual([]);
    await translator.event(
      message({
        msgtype: 'm.image',
        body: '* look again',
        'm.new_content': { ...newContent, url: 'mxc://localhost/bbb' },
        'm.relates_to': { rel_type: 'm.replace', event_id: file.event_id },
      }),
    );
    expect(emitted.map((e) => e.kind)).toEqual(['message', 'edit', 'edit']);
    expect(emitted[2]).toMatchObject({
      kind: 'edit',
      externalId: file.event_id,
      text: 'look again',
    });
    expect(drops).toEqual([['edit', 'unsupported', 'attachment changed']]);
  });
});
