/**
 * Mentions end to end: IRC (a real ngircd, puppet mode) ↔ Multichat (`multichat start` as its
 * own process) ↔ Matrix (a real Synapse). An IRC person addressing the puppet of a Matrix person
 * (`alicem[m]: …`) reaches Matrix as a pill to the real Matrix account, listed in `m.mentions`;
 * a Matrix pill of the IRC person's ghost reaches IRC as that person's own nick. Skipped without
 * ngircd or Synapse, except in CI.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findNgircd, startNgircd, type NgircdPeer } from '../peers/ngircd.js';
import { RawIrcClient, type SeenMessage } from '../support/irc-client.js';
import { MatrixTestClient, type MatrixEvent } from '../support/matrix-client.js';
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

describe.skipIf(!ircInstalled || !synapseAvailable())('mentions across IRC and Matrix', () => {
  let ngircd: NgircdPeer;
  let world: MatrixWorld;
  let gateway: GatewayProcess;
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
              mode: 'puppet',
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
    await irc?.quit().catch(() => undefined);
    await gateway?.stop();
    await world?.stop();
    await ngircd?.stop();
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
