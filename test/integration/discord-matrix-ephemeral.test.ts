/**
 * Typing and presence from Discord (the fake, dispatching TYPING_START and PRESENCE_UPDATE in
 * the gateway docs' shapes to the real discord.js client) reach the Matrix ghost of the Discord
 * person on a real Synapse, through the real bridge runtime: a real Matrix user sees the ghost
 * typing in the room (`m.typing` in /sync) and reads the ghost's presence; and a real Matrix
 * user typing shows the bot typing on Discord (Discord's only typing API).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordAdapter } from '../../src/bridges/discord/index.js';
import { ghostUserId } from '../../src/bridges/matrix/index.js';
import type { BridgeRuntime } from '../../src/bridges/runtime/index.js';
import type { NetworkName } from '../../src/bridges/types.js';
import type { MappingStore } from '../../src/mapping/types.js';
import { FAST_LIMITS } from '../peers/discord-fake/harness.js';
import { startDiscordFake, type DiscordFake, type FakeUser } from '../peers/discord-fake/index.js';
import { eventually } from '../support/eventually.js';
import type { MatrixTestClient } from '../support/matrix-client.js';
import {
  startMatrixAppservice,
  stopMatrixAppservice,
  type MatrixAppserviceWorld,
} from '../support/matrix-appservice-world.js';
import { synapseAvailable, type MatrixWorld } from './matrix-setup.js';

interface SyncRoom {
  ephemeral?: { events?: Array<{ type: string; content: { user_ids?: string[] } }> };
}

describe.skipIf(!synapseAvailable())('Discord typing and presence → Matrix ghosts', () => {
  let m: MatrixAppserviceWorld | undefined;
  let world: MatrixWorld;
  let fake: DiscordFake;
  let store: MappingStore;
  let runtime: BridgeRuntime;
  let alice: MatrixTestClient;
  let dana: FakeUser;
  let room: string;
  let ghost: string;

  /**
   * Who the room's `m.typing` says is typing, from alice's incremental /sync after `since`
   * (Synapse sends typing as changes, so the caller keeps the token between calls).
   */
  const typingSince = async (since: string): Promise<{ next: string; typing?: string[] }> => {
    const sync = await alice.call<{
      next_batch: string;
      rooms?: { join?: Record<string, SyncRoom> };
    }>('GET', `/_matrix/client/v3/sync?timeout=1000&since=${encodeURIComponent(since)}`);
    const events = sync.rooms?.join?.[room]?.ephemeral?.events ?? [];
    const typing = events.find((e) => e.type === 'm.typing')?.content.user_ids;
    return { next: sync.next_batch, ...(typing && { typing }) };
  };

  beforeAll(async () => {
    fake = await startDiscordFake(FAST_LIMITS);
    dana = fake.addUser('dana');
    m = await startMatrixAppservice({
      dataDirPrefix: 'mc-discord-matrix-',
      owner: 'owner',
      person: { name: 'alice' },
      others: () => [
        createDiscordAdapter(
          { token: fake.token, apiUrl: fake.apiUrl, cdnUrl: fake.cdnUrl, presenceEvents: true },
          'discord' as NetworkName,
        ),
      ],
    });
    ({ world, store, runtime, person: alice, room } = m);
    await runtime.links.create({
      channel: 'general',
      network: 'discord',
      target: { channel: fake.channel.id },
    });
    // dana speaks first: her profile joins the channel and her ghost the room.
    fake.say(fake.channel.id, dana, 'hello matrix');
    const identity = await eventually(
      () => store.identities.get('discord' as NetworkName, dana.id),
      {
        what: "dana's bridged profile",
      },
    );
    ghost = ghostUserId(world.config, identity.userId);
    await alice.waitFor(room, (events) =>
      events.find((e) => e.sender === ghost && e.type === 'm.room.message'),
    );
  }, 120_000);

  afterAll(async () => {
    await stopMatrixAppservice(m);
    await fake?.stop();
  });

  it("shows a Discord person's typing as their ghost typing in the Matrix room", async () => {
    const first = await alice.call<{ next_batch: string }>('GET', '/_matrix/client/v3/sync');
    let since = first.next_batch;
    fake.typing(fake.channel.id, dana);
    const typing = await eventually(
      async () => {
        const got = await typingSince(since);
        since = got.next;
        return got.typing?.includes(ghost) ? got.typing : undefined;
      },
      { what: 'the ghost typing in m.typing' },
    );
    expect(typing).toEqual([ghost]);
  });

  it("sets the ghost's Matrix presence from Discord's PRESENCE_UPDATE", async () => {
    fake.presence(dana, 'idle', 'out for lunch');
    const path = `/_matrix/client/v3/presence/${encodeURIComponent(ghost)}/status`;
    const seen = await eventually(
      async () => {
        const p = await alice.call<{ presence: string; status_msg?: string }>('GET', path);
        return p.presence === 'unavailable' ? p : undefined;
      },
      { what: "the ghost's presence unavailable", intervalMs: 100 },
    );
    expect(seen.status_msg).toBe('out for lunch');
  });

  it('shows the bot typing on Discord while a Matrix user types', async () => {
    const from = fake.requests.length;
    await alice.call(
      'PUT',
      `/_matrix/client/v3/rooms/${encodeURIComponent(room)}/typing/${encodeURIComponent(alice.userId)}`,
      { typing: true, timeout: 10_000 },
    );
    const posted = await eventually(
      () =>
        fake.requests
          .slice(from)
          .find((r) => r.template === '/channels/:id/typing' && r.status === 204),
      { what: 'POST /channels/{id}/typing on Discord' },
    );
    expect(posted.path).toContain(fake.channel.id);
  });
});
