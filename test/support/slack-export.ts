/**
 * Writes a Slack workspace export (users.json, channels.json, one folder of daily files per
 * channel) as a zip, the way Slack lays one out, with threads, edited messages (the final text,
 * `edited` set), reactions, files (by URL) and joins. Returns what an import must show.
 */
import { createWriteStream } from 'node:fs';
import yazl from 'yazl';

export interface ExportSpec {
  readonly channels: readonly string[];
  /** Messages per channel (joins not counted). */
  readonly perChannel: number;
  readonly users?: number;
  /** ms of the first message; one message a minute after it. */
  readonly start?: number;
  /** Base URL of the files' url_private (a reachable server, or not). */
  readonly filesUrl?: string;
  /** Every how many messages one has a file (0: none). */
  readonly fileEvery?: number;
}

export interface ExpectedMessage {
  readonly ts: string;
  readonly at: number;
  readonly user: string;
  readonly userName: string;
  readonly text: string;
  readonly threadTs?: string;
  readonly reactions: readonly { name: string; users: string[] }[];
  readonly file?: { name: string; url: string; permalink: string };
}

export interface GeneratedExport {
  readonly channels: readonly { id: string; name: string; topic: string }[];
  readonly users: readonly { id: string; name: string }[];
  readonly messages: ReadonlyMap<string, readonly ExpectedMessage[]>;
}

const DAY_MS = 86_400_000;

export async function writeSlackExport(path: string, spec: ExportSpec): Promise<GeneratedExport> {
  const start = spec.start ?? Date.UTC(2024, 0, 1, 9);
  const users = Array.from({ length: spec.users ?? 5 }, (_, i) => ({
    id: `U${String(i + 1).padStart(4, '0')}`,
    name: `person${i + 1}`,
  }));
  const channels = spec.channels.map((name, i) => ({
    id: `C${String(i + 1).padStart(4, '0')}`,
    name,
    topic: `about ${name}`,
  }));
  const zip = new yazl.ZipFile();
  const done = new Promise<void>((resolve, reject) => {
    const out = createWriteStream(path);
    out.on('close', () => resolve());
    out.on('error', reject);
    zip.outputStream.pipe(out);
  });
  const json = (value: unknown, name: string) =>
    zip.addBuffer(Buffer.from(JSON.stringify(value)), name);
  json(
    users.map((u) => ({
      id: u.id,
      name: u.name,
      real_name: `Person ${u.id}`,
      profile: { display_name: u.name, real_name: `Person ${u.id}` },
    })),
    'users.json',
  );
  json(
    channels.map((c) => ({
      id: c.id,
      name: c.name,
      created: Math.floor(start / 1000),
      topic: { value: c.topic, creator: users[0]!.id, last_set: 0 },
      members: users.map((u) => u.id),
    })),
    'channels.json',
  );
  const messages = new Map<string, ExpectedMessage[]>();
  for (const channel of channels) {
    const expected: ExpectedMessage[] = [];
    const days = new Map<string, unknown[]>();
    const put = (at: number, raw: unknown) => {
      const day = new Date(Math.floor(at / DAY_MS) * DAY_MS).toISOString().slice(0, 10);
      (days.get(day) ?? days.set(day, []).get(day)!).push(raw);
    };
    users.forEach((u, i) => {
      const at = start - (users.length - i) * 1000;
      const ts = tsOf(at);
      put(at, {
        type: 'message',
        subtype: 'channel_join',
        user: u.id,
        ts,
        text: `<@${u.id}> has joined the channel`,
      });
    });
    let root: string | undefined;
    for (let i = 0; i < spec.perChannel; i++) {
      const at = start + i * 60_000;
      const ts = tsOf(at);
      const user = users[i % users.length]!;
      const edited = i % 7 === 3;
      const text = `${channel.name} message ${i}${edited ? ' (final text)' : ''}`;
      const threadTs = i % 10 !== 0 && i % 4 === 1 && root ? root : undefined;
      if (i % 10 === 0) root = ts;
      const reactions =
        i % 5 === 2
          ? [
              {
                name: 'thumbsup',
                users: [users[(i + 1) % users.length]!.id, users[(i + 2) % users.length]!.id],
              },
            ]
          : [];
      const fileEvery = spec.fileEvery ?? 0;
      const file =
        fileEvery > 0 && i % fileEvery === fileEvery - 1
          ? {
              name: `f${channel.id}-${i}.txt`,
              url: `${spec.filesUrl ?? 'http://127.0.0.1:9'}/files/f${channel.id}-${i}.txt`,
              permalink: `https://example.slack.com/files/${user.id}/F${i}/f${i}.txt`,
            }
          : undefined;
      put(at, {
        type: 'message',
        user: user.id,
        text,
        ts,
        ...(threadTs && { thread_ts: threadTs, parent_user_id: users[0]!.id }),
        ...(i % 10 === 0 && { thread_ts: ts, reply_count: 1 }),
        ...(edited && { edited: { user: user.id, ts: tsOf(at + 30_000) } }),
        ...(reactions.length > 0 && {
          reactions: reactions.map((r) => ({ ...r, count: r.users.length })),
        }),
        ...(file && {
          files: [
            {
              id: `F${i}`,
              name: file.name,
              title: file.name,
              mimetype: 'text/plain',
              size: 12,
              url_private: file.url,
              url_private_download: file.url,
              permalink: file.permalink,
            },
          ],
        }),
      });
      expected.push({
        ts,
        at,
        user: user.id,
        userName: user.name,
        text,
        ...(threadTs && { threadTs }),
        reactions,
        ...(file && { file }),
      });
    }
    // Slack writes each day's messages oldest first; shuffled here so the reader must sort.
    for (const [day, list] of days) json(list.reverse(), `${channel.name}/${day}.json`);
    messages.set(channel.name, expected);
  }
  zip.end();
  await done;
  return { channels, users, messages };
}

/** Slack's ts: seconds with six decimals. */
function tsOf(ms: number): string {
  return `${Math.floor(ms / 1000)}.${String((ms % 1000) * 1000).padStart(6, '0')}`;
}
