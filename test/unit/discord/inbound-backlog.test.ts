/**
 * The bound on Discord's inbound backlog (src/bridges/discord/inbound-backlog.ts, issue 23):
 * when the core stops taking events, at most `maxInboundBacklog` wait in memory; the rest are
 * counted as dropped, and once the backlog is down to half the runtime's backfill reads them
 * back, so the other network still gets every message, once, in order.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createDiscordAdapter } from '../../../src/bridges/discord/index.js';
import { InboundBacklog } from '../../../src/bridges/discord/inbound-backlog.js';
import type {
  AdapterBuilder,
  AdapterComponents,
  InboundEvent,
  NetworkName,
} from '../../../src/bridges/types.js';
import { silentLogger } from '../../../src/core/options.js';
import { tempDir } from '../../support/core.js';
import { AT_B, bootRouter } from '../../support/fake-router-world.js';
import { TestNetwork } from '../../support/test-adapter.js';
import { FAST_LIMITS, until } from '../../peers/discord-fake/harness.js';
import { startDiscordFake, type DiscordFake } from '../../peers/discord-fake/index.js';

type Emit = (event: InboundEvent) => Promise<void>;

/** Holds every event handed to the runtime while closed: a core that does not keep up. */
class Valve {
  private closed = false;
  private readonly waiting: (() => void)[] = [];
  /** The most events ever held at once. */
  most = 0;

  wrap(emit: Emit): Emit {
    return async (event) => {
      if (this.closed) {
        await new Promise<void>((resolve) => {
          this.waiting.push(resolve);
          this.most = Math.max(this.most, this.waiting.length);
        });
      }
      return emit(event);
    };
  }

  close(): void {
    this.closed = true;
  }

  /** Lets the held events through, in the order they came. */
  open(): void {
    this.closed = false;
    for (const resolve of this.waiting.splice(0)) resolve();
  }
}

describe('InboundBacklog', () => {
  it('sheds chat dispatches at the limit, counts each, and asks for a catch-up at half', async () => {
    const drops: string[] = [];
    let catchUps = 0;
    const backlog = new InboundBacklog({
      limit: 4,
      logger: silentLogger,
      reportDrop: (kind, reason, detail) => void drops.push(`${kind} ${reason} ${detail}`),
      catchUp: () => void (catchUps += 1),
    });
    const release: (() => void)[] = [];
    const hold = () => backlog.track(() => new Promise<void>((r) => release.push(r)));
    const held = [hold(), hold(), hold(), hold()];
    expect(backlog.size).toBe(4);
    expect(backlog.admit('MESSAGE_CREATE')).toBe(false);
    expect(backlog.admit('MESSAGE_REACTION_ADD')).toBe(false);
    // The client's own dispatches are never shed.
    expect(backlog.admit('GUILD_CREATE')).toBe(true);
    expect(backlog.admit(undefined)).toBe(true);
    expect(drops).toEqual([
      'message adapter inbound backlog full',
      'reaction adapter inbound backlog full',
    ]);
    release.shift()!();
    await held[0];
    expect(catchUps).toBe(0); // 3 waiting: still over half, still shedding
    expect(backlog.admit('MESSAGE_UPDATE')).toBe(false);
    release.shift()!();
    await held[1];
    expect(catchUps).toBe(1);
    expect(backlog.admit('MESSAGE_CREATE')).toBe(true);
    expect(drops).toHaveLength(3);
    for (const r of release.splice(0)) r();
    await Promise.all(held);
    expect(backlog.size).toBe(0);
    expect(catchUps).toBe(1);
  });
});

const fakes: DiscordFake[] = [];
afterAll(async () => {
  for (const f of fakes) await f.stop();
});

describe('a Discord channel faster than the core', () => {
  it('holds at most the limit in memory, and every message still arrives once, in order', async () => {
    const fake = await startDiscordFake(FAST_LIMITS);
    fakes.push(fake);
    const netB = new TestNetwork('b-');
    const bob = fake.addUser('bob');
    const texts = () => netB.at(AT_B).map((p) => p.text);
    const valve = new Valve();
    const discord = createDiscordAdapter(
      { token: fake.token, apiUrl: fake.apiUrl, slashCommand: false, maxInboundBacklog: 10 },
      'discord' as NetworkName,
    );
    const slowed: AdapterBuilder = Object.assign(
      (components: AdapterComponents) =>
        discord({ ...components, emit: valve.wrap(components.emit) }),
      { network: discord.network },
    );
    const gw = await bootRouter({
      dataDir: tempDir('mc-discord-backlog-'),
      netB,
      pollIntervalMs: 20,
      owner: 'alice',
      adapter: slowed,
      link: { network: 'discord', target: { channel: fake.channel.id } },
    });
    try {
      fake.say(fake.channel.id, bob, 'before');
      await until(() => texts().includes('before'), 'a live message → b');
      // Its emit ends after its mapping is written (a turn after the relay's send): until then it
      // takes one place of the backlog.
      await gw.runtime.settle();

      valve.close();
      const burst = Array.from({ length: 40 }, (_, i) => `burst ${i}`);
      for (const text of burst) fake.say(fake.channel.id, bob, text);
      const shed = () =>
        gw.runtime
          .dropped()
          .filter((d) => d.network === 'discord' && d.kind === 'message' && d.reason === 'adapter')
          .reduce((sum, d) => sum + d.count, 0);
      await until(() => shed() === 30, '30 of 40 messages shed and counted');
      expect(valve.most).toBe(10);

      valve.open();
      await until(() => texts().includes('burst 39'), 'the shed messages read back → b');
      fake.say(fake.channel.id, bob, 'after');
      await until(() => texts().includes('after'), 'a live message after the catch-up → b');
      await gw.runtime.settle();
      expect(texts()).toEqual(['before', ...burst, 'after']);
    } finally {
      await gw.stop();
    }
  });
});
