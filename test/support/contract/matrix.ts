/**
 * The adapter contract's Matrix harness: the appservice adapter against a real Synapse; the
 * person is a Matrix account with its own client (the client-server API), and reads a room as a
 * Matrix client shows it: edits (`m.replace`) applied, redacted events gone, ghosts by display
 * name, replies, threads, reactions that are not redacted, mentions as pills or `m.mentions`.
 */
import { createAdapter, type MatrixAdapter } from '../../../src/bridges/matrix/index.js';
import type { LinkTarget, NetworkName } from '../../../src/bridges/types.js';
import type {
  ContractHarness,
  ContractPerson,
  SeenFile,
  SeenPost,
} from '../../contracts/adapter-harness.js';
import { startMatrixWorld, synapseAvailable } from '../../integration/matrix-setup.js';
import { MatrixTestClient, type MatrixEvent } from '../matrix-client.js';
import { recorder } from './recorder.js';

export const matrixContract: ContractHarness = {
  title: 'Matrix (Synapse, appservice)',
  ...(!synapseAvailable() && { unavailable: 'Synapse is not installed' }),
  async start() {
    const world = await startMatrixWorld();
    const { events, healths, drops, components } = recorder();
    const adapter = createAdapter(
      world.config,
      'matrix' as NetworkName,
    )(components) as MatrixAdapter;
    await adapter.start();
    const client = await MatrixTestClient.register(world.synapse.url, 'carol');
    const bot = `@${world.registration.sender_localpart}:localhost`;
    return {
      adapter,
      events,
      healths,
      drops,
      person: matrixPerson(client),
      openTarget: async (label) => {
        // The person made the room and made the bridge's bot an admin too (it sets topics).
        const room = await client.createRoom({ name: label });
        const path = `/_matrix/client/v3/rooms/${encodeURIComponent(room)}/state/m.room.power_levels/`;
        const levels = await client.call<{ users?: Record<string, number> }>('GET', path);
        await client.call('PUT', path, { ...levels, users: { ...levels.users, [bot]: 100 } });
        return adapter.resolveTarget({ room });
      },
      connection: {
        cut: () => world.synapse.kill(),
        restore: () => world.synapse.restart(),
      },
      async stop() {
        await adapter.stop();
        await world.stop();
      },
    };
  },
};

type Relation = { rel_type?: string; event_id?: string; 'm.in_reply_to'?: { event_id?: string } };

function matrixPerson(client: MatrixTestClient): ContractPerson {
  const roomOf = (target: LinkTarget) => String(target['room']);
  /** The person's reaction events, to redact when the reaction is taken back. */
  const reactions = new Map<string, string>();
  return {
    id: client.userId,
    name: 'carol',
    post: async (target, text) => ({ id: await client.sendText(roomOf(target), text) }),
    edit: async (target, post, text) => {
      await client.send(roomOf(target), {
        msgtype: 'm.text',
        body: `* ${text}`,
        'm.new_content': { msgtype: 'm.text', body: text },
        'm.relates_to': { rel_type: 'm.replace', event_id: post.id },
      });
    },
    remove: async (target, post) => void (await client.redact(roomOf(target), post.id)),
    react: async (target, post, emoji, added) => {
      const key = `${post.id} ${emoji}`;
      if (added) reactions.set(key, await client.react(roomOf(target), post.id, emoji));
      else await client.redact(roomOf(target), reactions.get(key) ?? '');
    },
    read: async (target) => seen(client, await client.timeline(roomOf(target), 1_000)),
    setTopic: (target, topic) => client.putState(roomOf(target), 'm.room.topic', { topic }),
    topic: async (target) =>
      (await client.state<{ topic?: string }>(roomOf(target), 'm.room.topic')).topic ?? '',
    leaveAndReturn: async (target) => {
      const room = roomOf(target);
      await client.call('POST', `/_matrix/client/v3/rooms/${encodeURIComponent(room)}/leave`, {});
      await client.join(room);
    },
    members: async (target) => {
      const { joined } = await client.call<{ joined: Record<string, { display_name?: string }> }>(
        'GET',
        `/_matrix/client/v3/rooms/${encodeURIComponent(roomOf(target))}/joined_members`,
      );
      return Object.entries(joined).map(([id, m]) => m.display_name ?? id);
    },
    type: async (target) => {
      const path = `/_matrix/client/v3/rooms/${encodeURIComponent(roomOf(target))}/typing/`;
      await client.call('PUT', path + encodeURIComponent(client.userId), {
        typing: true,
        timeout: 10_000,
      });
    },
    typing: async (target) => typingIn(client, roomOf(target)),
  };
}

/** Who the room's `m.typing` says is typing now (a fresh /sync of that room), by display name. */
async function typingIn(client: MatrixTestClient, room: string): Promise<string[]> {
  const filter = JSON.stringify({ room: { rooms: [room], timeline: { limit: 1 } } });
  const sync = await client.call<{
    rooms?: {
      join?: Record<
        string,
        { ephemeral?: { events?: { type: string; content: { user_ids?: string[] } }[] } }
      >;
    };
  }>('GET', `/_matrix/client/v3/sync?filter=${encodeURIComponent(filter)}`);
  const events = sync.rooms?.join?.[room]?.ephemeral?.events ?? [];
  const ids = events.find((e) => e.type === 'm.typing')?.content.user_ids ?? [];
  const names: string[] = [];
  for (const id of ids) names.push((await client.profile(id)).displayname ?? id);
  return names;
}

async function seen(
  client: MatrixTestClient,
  timeline: readonly MatrixEvent[],
): Promise<SeenPost[]> {
  const names = new Map<string, string>();
  const senders = new Map<string, string>();
  const posts = new Map<string, SeenPost & { reactions: string[] }>();
  for (const event of timeline) {
    const relation = event.content['m.relates_to'] as Relation | undefined;
    if (Object.keys(event.content).length === 0) continue; // redacted
    if (event.type === 'm.reaction') {
      const on = posts.get(relation?.event_id ?? '');
      if (on && event.sender !== client.userId)
        on.reactions.push(String((relation as { key?: string }).key));
      continue;
    }
    if (event.type !== 'm.room.message') continue;
    if (relation?.rel_type === 'm.replace') {
      // Clients apply an edit only from the original's sender (anyone else's is ignored).
      const on = posts.get(relation.event_id ?? '');
      const next = event.content['m.new_content'] as { body?: string } | undefined;
      if (on && senders.get(on.id as string) === event.sender)
        posts.set(on.id as string, { ...on, text: String(next?.body ?? '') });
      continue;
    }
    senders.set(event.event_id, event.sender);
    if (!names.has(event.sender))
      names.set(event.sender, (await client.profile(event.sender)).displayname ?? event.sender);
    const thread = relation?.rel_type === 'm.thread' ? relation.event_id : undefined;
    const reply = thread === undefined ? relation?.['m.in_reply_to']?.event_id : undefined;
    posts.set(event.event_id, {
      id: event.event_id,
      author: names.get(event.sender) ?? event.sender,
      text: String(event.content['body'] ?? ''),
      ...(reply !== undefined && { replyTo: reply }),
      ...(thread !== undefined && { threadRoot: thread }),
      reactions: [],
      mentions: mentionsOf(event.content),
      files: fileOf(client, event.content),
    });
  }
  return [...posts.values()];
}

/** The file of an m.file/m.image/m.video/m.audio event, downloaded as authenticated media. */
function fileOf(client: MatrixTestClient, content: Record<string, unknown>): SeenFile[] {
  const url = content['url'];
  if (typeof url !== 'string') return [];
  const name = String(content['filename'] ?? content['body'] ?? '');
  return [{ name, download: () => client.download(url) }];
}

/** Pills in the HTML and `m.mentions`, as Matrix clients decide whom to notify. */
function mentionsOf(content: Record<string, unknown>): string[] {
  const html = String(content['formatted_body'] ?? '');
  const pills = [...html.matchAll(/https:\/\/matrix\.to\/#\/(@[^"?/]+)/g)].map((m) =>
    decodeURIComponent(m[1] as string),
  );
  const listed = (content['m.mentions'] as { user_ids?: string[] } | undefined)?.user_ids ?? [];
  return [...new Set([...pills, ...listed])];
}
