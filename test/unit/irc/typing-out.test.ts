/**
 * Typing towards IRC: in puppet mode, where the server grants IRCv3 `message-tags`, the
 * person's open puppet sends `@+typing=active TAGMSG #channel` (and `done` when they stop);
 * where it does not (ngircd), or in relay mode, or with no puppet of the person in the channel,
 * nothing is written and the notice is counted as not carried. Against a loopback fake server,
 * since ngircd offers no message-tags.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createAdapter, type IrcAdapter } from '../../../src/bridges/irc/index.js';
import type {
  AdapterComponents,
  DropKind,
  NetworkName,
  SenderDisplay,
  TargetKey,
} from '../../../src/bridges/types.js';
import { eventually } from '../../support/eventually.js';
import { startFakeIrcd, type FakeIrcd } from './fake-ircd.js';

const silent = { debug() {}, info() {}, warn() {}, error() {} };
const anna: SenderDisplay = { id: 'user-anna', name: 'anna' };
const target = { network: 'test', channel: '#proj' };
const targetKey = 'irc?channel=#proj' as TargetKey;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function world(caps: readonly string[], mode: 'puppet' | 'relay') {
  const server: FakeIrcd = await startFakeIrcd(caps);
  cleanups.push(() => server.stop());
  const drops: { kind: DropKind; reason?: string; detail?: string }[] = [];
  const components: AdapterComponents = {
    logger: silent,
    clock: { now: () => Date.now() },
    emit: () => Promise.resolve(),
    reportHealth: () => undefined,
    reportDrop: (kind, reason, detail) => drops.push({ kind, reason, detail }),
  };
  const adapter = createAdapter(
    {
      networks: {
        test: { host: '127.0.0.1', port: server.port, tls: false, nick: 'mcbot', mode },
      },
    },
    'irc' as NetworkName,
  )(components) as IrcAdapter;
  await adapter.start();
  cleanups.push(() => adapter.stop());
  const say = (text: string) =>
    adapter.send({
      kind: 'send',
      target,
      targetKey,
      idempotencyKey: `k-${text}`,
      sender: anna,
      text,
      rich: { blocks: [] },
    });
  const type = (active: boolean) => adapter.setTyping({ target, targetKey, sender: anna, active });
  const tagmsgs = () => server.lines.filter((l) => l.includes('TAGMSG'));
  return { server, adapter, drops, say, type, tagmsgs };
}

describe('IRC typing out', () => {
  it("with message-tags the person's puppet sends +typing TAGMSG", async () => {
    const w = await world(['message-tags'], 'puppet');
    expect(w.adapter.capabilities.typing).toBe(true);
    // No puppet of anna yet: typing never opens one; counted.
    await w.type(true);
    expect(w.drops).toEqual([
      { kind: 'typing', reason: 'unsupported', detail: 'no puppet of the person in the channel' },
    ]);
    await w.say('hello');
    await eventually(() => w.server.lines.some((l) => l.includes('PRIVMSG #proj :hello')), {
      what: 'anna speaks through her puppet',
    });
    const puppet = w.server.lines.find((l) => l.includes('PRIVMSG #proj :hello'))!.split(':')[0];
    await w.type(true);
    await w.type(false);
    await eventually(() => w.tagmsgs().length === 2, { what: 'two TAGMSG lines' });
    expect(w.tagmsgs()).toEqual([
      `${puppet}: @+typing=active TAGMSG #proj`,
      `${puppet}: @+typing=done TAGMSG #proj`,
    ]);
    expect(puppet).not.toBe('mcbot');
    expect(w.drops).toHaveLength(1);
  });

  it('without message-tags (as on ngircd) nothing is sent and it is counted', async () => {
    const w = await world([], 'puppet');
    await w.say('hello');
    await eventually(() => w.server.lines.some((l) => l.includes('PRIVMSG #proj :hello')), {
      what: 'anna speaks through her puppet',
    });
    await w.type(true);
    expect(w.drops).toEqual([
      { kind: 'typing', reason: 'unsupported', detail: 'the server offers no message-tags' },
    ]);
    expect(w.tagmsgs()).toEqual([]);
  });

  it('relay mode has no typing to show', async () => {
    const w = await world(['message-tags'], 'relay');
    expect(w.adapter.capabilities.typing).toBe(false);
    await w.say('hello');
    await w.type(true);
    expect(w.drops).toEqual([{ kind: 'typing', reason: 'unsupported', detail: 'relay mode' }]);
    expect(w.tagmsgs()).toEqual([]);
  });
});
