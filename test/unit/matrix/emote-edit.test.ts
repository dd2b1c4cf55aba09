/**
 * A Matrix edit states the msgtype of its new content (m.new_content), so it says whether the
 * message is an emote: an m.emote edited to m.text stops being one, an m.text edited to m.emote
 * becomes one. A media edit says nothing and the core keeps what the message was.
 */
import { describe, expect, it } from 'vitest';
import { InboundTranslator, type InboundDeps } from '../../../src/bridges/matrix/inbound.js';
import type { InboundEvent } from '../../../src/bridges/types.js';

function setup() {
  const emitted: InboundEvent[] = [];
  const deps = {
    naming: { ghostPrefix: 'mc_', serverName: 'localhost' },
    homeserverUrl: 'http://127.0.0.1:1',
    botUserId: '@bot:localhost',
    profiles: { sender: (id: string) => Promise.resolve({ externalId: id, displayName: id }) },
    emit: (event: InboundEvent) => emitted.push(event),
    openMedia: () => Promise.reject(new Error('no media in this test')),
    fileNotCarried: () => undefined,
    role: () => undefined,
    ghostLeft: () => undefined,
    warn: () => undefined,
    reportDrop: () => undefined,
  } as unknown as InboundDeps;
  return { translator: new InboundTranslator(deps), emitted };
}

let n = 0;
const event = (content: object) => ({
  type: 'm.room.message',
  room_id: '!room:localhost',
  sender: '@alice:localhost',
  event_id: `$e${++n}`,
  content,
});
const edit = (of: string, msgtype: string, body: string) =>
  event({
    msgtype,
    body: `* ${body}`,
    'm.new_content': { msgtype, body },
    'm.relates_to': { rel_type: 'm.replace', event_id: of },
  });

describe('matrix edits and the emote flag', () => {
  it('an m.emote edited to m.text is no longer an emote, and back', async () => {
    const { translator, emitted } = setup();
    const sent = event({ msgtype: 'm.emote', body: 'waves' });
    await translator.event(sent);
    await translator.event(edit(sent.event_id, 'm.text', 'says hi'));
    await translator.event(edit(sent.event_id, 'm.emote', 'waves again'));
    expect(
      emitted.map((e) => [e.kind, 'text' in e && e.text, 'isEmote' in e ? e.isEmote : 'unsaid']),
    ).toEqual([
      ['message', 'waves', true],
      ['edit', 'says hi', false],
      ['edit', 'waves again', true],
    ]);
  });

  it('an edit whose new content has no text msgtype leaves the flag unsaid', async () => {
    const { translator, emitted } = setup();
    const sent = event({ msgtype: 'm.emote', body: 'waves' });
    await translator.event(sent);
    await translator.event(
      event({
        body: '* waves',
        'm.new_content': { body: 'waves' },
        'm.relates_to': { rel_type: 'm.replace', event_id: sent.event_id },
      }),
    );
    expect(emitted[1]).toMatchObject({ kind: 'edit', text: 'waves' });
    expect(emitted[1]).not.toHaveProperty('isEmote');
  });
});
