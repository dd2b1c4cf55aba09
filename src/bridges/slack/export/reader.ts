/**
 * Slack's standard workspace export, read as a stream: `users.json` and `channels.json` (and
 * `groups.json` for private channels when the export has them) up front, then for one channel at
 * a time its folder of daily files (`<name>/YYYY-MM-DD.json`) in date order, one file in memory
 * at a time, each day's messages by `ts`. What each message becomes: export/messages.ts.
 */
import type { ExternalSender, ExternalUserId } from '../../types.js';
import { ExportFileError, NotSlackExportError } from './errors.js';
import { historyOf, type FileMapper, type HistoryItem, type RawMessage } from './messages.js';

export type { FileMapper, RawFile } from './messages.js';
import { ZipArchive } from './zip.js';

export interface ExportChannel {
  readonly id: string;
  readonly name: string;
  readonly topic?: string;
  /** Daily files of the channel, oldest first. */
  readonly days: readonly string[];
}

interface RawUser {
  id?: unknown;
  name?: unknown;
  real_name?: unknown;
  profile?: { display_name?: unknown; real_name?: unknown; image_72?: unknown };
}

interface RawChannel {
  id?: unknown;
  name?: unknown;
  topic?: { value?: unknown };
}

const DAY = /^(.+)\/(\d{4}-\d{2}-\d{2})\.json$/;

export class SlackExport {
  private constructor(
    private readonly zip: ZipArchive,
    readonly users: ReadonlyMap<string, ExternalSender>,
    readonly channels: readonly ExportChannel[],
  ) {}

  /** @throws ExportNotZipError, NotSlackExportError, ExportFileError */
  static async open(path: string): Promise<SlackExport> {
    const zip = await ZipArchive.open(path);
    try {
      for (const required of ['users.json', 'channels.json']) {
        if (!zip.has(required)) throw new NotSlackExportError(path, required);
      }
      const users = new Map<string, ExternalSender>();
      for (const raw of await jsonArray<RawUser>(zip, 'users.json')) {
        const sender = senderOf(raw);
        if (sender) users.set(sender.externalId, sender);
      }
      const days = new Map<string, string[]>();
      for (const name of zip.names()) {
        const match = DAY.exec(name);
        if (match) (days.get(match[1]!) ?? days.set(match[1]!, []).get(match[1]!)!).push(name);
      }
      const raws = [
        ...(await jsonArray<RawChannel>(zip, 'channels.json')),
        ...(zip.has('groups.json') ? await jsonArray<RawChannel>(zip, 'groups.json') : []),
      ];
      const channels: ExportChannel[] = [];
      for (const raw of raws) {
        if (typeof raw.id !== 'string' || typeof raw.name !== 'string') {
          throw new ExportFileError('channels.json', 'a channel without id or name');
        }
        const topic = typeof raw.topic?.value === 'string' ? raw.topic.value : '';
        channels.push({
          id: raw.id,
          name: raw.name,
          ...(topic !== '' && { topic }),
          days: (days.get(raw.name) ?? []).sort(),
        });
      }
      return new SlackExport(zip, users, channels);
    } catch (error) {
      zip.close();
      throw error;
    }
  }

  /** Messages (not joins) of the channels given, for a progress total; reads every day once. */
  async countMessages(channels: readonly ExportChannel[] = this.channels): Promise<number> {
    let n = 0;
    for (const channel of channels) {
      for (const day of channel.days) {
        const raws = await jsonArray<RawMessage>(this.zip, day);
        n += raws.filter((m) => m.subtype !== 'channel_join').length;
      }
    }
    return n;
  }

  /** The channel's history, oldest first; the channel's topic last (applied when it has none). */
  async *history(channel: ExportChannel, files: FileMapper): AsyncGenerator<HistoryItem> {
    const target = { channel: channel.id };
    for (const day of channel.days) {
      const messages = await jsonArray<RawMessage>(this.zip, day);
      messages.sort((a, b) => Number(a.ts) - Number(b.ts));
      for (const raw of messages) yield* historyOf(raw, { target, users: this.users, files });
    }
    if (channel.topic !== undefined) {
      const sender = { externalId: 'USLACKBOT' as ExternalUserId, displayName: 'Slackbot' };
      yield { at: Date.now(), event: { kind: 'topic', target, sender, topic: channel.topic } };
    }
  }

  close(): void {
    this.zip.close();
  }
}

async function jsonArray<T>(zip: ZipArchive, name: string): Promise<T[]> {
  let value: unknown;
  try {
    value = JSON.parse(await zip.text(name));
  } catch (error) {
    throw new ExportFileError(name, (error as Error).message);
  }
  if (!Array.isArray(value)) throw new ExportFileError(name, 'not a JSON array');
  return value as T[];
}

function senderOf(raw: RawUser): ExternalSender | undefined {
  if (typeof raw.id !== 'string') return undefined;
  const names = [raw.profile?.display_name, raw.profile?.real_name, raw.real_name, raw.name];
  const displayName = names.find((n): n is string => typeof n === 'string' && n !== '') ?? raw.id;
  const avatar = raw.profile?.image_72;
  return {
    externalId: raw.id as ExternalUserId,
    displayName,
    ...(typeof avatar === 'string' && { avatarUrl: avatar }),
  };
}
