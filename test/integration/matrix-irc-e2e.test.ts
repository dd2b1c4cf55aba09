/**
 * End to end: IRC (a real ngircd) ↔ Multichat (`multichat start` as its own process, with both
 * bridges) ↔ Matrix (a real Synapse). The Matrix side of the link is a portal alias the gateway
 * creates at start. Without ngircd or Synapse the suite is skipped, except in CI.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RawIrcClient } from '../support/irc-client.js';
import type { MatrixTestClient } from '../support/matrix-client.js';
import {
  matrixIrcAvailable,
  startMatrixIrcWorld,
  stopMatrixIrcWorld,
  type MatrixIrcWorld,
} from '../support/matrix-irc-world.js';

const ZW = '\u200b';

describe.skipIf(!matrixIrcAvailable())('IRC ↔ Multichat ↔ Matrix end to end', () => {
  let w: MatrixIrcWorld | undefined;
  let irc: RawIrcClient;
  let alice: MatrixTestClient;
  let room: string;

  beforeAll(async () => {
    w = await startMatrixIrcWorld({
      channel: 'general',
      ircChannel: '#proj',
      alias: '#mc_general:localhost',
      aliceDisplayName: 'alicem',
    });
    ({ irc, alice, room } = w);
  }, 180_000);

  afterAll(async () => {
    await stopMatrixIrcWorld(w);
  });

  it('carries IRC lines into the Matrix room from the IRC person’s ghost, in order', async () => {
    const lines = ['hello from irc', 'second line', '\x02bold\x02 words'];
    for (const line of lines) irc.say('#proj', line);
    const got = await alice.waitFor(
      room,
      (ev) => {
        const msgs = ev.filter((e) => e.type === 'm.room.message' && e.sender.startsWith('@mc_'));
        return msgs.length >= 3 ? msgs : undefined;
      },
      60_000,
    );
    expect(got.map((e) => e.content['body'])).toEqual([
      'hello from irc',
      'second line',
      'bold words',
    ]);
    expect(got[2]?.content['formatted_body']).toBe('<strong>bold</strong> words');
    expect(new Set(got.map((e) => e.sender)).size).toBe(1);
    expect((await alice.profile(got[0]?.sender ?? '')).displayname).toBe('ircbob');
  });

  it('carries Matrix messages to IRC with the Matrix person’s name', async () => {
    const before = irc.messagesIn('#proj').length;
    await alice.sendText(room, 'hello from matrix', {
      format: 'org.matrix.custom.html',
      formatted_body: 'hello from <em>matrix</em>',
    });
    await alice.sendText(room, 'and again');
    const got = (await irc.waitForMessages('#proj', before + 2, 60_000)).slice(before);
    expect(got.map((m) => m.text.replaceAll(ZW, ''))).toEqual([
      '<alicem> hello from \x1dmatrix\x1d',
      '<alicem> and again',
    ]);
    expect(got.every((m) => m.nick === 'mcbridge')).toBe(true);
  });
});
