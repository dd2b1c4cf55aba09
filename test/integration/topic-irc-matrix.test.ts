/**
 * Topics end to end: IRC (a real ngircd) ↔ Multichat (`multichat start` as its own process)
 * ↔ Matrix (a real Synapse). An IRC op's TOPIC becomes the Matrix room's m.room.topic (set by
 * the bridge bot); a Matrix user's m.room.topic becomes the bot's TOPIC on IRC once the bot is
 * op. Neither comes back (each side sees one change per topic). Skipped without ngircd or
 * Synapse, except in CI.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.js';
import type { RawIrcClient } from '../support/irc-client.js';
import type { MatrixTestClient } from '../support/matrix-client.js';
import {
  matrixIrcAvailable,
  startMatrixIrcWorld,
  stopMatrixIrcWorld,
  type MatrixIrcWorld,
} from '../support/matrix-irc-world.js';

describe.skipIf(!matrixIrcAvailable())('topic IRC ↔ Matrix end to end', () => {
  let w: MatrixIrcWorld | undefined;
  let world: MatrixIrcWorld['world'];
  let irc: RawIrcClient;
  let alice: MatrixTestClient;
  let room: string;

  const roomTopic = async () =>
    (
      await alice
        .state<{ topic?: string }>(room, 'm.room.topic')
        .catch((): { topic?: string } => ({}))
    ).topic;
  const topicLines = () => irc.lines.filter((l) => l.command === 'TOPIC');

  beforeAll(async () => {
    w = await startMatrixIrcWorld({
      channel: 'topics',
      ircChannel: '#topics',
      alias: '#mc_topics:localhost',
    });
    ({ world, irc, alice, room } = w);
    // The bot created the portal room; it lets alice change room state (as a room admin would).
    const path = `/_matrix/client/v3/rooms/${encodeURIComponent(room)}/state/m.room.power_levels/`;
    const levels = await alice.call<{ users?: Record<string, number> }>('GET', path);
    await alice.call(
      'PUT',
      path,
      { ...levels, users: { ...levels.users, [alice.userId]: 100 } },
      world.registration.as_token,
    );
  }, 180_000);

  afterAll(async () => {
    await stopMatrixIrcWorld(w);
  });

  it("an IRC op's TOPIC becomes the Matrix room's topic, set by the bridge bot", async () => {
    irc.send('TOPIC #topics :release on friday');
    await eventually(async () => (await roomTopic()) === 'release on friday', {
      what: 'the Matrix room topic from IRC',
      timeoutMs: 60_000,
    });
    const events = await alice.timeline(room);
    const topics = events.filter((e) => e.type === 'm.room.topic');
    expect(topics.at(-1)?.sender).toBe(`@${world.registration.sender_localpart}:localhost`);
    // The bot's own change is not carried back to IRC as a TOPIC of the bridge.
    expect(topicLines().filter((l) => l.nick === 'mcbridge')).toEqual([]);
  });

  it("a Matrix user's topic becomes the bot's TOPIC on IRC once the bot is op", async () => {
    irc.send('MODE #topics +o mcbridge');
    await irc.waitForLine((l) => l.command === 'MODE' && l.params.includes('mcbridge'), 15_000);
    await alice.putState(room, 'm.room.topic', { topic: 'moved to monday' });
    const line = await irc.waitForLine(
      (l) => l.command === 'TOPIC' && l.nick === 'mcbridge',
      60_000,
    );
    expect(line.params).toEqual(['#topics', 'moved to monday']);
    // The echo of the bot's TOPIC did not change the room back or again.
    await eventually(async () => (await roomTopic()) === 'moved to monday', {
      what: 'the Matrix topic kept',
    });
    const events = await alice.timeline(room);
    const topics = events.filter((e) => e.type === 'm.room.topic').map((e) => e.content['topic']);
    expect(topics.slice(-2)).toEqual(['release on friday', 'moved to monday']);
    expect(topicLines().filter((l) => l.nick === 'mcbridge')).toHaveLength(1);
  });
});
