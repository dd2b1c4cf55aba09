/**
 * IRC AWAY (away-notify) and `+typing` TAGMSG → presence and typing events, from the payloads
 * irc-framework emits for them (`away`, `back`, `tagmsg`). ngircd offers neither capability, so
 * the real-server suites cannot produce these lines.
 */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { IrcEphemeral } from '../../../src/bridges/irc/ephemeral.js';
import type { ExternalUserId, InboundEvent } from '../../../src/bridges/types.js';

function setup() {
  const events: InboundEvent[] = [];
  const client = new EventEmitter();
  new IrcEphemeral({
    network: 'libera',
    emit: async (e) => {
      events.push(e);
    },
    isSelf: (nick) => nick === 'mcbot' || nick === 'nina[m]',
    sender: (nick) => ({ externalId: `id-${nick}` as ExternalUserId, displayName: nick }),
  }).attach({
    // irc-framework's client is an EventEmitter; the module reads only `on`.
    on: (event: string, listener: (e: never) => void) =>
      client.on(event, listener as (e: unknown) => void),
  });
  return { events, client };
}

describe('IRC presence and typing', () => {
  it('AWAY with a text is away with that text; AWAY without one is online; repeats once', () => {
    const { events, client } = setup();
    client.emit('away', { self: false, nick: 'bob', message: 'lunch' });
    client.emit('away', { self: false, nick: 'bob', message: 'lunch' }); // RPL_AWAY again
    client.emit('back', { self: false, nick: 'bob', message: '' });
    client.emit('away', { self: true, nick: 'mcbot', message: 'bot away' });
    client.emit('away', { self: false, nick: 'nina[m]', message: 'puppet away' });
    expect(events).toEqual([
      {
        kind: 'presence',
        sender: { externalId: 'id-bob', displayName: 'bob' },
        status: 'away',
        text: 'lunch',
      },
      { kind: 'presence', sender: { externalId: 'id-bob', displayName: 'bob' }, status: 'online' },
    ]);
  });

  it('+typing=active starts typing in the channel, paused and done stop it', () => {
    const { events, client } = setup();
    const tag = (nick: string, value: string, target = '#Proj', name = '+typing') =>
      client.emit('tagmsg', { nick, target, tags: { [name]: value } });
    tag('bob', 'active');
    tag('bob', 'paused');
    tag('carol', 'active', '#proj', '+draft/typing');
    tag('carol', 'done');
    tag('bob', 'active', 'mcbot'); // a private TAGMSG: not a channel
    tag('bob', 'sideways'); // not a typing state
    tag('nina[m]', 'active'); // our puppet: marked self
    client.emit('tagmsg', { nick: 'bob', target: '#proj', tags: { '+react': '👍' } });
    expect(
      events.map((e) =>
        e.kind === 'typing'
          ? [e.sender.displayName, e.target['channel'], e.active, e.self === true]
          : e.kind,
      ),
    ).toEqual([
      ['bob', '#proj', true, false],
      ['bob', '#proj', false, false],
      ['carol', '#proj', true, false],
      ['carol', '#proj', false, false],
      ['nina[m]', '#proj', true, true],
    ]);
    expect(events[0]).toMatchObject({ target: { network: 'libera', channel: '#proj' } });
  });
});
