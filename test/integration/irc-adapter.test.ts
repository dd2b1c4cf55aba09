/**
 * The IRC adapter against a real ngircd, through the adapter contract only: inbound events for
 * what raw IRC clients do, outbound sends in relay and puppet modes (formatting, emotes, replies,
 * byte-exact splitting of multi-byte text), edits and reactions as lines, and a nick collision
 * (a restart with messages sent meanwhile is the adapter contract's, irc-contract.test.ts).
 * Without ngircd the suite is skipped, except in CI, where that is a failure.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { IrcAdapter, IrcRoleChange } from '../../src/bridges/irc/index.js';
import { createAdapter } from '../../src/bridges/irc/index.js';
import type {
  AdapterComponents,
  AdapterHealth,
  ExternalMessageId,
  InboundEvent,
  NetworkName,
  ReactionAction,
  SendAction,
  TargetKey,
} from '../../src/bridges/types.js';
import { findNgircd, startNgircd, type NgircdPeer } from '../peers/ngircd.js';
import { eventually } from '../support/eventually.js';
import { RawIrcClient } from '../support/irc-client.js';

const installed = findNgircd() !== undefined;
if (!installed && process.env.CI === 'true') {
  throw new Error('ngircd is missing in CI: run .ci/install-ngircd.sh first');
}

const silent = { debug() {}, info() {}, warn() {}, error() {} };

interface Harness {
  readonly adapter: IrcAdapter;
  readonly events: InboundEvent[];
  /** Every health the adapter reported (its `reportHealth`), in order. */
  readonly healths: AdapterHealth[];
}

let peer: NgircdPeer;
const cleanups: (() => Promise<void>)[] = [];

function network(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    host: '127.0.0.1',
    port: peer.port,
    tls: false,
    nick: 'mcbot',
    flood: { burst: 10, delayMs: 200 },
    reconnect: { minMs: 300, maxMs: 1000 },
    ...overrides,
  };
}

async function adapterWith(overrides: Record<string, unknown> = {}): Promise<Harness> {
  const events: InboundEvent[] = [];
  const healths: AdapterHealth[] = [];
  const components: AdapterComponents = {
    logger: silent,
    clock: { now: () => Date.now() },
    emit: (event) => {
      events.push(event);
      return Promise.resolve();
    },
    reportHealth: (health) => healths.push(health),
  };
  const adapter = createAdapter(
    { networks: { test: network(overrides) } },
    'irc' as NetworkName,
  )(components) as IrcAdapter;
  await adapter.start();
  cleanups.push(() => adapter.stop());
  return { adapter, events, healths };
}

async function client(nick: string): Promise<RawIrcClient> {
  const c = await RawIrcClient.connect(peer.port, nick);
  cleanups.push(() => c.quit());
  return c;
}

function target(channel: string) {
  return { network: 'test', channel };
}

let seq = 0;
function sendAction(channel: string, text: string, extra: Partial<SendAction> = {}): SendAction {
  return {
    kind: 'send',
    target: target(channel),
    targetKey: `irc?channel=${channel}` as TargetKey,
    idempotencyKey: `k${++seq}`,
    sender: { id: 'user-anna', name: 'anna' },
    text,
    rich: { blocks: [] },
    ...extra,
  };
}

/** Waits until `probe` gives a value (bounded), for events that arrive asynchronously. */
const until = <T>(probe: () => T | undefined, what: string, ms = 15_000) =>
  eventually(probe, { what, timeoutMs: ms, intervalMs: 25 });

/** Has the bot join and waits until `observer` sees it there. */
async function linkChannel(h: Harness, observer: RawIrcClient, channel: string): Promise<void> {
  const resolved = await h.adapter.resolveTarget(target(channel));
  expect(resolved).toEqual({ network: 'test', channel: channel.toLowerCase() });
  await observer.waitForLine(
    (l) =>
      l.command === 'JOIN' &&
      l.params[0]?.toLowerCase() === channel.toLowerCase() &&
      l.nick.startsWith('mcbot'),
  );
}

if (!installed) {
  describe('IRC adapter against ngircd', () => {
    it.skip('skipped: ngircd is not installed (apt-get install ngircd, or .ci/install-ngircd.sh)', () => {});
  });
} else {
  beforeAll(async () => {
    peer = await startNgircd();
  });
  afterEach(async () => {
    for (const clean of cleanups.splice(0).reverse()) await clean().catch(() => undefined);
  });
  afterAll(async () => {
    await peer?.stop();
  });

  describe('IRC adapter against ngircd', () => {
    it('reports messages, notices, actions, membership, nick, topic and op changes', async () => {
      const alice = await client('alice');
      await alice.join('#in');
      const h = await adapterWith();
      const roles: IrcRoleChange[] = [];
      h.adapter.onRoleChange((c) => roles.push(c));
      await linkChannel(h, alice, '#In');

      alice.say('#in', 'hello \x02bold\x02');
      alice.notice('#in', 'a notice');
      alice.action('#in', 'waves');
      const bob = await client('bob');
      await bob.join('#in');
      alice.send('MODE #in +o bob');
      alice.send('TOPIC #in :new topic');
      // bob must still be there when alice's MODE (delayed by her penalty time) takes effect.
      await until(() => roles.find((r) => r.nick === 'bob'), 'bob opped');
      bob.send('PART #in :later');
      // Commands of different connections have no common order (ngircd delays each client by
      // its own penalty time): wait for each departure before the next person arrives.
      const left = (nick: string) =>
        until(
          () =>
            h.events.some((e) => e.kind === 'leave' && e.sender.externalId === nick) || undefined,
          `${nick} leaves`,
        );
      await left('bob');
      const carol = await client('carol');
      await carol.join('#in');
      alice.send('KICK #in carol :out');
      await left('carol');
      const dave = await client('dave');
      await dave.join('#in');
      dave.send('QUIT :gone');
      alice.send('NICK alicia');
      alice.say('#in', 'after rename');

      const events = await until(
        () => (h.events.filter((e) => e.kind === 'message').length >= 4 ? h.events : undefined),
        '4 messages',
      );
      const t = { network: 'test', channel: '#in' };
      const messages = events.filter((e) => e.kind === 'message');
      expect(messages.map((m) => [m.sender.externalId, m.text, m.isEmote === true])).toEqual([
        ['alice', 'hello \x02bold\x02', false],
        ['alice', 'a notice', false],
        ['alice', 'waves', true],
        ['alice', 'after rename', false],
      ]);
      expect(messages.every((m) => m.self !== true)).toBe(true);
      expect(messages[3]?.sender.displayName).toBe('alicia');
      const membership = events
        .filter((e) => e.kind === 'join' || e.kind === 'leave')
        .filter((e) => e.self !== true);
      expect(membership.map((e) => [e.kind, e.sender.externalId])).toEqual([
        ['join', 'bob'],
        ['leave', 'bob'],
        ['join', 'carol'],
        ['leave', 'carol'],
        ['join', 'dave'],
        ['leave', 'dave'],
      ]);
      expect(membership.every((e) => JSON.stringify(e.target) === JSON.stringify(t))).toBe(true);
      expect(events.find((e) => e.kind === 'topic')).toMatchObject({
        kind: 'topic',
        topic: 'new topic',
        target: t,
      });
      expect(events.find((e) => e.kind === 'profile')).toMatchObject({
        sender: { externalId: 'alice', displayName: 'alicia' },
      });
      expect(roles).toContainEqual({
        network: 'test',
        channel: '#in',
        nick: 'bob',
        role: 'moderator',
      });
      // The same change reaches the router as a contract event.
      expect(events.filter((e) => e.kind === 'role')).toEqual([
        {
          kind: 'role',
          target: t,
          sender: { externalId: 'bob', displayName: 'bob' },
          role: 'moderator',
        },
      ]);
      expect(h.adapter.roleOf(t, 'alicia')).toBe('moderator'); // channel creator, from NAMES
      // Every message got its own external id.
      expect(new Set(messages.map((m) => m.externalId)).size).toBe(4);
    });

    it('relays with <nick> prefixes, emotes and replies, and splits long multi-byte text by bytes', async () => {
      const eve = await client('eve');
      await eve.join('#out');
      const h = await adapterWith();
      await linkChannel(h, eve, '#out');

      const first = await h.adapter.send(sendAction('#out', 'hi \x02there\x02'));
      await h.adapter.send(sendAction('#out', 'waves', { isEmote: true }));
      await h.adapter.send(
        sendAction('#out', 'thanks', { replyTo: 'x.1.0:eve' as ExternalMessageId }),
      );
      const unit = 'héllo wörld ☃ 🎉 ';
      const long = unit.repeat(60).trim();
      const parts = await h.adapter.send(sendAction('#out', long));
      expect(first.externalIds).toHaveLength(1);
      expect(parts.externalIds.length).toBeGreaterThan(2);

      const got = await eve.waitForMessages('#out', 3 + parts.externalIds.length);
      expect(got.slice(0, 3).map((m) => m.text)).toEqual([
        '<a\u200bnna> hi \x02there\x02',
        '* a\u200bnna waves',
        '<a\u200bnna> eve: thanks',
      ]);
      expect(got.every((m) => m.nick === 'mcbot')).toBe(true);
      const split = got.slice(3);
      expect(split).toHaveLength(parts.externalIds.length);
      for (const m of split) {
        expect(m.text.startsWith('<a\u200bnna> ')).toBe(true);
        expect(m.text).not.toContain('\ufffd');
        const raw = eve.lines.find((l) => l.command === 'PRIVMSG' && l.params[1] === m.text);
        expect(Buffer.byteLength(raw?.line ?? '')).toBeLessThanOrEqual(510);
      }
      const rejoined = split.map((m) => m.text.slice('<a\u200bnna> '.length)).join(' ');
      expect(rejoined).toBe(long);
    });

    it('sends edits as correction lines and reactions as short lines', async () => {
      const fay = await client('fay');
      await fay.join('#ed');
      const h = await adapterWith();
      await linkChannel(h, fay, '#ed');
      fay.say('#ed', 'the original words of fay');
      const original = await until(
        () => h.events.find((e) => e.kind === 'message'),
        'inbound message',
      );
      const externalId = (original as { externalId: ExternalMessageId }).externalId;

      const sent = await h.adapter.send(sendAction('#ed', 'helo'));
      await h.adapter.edit({
        ...sendAction('#ed', 'hello'),
        kind: 'edit',
        externalIds: sent.externalIds,
      });
      const react: ReactionAction = {
        ...sendAction('#ed', ''),
        kind: 'react',
        externalId,
        emoji: '👍',
      };
      await h.adapter.react(react);
      await h.adapter.react({ ...react, kind: 'unreact' });
      await h.adapter.send(sendAction('#ed', 'last'));

      const got = await fay.waitForMessages('#ed', 5);
      expect(got.map((m) => m.text)).toEqual([
        '<a\u200bnna> helo',
        '<a\u200bnna> (edit) hello',
        '* a\u200bnna reacted 👍 to fay: "the original words of fay"',
        '* a\u200bnna took back 👍 from fay: "the original words of fay"',
        '<a\u200bnna> last',
      ]);
    });

    it('puppets: one connection per person with a sanitised nick, joins, and own echoes marked self', async () => {
      const gus = await client('gus');
      await gus.join('#pup');
      const h = await adapterWith({ mode: 'puppet', nick: 'mcpup' });
      await h.adapter.resolveTarget(target('#pup'));
      await gus.waitForLine((l) => l.command === 'JOIN' && l.nick === 'mcpup');

      await h.adapter.send(
        sendAction('#pup', 'bonjour', { sender: { id: 'u-zoe', name: 'Zoë Smith' } }),
      );
      await h.adapter.send(
        sendAction('#pup', 'dances', { sender: { id: 'u-zoe', name: 'Zoë Smith' }, isEmote: true }),
      );
      await h.adapter.membership({
        ...sendAction('#pup', ''),
        kind: 'join',
        sender: { id: 'u-ian', name: 'ian.b' },
      });
      await gus.waitForLine((l) => l.command === 'JOIN' && l.nick === 'ian_b[m]');

      const got = await gus.waitForMessages('#pup', 2);
      expect(got.map((m) => [m.nick, m.text])).toEqual([
        ['Zoe_Smith[m]', 'bonjour'],
        ['Zoe_Smith[m]', '\x01ACTION dances\x01'],
      ]);
      // The bot hears the puppet like anyone else; the adapter marks it as our own.
      const echo = await until(
        () => h.events.find((e) => e.kind === 'message' && e.sender.displayName === 'Zoe_Smith[m]'),
        'puppet echo',
      );
      expect(echo).toMatchObject({ self: true });
      expect(h.adapter.capabilities.membership).toBe(true);
    });

    it('ops and deops a puppet with MODE when the bot is op, and refuses when it is not', async () => {
      const h = await adapterWith({ mode: 'puppet', nick: 'mcrole' });
      const ops = target('#ops');
      await h.adapter.resolveTarget(ops);
      // First in the channel, the bot is its op (seen from NAMES).
      await until(() => (h.adapter.roleOf(ops, 'mcrole') === 'moderator' ? true : undefined), 'op');
      const kim = await client('kim');
      await kim.join('#ops');
      expect(h.adapter.capabilities.roles).toBe(true);
      const role = (r: 'moderator' | 'member', channel = '#ops') => ({
        ...sendAction(channel, ''),
        kind: 'role' as const,
        sender: { id: 'u-ron', name: 'ron' },
        role: r,
      });
      await h.adapter.setRole(role('moderator'));
      const plus = await kim.waitForLine((l) => l.command === 'MODE' && l.params[1] === '+o');
      expect(plus).toMatchObject({ nick: 'mcrole', params: ['#ops', '+o', 'ron[m]'] });
      await until(() => (h.adapter.roleOf(ops, 'ron[m]') === 'moderator' ? true : undefined), '+o');
      // Already op: nothing is sent. Then deop.
      await h.adapter.setRole(role('moderator'));
      await h.adapter.setRole(role('member'));
      const minus = await kim.waitForLine((l) => l.command === 'MODE' && l.params[1] === '-o');
      expect(minus).toMatchObject({ nick: 'mcrole', params: ['#ops', '-o', 'ron[m]'] });
      expect(kim.lines.filter((l) => l.command === 'MODE')).toHaveLength(2);
      // The router's own ops are not reported back as role events.
      expect(h.events.filter((e) => e.kind === 'role')).toEqual([]);

      // In a channel someone else opened, the bot is not op: a permanent, explained refusal.
      await kim.join('#kims');
      await h.adapter.resolveTarget(target('#kims'));
      await kim.waitForLine(
        (l) => l.command === 'JOIN' && l.nick === 'mcrole' && l.params[0] === '#kims',
      );
      await expect(h.adapter.setRole(role('moderator', '#kims'))).rejects.toMatchObject({
        permanent: true,
        message: expect.stringContaining('not op in #kims'),
      });
    });

    it('parks idle puppets and keeps to the connection cap', async () => {
      const hal = await client('hal');
      await hal.join('#park');
      const h = await adapterWith({
        mode: 'puppet',
        nick: 'mcpark',
        puppet: { idleMs: 300, maxConnections: 1 },
      });
      await h.adapter.resolveTarget(target('#park'));
      await hal.waitForLine((l) => l.command === 'JOIN' && l.nick === 'mcpark');
      const kim = { id: 'u-kim', name: 'kim' };
      const lou = { id: 'u-lou', name: 'lou' };

      await h.adapter.send(sendAction('#park', 'one', { sender: kim }));
      // Idle for longer than idleMs: the puppet disconnects.
      await hal.waitForLine((l) => l.command === 'QUIT' && l.nick === 'kim[m]');
      await h.adapter.send(sendAction('#park', 'two', { sender: kim }));
      // The cap is one connection: lou's puppet takes the place of kim's.
      await h.adapter.send(sendAction('#park', 'three', { sender: lou }));
      const got = await hal.waitForMessages('#park', 3);
      expect(got.map((m) => [m.nick, m.text])).toEqual([
        ['kim[m]', 'one'],
        ['kim[m]', 'two'],
        ['lou[m]', 'three'],
      ]);
      const quits = hal.lines.filter((l) => l.command === 'QUIT' && l.nick === 'kim[m]');
      expect(quits).toHaveLength(2);
    });

    it('sends the server password; a refused one is failed, naming the refusal', async () => {
      const locked = await startNgircd({ password: 'sesame' });
      cleanups.push(() => locked.stop());
      const events: InboundEvent[] = [];
      const components: AdapterComponents = {
        logger: silent,
        clock: { now: () => Date.now() },
        emit: (e) => (events.push(e), Promise.resolve()),
        reportHealth: () => undefined,
      };
      const make = (password?: string) =>
        createAdapter(
          {
            networks: {
              test: {
                ...network(),
                port: locked.port,
                reconnect: { minMs: 5_000, maxMs: 5_000 },
                ...(password && { password }),
              },
            },
          },
          'irc' as NetworkName,
        )(components);
      const good = make('sesame');
      const bad = make('wrong');
      cleanups.push(
        () => good.stop(),
        () => bad.stop(),
      );
      await Promise.all([good.start(), bad.start()]);
      expect(good.health().state).toBe('connected');
      // A refused password is final: failed (not retried), naming the refusal.
      await eventually(() => bad.health().state === 'failed', { what: 'the bad password failed' });
      expect(bad.health().detail).toContain(
        'server password refused (Access denied: Bad password?)',
      );
    });

    it('connects over TLS and identifies to NickServ after registering', async () => {
      const secure = await startNgircd({ tls: true });
      cleanups.push(() => secure.stop());
      const nickserv = await RawIrcClient.connect(secure.port, 'NickServ');
      cleanups.push(() => nickserv.quit());
      const events: InboundEvent[] = [];
      const adapter = createAdapter(
        {
          networks: {
            test: {
              ...network(),
              port: secure.tlsPort,
              tls: true,
              tlsVerify: false, // the test server's certificate is self-signed
              nickserv: { password: 'hunter2' },
            },
          },
        },
        'irc' as NetworkName,
      )({
        logger: silent,
        clock: { now: () => Date.now() },
        emit: (e) => (events.push(e), Promise.resolve()),
        reportHealth: () => undefined,
      });
      cleanups.push(() => adapter.stop());
      await adapter.start();
      expect(adapter.health().state).toBe('connected');
      const identify = await nickserv.waitUntil(
        () => nickserv.messages.find((m) => m.target === 'NickServ'),
        15_000,
        'IDENTIFY',
      );
      expect(identify).toMatchObject({ nick: 'mcbot', text: 'IDENTIFY hunter2' });
    });

    it('takes another nick when its own is in use, and still relays', async () => {
      const holder = await client('mcdup');
      await holder.join('#dup');
      const h = await adapterWith({ nick: 'mcdup' });
      await h.adapter.resolveTarget(target('#dup'));
      const join = await holder.waitForLine((l) => l.command === 'JOIN' && l.nick !== 'mcdup');
      expect(join.nick).toBe('mcdup_');
      await h.adapter.send(sendAction('#dup', 'still here'));
      const [m] = await holder.waitForMessages('#dup', 1);
      expect(m).toMatchObject({ nick: 'mcdup_', text: '<a\u200bnna> still here' });
    });

    // An ngircd restart with messages sent meanwhile: the adapter contract's reconnect case
    // (irc-contract.test.ts).

    it('refuses targets of unknown networks and bad channel names permanently', async () => {
      const h = await adapterWith();
      await expect(
        h.adapter.send({ ...sendAction('#x', 'a'), target: { network: 'nope', channel: '#x' } }),
      ).rejects.toMatchObject({ permanent: true });
      await expect(
        h.adapter.resolveTarget({ network: 'test', channel: 'nochan' }),
      ).rejects.toMatchObject({ permanent: true });
    });
  });
}
