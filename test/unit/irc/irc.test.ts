/** Unit tests of the IRC adapter's pure parts: nicks, payload splitting, flood queue, confirmations. */
import { describe, expect, it } from 'vitest';
import type { AdapterComponents, NetworkName } from '../../../src/bridges/types.js';
import { resolveConfig } from '../../../src/bridges/irc/config.js';
import { createAdapter } from '../../../src/bridges/irc/index.js';
import { Confirmations } from '../../../src/bridges/irc/confirm.js';
import { FloodQueue } from '../../../src/bridges/irc/flood.js';
import { nickOf } from '../../../src/bridges/irc/ids.js';
import {
  addressed,
  reactionText,
  relayWrapper,
  splitWrapped,
  TEXT_BYTES,
} from '../../../src/bridges/irc/lines.js';
import { ircLower, nextNick, noPing, sanitizeNick } from '../../../src/bridges/irc/nick.js';

const settings = resolveConfig({ networks: { n: { host: 'h' } } }).networks[0]!;

describe('nicks', () => {
  it('turns display names into valid nicks within the length, keeping the suffix', () => {
    expect(sanitizeNick('Zoë Smith', 30, '[m]')).toBe('Zoe_Smith[m]');
    expect(sanitizeNick('9lives', 30)).toBe('lives');
    expect(sanitizeNick('日本語', 30)).toBe('user');
    expect(sanitizeNick('-dash', 30)).toBe('dash');
    expect(sanitizeNick('averyveryverylongname', 9, '[m]')).toBe('averyv[m]');
    for (const name of ['a b c', '@x', '...', 'ü', '[x]']) {
      expect(sanitizeNick(name, 9)).toMatch(/^[A-Za-z[\]\\`_^{|}][A-Za-z0-9[\]\\`_^{|}-]{0,8}$/);
    }
  });

  it('proposes new nicks after a collision without exceeding the length', () => {
    expect(nextNick('bot', 1, 9)).toBe('bot_');
    expect(nextNick('bot', 2, 9)).toBe('bot2');
    expect(nextNick('ninechars', 1, 9)).toBe('ninechar1');
  });

  it('hides a nick from highlights and folds case the IRC way', () => {
    expect(noPing('anna')).toBe('a\u200bnna');
    expect(ircLower('#Foo[]\\~')).toBe('#foo{}|^');
  });

  it('reads the author back from an id', () => {
    expect(nickOf('abc.1.0:alice')).toBe('alice');
    expect(nickOf('other')).toBe('');
  });
});

describe('payloads', () => {
  it('never puts more than the declared TEXT_BYTES of text on one line', () => {
    const text = 'word '.repeat(300).trim();
    const parts = splitWrapped(text, 480, relayWrapper(settings, 'bob', false));
    expect(parts.length).toBeGreaterThan(3);
    for (const p of parts)
      expect(Buffer.byteLength(p.slice('<b\u200bob> '.length))).toBeLessThanOrEqual(TEXT_BYTES);
    expect(parts.map((p) => p.slice('<b\u200bob> '.length)).join(' ')).toBe(text);
  });

  it('splits by UTF-8 bytes with the prefix on every part and no broken character', () => {
    const text = 'ä€🎉 '.repeat(100).trim();
    const parts = splitWrapped(text, 100, relayWrapper(settings, 'bob', false));
    for (const p of parts) {
      expect(Buffer.byteLength(p)).toBeLessThanOrEqual(100);
      expect(p.startsWith('<b\u200bob> ')).toBe(true);
      expect(p).not.toContain('\ufffd');
    }
    expect(parts.map((p) => p.slice('<b\u200bob> '.length)).join(' ')).toBe(text);
  });

  it('writes replies and reactions as short lines', () => {
    expect(addressed('yes', 'carl')).toBe('carl: yes');
    expect(reactionText('👍', 'carl', 'a long message that goes on and on and on past forty')).toBe(
      'reacted 👍 to carl: "a long message that goes on and on and…"',
    );
    expect(reactionText('👍', 'carl', undefined)).toBe("reacted 👍 to carl's message");
    expect(reactionText('👍', 'carl', 'short one', true)).toBe(
      'took back 👍 from carl: "short one"',
    );
  });

  it('does not treat $ patterns in text as replacement patterns', () => {
    expect(relayWrapper(settings, 'x', false)("$& $' $1")).toBe("<x> $& $' $1");
  });
});

describe('flood queue', () => {
  it('writes a burst at once, then one line per delay, in order', async () => {
    let now = 0;
    const written: string[] = [];
    const queue = new FloodQueue(2, 1000, () => now);
    queue.open((line) => (written.push(line), true));
    const done = ['a', 'b', 'c'].map((l) => queue.push(l));
    await Promise.all(done.slice(0, 2));
    expect(written).toEqual(['a', 'b']);
    now = 1000;
    await done[2];
    expect(written).toEqual(['a', 'b', 'c']);
  });

  it('holds lines while paused and puts requeued lines first', async () => {
    const written: string[] = [];
    const queue = new FloodQueue(10, 0);
    const later = queue.push('new');
    queue.requeue(['old']);
    expect(written).toEqual([]);
    queue.open((line) => (written.push(line), true));
    await later;
    expect(written).toEqual(['old', 'new']);
  });
});

describe('confirmations', () => {
  it('forgets lines confirmed by our PONG and hands back the rest', () => {
    const c = new Confirmations();
    c.written('one');
    const token = c.ping();
    c.written('two');
    expect(c.pong('someone else')).toBe(false);
    expect(c.pong(token!)).toBe(true);
    expect(c.takeUnconfirmed()).toEqual(['two']);
  });
});

describe('capabilities', () => {
  const components: AdapterComponents = {
    logger: { debug() {}, info() {}, warn() {}, error() {} },
    clock: { now: () => 0 },
    emit: () => Promise.resolve(),
    reportHealth: () => undefined,
  };
  const build = (net: Record<string, unknown>) =>
    createAdapter({ networks: { n: { host: 'h', ...net } } }, 'irc' as NetworkName)(components)
      .capabilities;

  it('declares what IRC can carry, from the config and without connecting', () => {
    const relay = build({});
    expect(relay).toMatchObject({
      markup: 'irc',
      edits: true,
      deletes: false,
      reactions: true,
      membership: false,
    });
    expect(build({ reactions: false }).reactions).toBe(false);
    expect(build({ mode: 'puppet' }).membership).toBe(true);
    expect(build({ flood: { burst: 2, delayMs: 2000 } }).rateLimit).toEqual({
      messagesPerSecond: 0.5,
      burst: 2,
    });
  });
});

describe('config', () => {
  it('fills the schema defaults per network, port by TLS, username from the nick', () => {
    const [tls, plain] = resolveConfig({
      networks: { a: { host: 'h', nick: 'Zoë-bot' }, b: { host: 'h', tls: false } },
    }).networks;
    expect(tls).toMatchObject({ name: 'a', port: 6697, username: 'Zobot', floodBurst: 4 });
    expect(plain).toMatchObject({ name: 'b', port: 6667, username: 'multichat', mode: 'relay' });
  });

  it('names the network key that is wrong and never echoes a password', () => {
    expect(() => resolveConfig({ networks: { libera: {} } })).toThrow(
      /bridges\.irc\.networks\.libera\.host/,
    );
    const bad = () =>
      resolveConfig({ networks: { n: { host: 'h', sasl: { user: 7, password: 'hunter2-pw' } } } });
    expect(bad).toThrow(/bridges\.irc\.networks\.n\.sasl\.user/);
    expect(bad).not.toThrow(/hunter2-pw/);
  });
});
