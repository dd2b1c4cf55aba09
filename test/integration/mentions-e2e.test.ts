/**
 * Mentions end to end: IRC (a real ngircd, puppet mode) ↔ Multichat (`multichat start` as its
 * own process) ↔ Matrix (a real Synapse). An IRC person addressing the puppet of a Matrix person
 * (`alicem[m]: …`) reaches Matrix as a pill to the real Matrix account, listed in `m.mentions`;
 * a Matrix pill of the IRC person's ghost reaches IRC as that person's own nick. Skipped without
 * ngircd or Synapse, except in CI.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RawIrcClient, SeenMessage } from '../support/irc-client.js';
import type { MatrixEvent, MatrixTestClient } from '../support/matrix-client.js';
import {
  matrixIrcAvailable,
  startMatrixIrcWorld,
  stopMatrixIrcWorld,
  type MatrixIrcWorld,
} from '../support/matrix-irc-world.js';

describe.skipIf(!matrixIrcAvailable())('mentions across IRC and Matrix', () => {
  let w: MatrixIrcWorld | undefined;
  let irc: RawIrcClient;
  let alice: MatrixTestClient;
  let room: string;
  /** The Matrix ghost of ircbob, and the IRC puppet nick of alice. */
  let ghost: string;
  let puppet: string;

  /** The next IRC message in #proj after `before` that `match` accepts. */
  const ircMessage = async (before: number, match: (m: SeenMessage) => boolean) => {
    let found: SeenMessage | undefined;
    for (let count = before + 1; !found; count++) {
      const seen = await irc.waitForMessages('#proj', count, 60_000);
      found = seen.slice(before).find(match);
    }
    return found;
  };

  const matrixMessage = (match: (e: MatrixEvent) => boolean) =>
    alice.waitFor(
      room,
      (events) => events.find((e) => e.type === 'm.room.message' && match(e)),
      60_000,
    );

  beforeAll(async () => {
    w = await startMatrixIrcWorld({
      channel: 'general',
      ircChannel: '#proj',
      alias: '#mc_general:localhost',
      mode: 'puppet',
      aliceDisplayName: 'alicem',
    });
    ({ irc, alice, room } = w);

    // Each speaks once: the gateway makes ircbob's ghost on Matrix and alice's puppet on IRC.
    irc.say('#proj', 'hello from irc');
    ghost = (await matrixMessage((e) => e.content['body'] === 'hello from irc')).sender;
    let before = irc.messagesIn('#proj').length;
    await alice.sendText(room, 'hello from matrix');
    puppet = (await ircMessage(before, (m) => m.text === 'hello from matrix')).nick;
    // A second line: the first delivery (and the puppet nick it reported) is complete once
    // this one is out, since a target's deliveries go one after another.
    before = irc.messagesIn('#proj').length;
    await alice.sendText(room, 'still here');
    await ircMessage(before, (m) => m.text === 'still here');
  }, 240_000);

  afterAll(async () => {
    await stopMatrixIrcWorld(w);
  });

  it('alice speaks on IRC through a puppet and ircbob on Matrix through a ghost', () => {
    expect(puppet).not.toBe('mcbridge');
    expect(puppet.toLowerCase()).toContain('alicem');
    expect(ghost).not.toBe(alice.userId);
    expect(ghost.startsWith('@mc_')).toBe(true);
  });

  it('an IRC line addressing alice’s puppet reaches Matrix as a pill to alice, in m.mentions', async () => {
    irc.say('#proj', `${puppet}: are you there?`);
    const got = await matrixMessage(
      (e) => e.sender === ghost && String(e.content['body']).includes('are you there?'),
    );
    const mentions = got.content['m.mentions'] as { user_ids?: string[] } | undefined;
    expect(mentions?.user_ids).toEqual([alice.userId]);
    expect(got.content['formatted_body']).toBe(
      `<a href="https://matrix.to/#/${alice.userId}">alicem</a>: are you there?`,
    );
  });

  it('a Matrix pill of ircbob’s ghost reaches IRC as ircbob’s own nick', async () => {
    const before = irc.messagesIn('#proj').length;
    await alice.sendText(room, 'ircbob: ping', {
      format: 'org.matrix.custom.html',
      formatted_body: `<a href="https://matrix.to/#/${ghost}">ircbob</a>: ping`,
      'm.mentions': { user_ids: [ghost] },
    });
    const got = await ircMessage(before, (m) => m.text.endsWith('ping'));
    expect(got.nick).toBe(puppet);
    expect(got.text).toBe('@ircbob: ping');
  });
});
