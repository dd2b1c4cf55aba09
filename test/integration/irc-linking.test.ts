/**
 * Account linking on IRC against a real ngircd: `!multichat link` said to the bot (privately)
 * answers a code by NOTICE, `!multichat link CODE` in a channel redeems it and is answered
 * privately too; neither is bridged. A person whose own nick is linked gets no puppet: the bot
 * relays their messages with their name. A live puppet follows its person's rename at once.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { IrcAdapter } from '../../src/bridges/irc/index.js';
import { createAdapter } from '../../src/bridges/irc/index.js';
import type {
  AdapterComponents,
  ExternalUserId,
  InboundEvent,
  NetworkName,
  SendAction,
  TargetKey,
} from '../../src/bridges/types.js';
import { findNgircd, startNgircd, type NgircdPeer } from '../peers/ngircd.js';
import { fakeAccountControl } from '../support/account-control.js';
import { eventually } from '../support/eventually.js';
import { RawIrcClient } from '../support/irc-client.js';

const installed = findNgircd() !== undefined;
const silent = { debug() {}, info() {}, warn() {}, error() {} };
let peer: NgircdPeer;
const cleanups: (() => Promise<void>)[] = [];

describe.skipIf(!installed)('IRC account linking against ngircd', () => {
  beforeAll(async () => {
    peer = await startNgircd();
  });
  afterEach(async () => {
    for (const clean of cleanups.splice(0).reverse()) await clean().catch(() => undefined);
  });
  afterAll(async () => {
    await peer?.stop();
  });

  async function client(nick: string): Promise<RawIrcClient> {
    const c = await RawIrcClient.connect(peer.port, nick);
    cleanups.push(() => c.quit());
    return c;
  }

  it('a live puppet takes the new nick at once when its person renames themselves', async () => {
    const components: AdapterComponents = {
      logger: silent,
      clock: { now: () => Date.now() },
      emit: async () => undefined,
      reportHealth: () => undefined,
    };
    const settings = { host: '127.0.0.1', port: peer.port, tls: false, nick: 'mcbot2' };
    const adapter = createAdapter(
      { networks: { test: { ...settings, mode: 'puppet' } } },
      'irc' as NetworkName,
    )(components) as IrcAdapter;
    await adapter.start();
    cleanups.push(() => adapter.stop());
    const lee = await client('lee');
    await lee.join('#ren');
    await adapter.resolveTarget({ network: 'test', channel: '#ren' });
    const sent = await adapter.send({
      kind: 'send',
      target: { network: 'test', channel: '#ren' },
      targetKey: 'irc?channel=#ren' as TargetKey,
      idempotencyKey: 'r1',
      sender: { id: 'user-kim', name: 'kim' },
      text: 'hi from kim',
      rich: { blocks: [] },
    });
    const old = sent.puppet as string;
    expect(old).toMatch(/^kim/);
    await lee.waitForMessages('#ren', 1);

    await adapter.updateProfile({ id: 'user-kim', name: 'kimberly' });
    const renamed = await lee.waitForLine((l) => l.command === 'NICK' && l.nick === old, 15_000);
    expect(renamed.params[0]).toMatch(/^kimberly/);
  });

  it('answers codes privately, redeems them, and never bridges the commands', async () => {
    const accounts = fakeAccountControl();
    const events: InboundEvent[] = [];
    const components: AdapterComponents = {
      logger: silent,
      clock: { now: () => Date.now() },
      emit: async (event) => void events.push(event),
      reportHealth: () => undefined,
      accounts,
    };
    const settings = {
      host: '127.0.0.1',
      port: peer.port,
      tls: false,
      nick: 'mcbot',
      mode: 'puppet',
      flood: { burst: 10, delayMs: 200 },
    };
    const adapter = createAdapter(
      { networks: { test: settings } },
      'irc' as NetworkName,
    )(components) as IrcAdapter;
    await adapter.start();
    cleanups.push(() => adapter.stop());
    const ivy = await client('ivy');
    const jon = await client('jon');
    await ivy.join('#acc');
    await jon.join('#acc');
    await adapter.resolveTarget({ network: 'test', channel: '#acc' });
    await ivy.waitForLine((l) => l.command === 'JOIN' && l.nick === 'mcbot');

    ivy.say('mcbot', '!multichat link');
    const issued = await ivy.waitUntil(
      () => ivy.messages.find((m) => m.command === 'NOTICE' && m.nick === 'mcbot'),
      15_000,
      'the code notice',
    );
    expect(issued.target).toBe('ivy');
    expect(issued.text).toMatch(/^Your link code is CODE1-00000 /);
    expect(accounts.calls).toEqual(['issue ivy']);

    jon.say('#acc', '!multichat link code1-00000');
    const linked = await jon.waitUntil(
      () => jon.messages.find((m) => m.command === 'NOTICE' && m.nick === 'mcbot'),
      15_000,
      'the redeem notice',
    );
    expect(linked.target).toBe('jon');
    expect(linked.text).toMatch(/^Linked: this account now belongs to ivy\./);
    expect(accounts.linked.get('jon')).toBe('ivy');

    // A plain line after them is bridged; the commands were not.
    jon.say('#acc', 'plain line');
    await eventually(() => events.find((e) => e.kind === 'message' && e.text === 'plain line'), {
      what: 'the plain line bridged',
      timeoutMs: 15_000,
    });
    const texts = events.flatMap((e) => (e.kind === 'message' ? [e.text] : []));
    expect(texts).toEqual(['plain line']);
    // The bot answered nothing in the channel (what Jon typed there, the channel sees).
    expect(ivy.messagesIn('#acc').filter((m) => m.nick === 'mcbot')).toEqual([]);

    // Jon's own nick is linked to Ivy's profile: a message of that profile goes through the bot,
    // named, never through a puppet.
    const action: SendAction = {
      kind: 'send',
      target: { network: 'test', channel: '#acc' },
      targetKey: 'irc?channel=#acc' as TargetKey,
      idempotencyKey: 'k1',
      sender: { id: 'user-ivy', name: 'Ivy', native: 'jon' as ExternalUserId },
      text: 'relayed for the linked person',
      rich: { blocks: [] },
    };
    const result = await adapter.send(action);
    expect(result.puppet).toBeUndefined();
    const seen = await ivy.waitForMessages('#acc', 3);
    expect(seen[2]?.nick).toBe('mcbot');
    // (The relay breaks names with a zero-width space so they do not highlight anyone.)
    expect(seen[2]?.text.replace(/\u200b/g, '')).toBe('<Ivy> relayed for the linked person');
  });
});
