/**
 * The Slack export reader: users, channels and their topics; each channel's history oldest first
 * (day files in date order, each day sorted by ts) with joins, final texts, thread roots,
 * reactions per person and files; files fetched through the Slack file reader when Slack is
 * configured, else links; not-a-zip, not-an-export and a broken day file are named errors.
 */
import { createHash } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yazl from 'yazl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ExportFileError,
  ExportNotZipError,
  NotSlackExportError,
  SlackExport,
  exportFiles,
  type HistoryItem,
} from '../../../src/bridges/slack/export/index.js';
import type { InboundMessage } from '../../../src/bridges/types.js';
import { writeSlackExport, type GeneratedExport } from '../../support/slack-export.js';

let dir: string;
let zip: string;
let generated: GeneratedExport;
let server: Server;
let base: string;
const BYTES = Buffer.from('file bytes\n');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mc-export-'));
  server = createServer((req, res) => {
    if (req.headers.authorization !== 'Bearer xoxb-test') return void res.writeHead(403).end();
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': BYTES.length }).end(BYTES);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  zip = join(dir, 'export.zip');
  generated = await writeSlackExport(zip, {
    channels: ['general', 'random'],
    perChannel: 30,
    users: 3,
    fileEvery: 10,
    filesUrl: base,
  });
});

afterAll(() => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

async function all(items: AsyncIterable<HistoryItem>): Promise<HistoryItem[]> {
  const out: HistoryItem[] = [];
  for await (const item of items) out.push(item);
  return out;
}

async function zipOf(path: string, files: Record<string, string>): Promise<void> {
  const z = new yazl.ZipFile();
  for (const [name, text] of Object.entries(files)) z.addBuffer(Buffer.from(text), name);
  const done = new Promise<void>((resolve) =>
    z.outputStream.pipe(createWriteStream(path)).on('close', () => resolve()),
  );
  z.end();
  await done;
}

describe('SlackExport', () => {
  it('reads users, channels and each channel’s history in original order', async () => {
    const source = await SlackExport.open(zip);
    try {
      expect([...source.users.values()].map((u) => u.displayName)).toEqual([
        'person1',
        'person2',
        'person3',
      ]);
      expect(source.channels.map((c) => [c.id, c.name, c.topic])).toEqual(
        generated.channels.map((c) => [c.id, c.name, c.topic]),
      );
      expect(await source.countMessages()).toBe(60);
      const items = await all(source.history(source.channels[0]!, exportFiles(undefined)));
      const kinds = items.map((i) => i.event.kind);
      expect(kinds.slice(0, 3)).toEqual(['join', 'join', 'join']);
      expect(kinds.at(-1)).toBe('topic');
      const messages = items.flatMap((i) => (i.event.kind === 'message' ? [i] : []));
      const expected = generated.messages.get('general')!;
      expect(messages.map((m) => (m.event as { text: string }).text)).toEqual(
        expected.map((m) => m.text),
      );
      expect(messages.map((m) => m.at)).toEqual(expected.map((m) => m.at));
      messages.forEach((m, i) => {
        const event = m.event as { threadRoot?: string; sender: { displayName: string } };
        expect(event.threadRoot).toBe(expected[i]!.threadTs);
        expect(event.sender.displayName).toBe(expected[i]!.userName);
      });
      const reactions = items.flatMap((i) => (i.event.kind === 'reaction' ? [i.event] : []));
      expect(reactions).toHaveLength(
        expected.reduce((n, m) => n + m.reactions.flatMap((r) => r.users).length, 0),
      );
      expect(new Set(reactions.map((r) => r.emoji))).toEqual(new Set(['👍']));
      const file = messages.find((m) => (m.event as { attachments?: unknown[] }).attachments)!;
      const attachment = (file.event as InboundMessage).attachments![0]!;
      expect(attachment.url).toMatch(/^https:\/\/example\.slack\.com\/files\//);
      await expect(attachment.open()).rejects.toThrow(/bridges\.slack is not configured/);
    } finally {
      source.close();
    }
  });

  it('fetches a file through the Slack file reader when Slack is configured', async () => {
    const source = await SlackExport.open(zip);
    try {
      const files = exportFiles(
        { botToken: 'xoxb-test', appToken: 'xapp-test', apiUrl: `${base}/api/` },
        { allowPrivateAddresses: true },
      );
      const items = await all(source.history(source.channels[0]!, files));
      const message = items.find((i) => i.event.kind === 'message' && i.event.attachments)!;
      const [attachment] = (message.event as InboundMessage).attachments!;
      const opened = await attachment!.open();
      const chunks: Buffer[] = [];
      for await (const chunk of opened.body) chunks.push(Buffer.from(chunk));
      const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
      expect(sha(Buffer.concat(chunks))).toBe(sha(BYTES));
    } finally {
      source.close();
    }
  });

  it('names what is wrong with a file that is no Slack export', async () => {
    const text = join(dir, 'text.zip');
    writeFileSync(text, 'not a zip at all');
    await expect(SlackExport.open(text)).rejects.toBeInstanceOf(ExportNotZipError);
    const noUsers = join(dir, 'no-users.zip');
    await zipOf(noUsers, { 'channels.json': '[]' });
    await expect(SlackExport.open(noUsers)).rejects.toBeInstanceOf(NotSlackExportError);
    const broken = join(dir, 'broken.zip');
    await zipOf(broken, { 'users.json': '[]', 'channels.json': '{"not":"an array"}' });
    await expect(SlackExport.open(broken)).rejects.toBeInstanceOf(ExportFileError);
  });
});
