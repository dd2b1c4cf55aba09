/**
 * IRC relay mode with `membershipNotices` against a real ngircd: a bridged person's join and
 * leave become one line by the bot each (name in italics, not pinging an IRC user of that nick);
 * without the option relay mode declares no membership. Skipped without ngircd, except in CI.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdapter, type IrcAdapter } from '../../src/bridges/irc/index.js';
import type { MembershipAction, NetworkName, TargetKey } from '../../src/bridges/types.js';
import { findNgircd, startNgircd, type NgircdPeer } from '../peers/ngircd.js';
import { RawIrcClient } from '../support/irc-client.js';

const installed = findNgircd() !== undefined;
if (!installed && process.env.CI === 'true') {
  throw new Error('ngircd is missing in CI: run .ci/install-ngircd.sh first');
}
const silent = { debug() {}, info() {}, warn() {}, error() {} };

function build(port: number, extra: Record<string, unknown>): IrcAdapter {
  const net = { host: '127.0.0.1', port, tls: false, nick: 'mcnotice', ...extra };
  return createAdapter(
    { networks: { test: net } },
    'irc' as NetworkName,
  )({
    logger: silent,
    clock: { now: () => Date.now() },
    emit: () => Promise.resolve(),
    reportHealth: () => undefined,
  }) as IrcAdapter;
}

function action(kind: 'join' | 'leave', name: string): MembershipAction {
  return {
    kind,
    target: { network: 'test', channel: '#notices' },
    targetKey: 'irc?channel=#notices' as TargetKey,
    idempotencyKey: `${kind}-${name}`,
    sender: { id: 'p1', name },
  };
}

describe.skipIf(!installed)('IRC relay membership notices', () => {
  let peer: NgircdPeer;
  let adapter: IrcAdapter;
  let watcher: RawIrcClient;
  beforeAll(async () => {
    peer = await startNgircd();
    watcher = await RawIrcClient.connect(peer.port, 'watcher');
    await watcher.join('#notices');
    adapter = build(peer.port, { membershipNotices: true, flood: { burst: 10, delayMs: 100 } });
    await adapter.start();
  }, 60_000);
  afterAll(async () => {
    await adapter?.stop();
    await watcher?.quit().catch(() => undefined);
    await peer?.stop();
  });

  it('is off by default in relay mode', () => {
    expect(build(peer.port, {}).capabilities.membership).toBe(false);
    expect(adapter.capabilities.membership).toBe(true);
  });

  it('tells a join and a leave as one bot line each', async () => {
    await adapter.membership(action('join', 'alice'));
    await adapter.membership(action('leave', 'alice'));
    const got = await watcher.waitForMessages('#notices', 2, 15_000);
    expect(got.map((m) => [m.nick, m.text])).toEqual([
      ['mcnotice', '\x1da\u200blice\x1d joined'],
      ['mcnotice', '\x1da\u200blice\x1d left'],
    ]);
  });
});
