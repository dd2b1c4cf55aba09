/**
 * End to end: IRC (a real ngircd) ↔ Multichat (`multichat start` as its own process, with both
 * bridges) ↔ Matrix (a real Synapse). The Matrix side of the link is a portal alias the gateway
 * creates at start. Without ngircd or Synapse the suite is skipped, except in CI.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findNgircd, startNgircd, type NgircdPeer } from '../peers/ngircd.js';
import { RawIrcClient } from '../support/irc-client.js';
import { MatrixTestClient } from '../support/matrix-client.js';
import {
  startGatewayProcess,
  startMatrixWorld,
  synapseAvailable,
  type GatewayProcess,
  type MatrixWorld,
} from './matrix-setup.js';

const ircInstalled = findNgircd() !== undefined;
if (!ircInstalled && process.env.CI === 'true')
  throw new Error('ngircd is missing in CI: run .ci/install-ngircd.sh first');
const ZW = '\u200b';

describe.skipIf(!ircInstalled || !synapseAvailable())('IRC ↔ Multichat ↔ Matrix end to end', () => {
  let ngircd: NgircdPeer;
  let world: MatrixWorld;
  let gateway: GatewayProcess;
  let irc: RawIrcClient;
  let alice: MatrixTestClient;
  let room: string;

  beforeAll(async () => {
    ngircd = await startNgircd();
    world = await startMatrixWorld();
    irc = await RawIrcClient.connect(ngircd.port, 'ircbob');
    await irc.join('#proj');
    const { homeserverUrl, domain, registration, listen, userPrefix } = world.config;
    gateway = await startGatewayProcess({
      bridges: {
        irc: {
          networks: {
            local: {
              host: '127.0.0.1',
              port: ngircd.port,
              tls: false,
              nick: 'mcbridge',
              flood: { burst: 10, delayMs: 100 },
            },
          },
        },
        matrix: { homeserverUrl, domain, registration, listen, userPrefix },
      },
      links: [
        {
          channel: 'general',
          irc: { network: 'local', channel: '#proj' },
          matrix: { room: '#mc_general:localhost' },
        },
      ],
    });
    await irc.waitForLine((l) => l.command === 'JOIN' && l.nick === 'mcbridge', 30_000);
    alice = await MatrixTestClient.register(world.synapse.url, 'alice');
    await alice.call(
      'PUT',
      `/_matrix/client/v3/profile/${encodeURIComponent(alice.userId)}/displayname`,
      { displayname: 'alicem' },
    );
    room = await alice.join('#mc_general:localhost');
  }, 180_000);

  afterAll(async () => {
    await irc?.quit().catch(() => undefined);
    await gateway?.stop();
    await world?.stop();
    await ngircd?.stop();
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
